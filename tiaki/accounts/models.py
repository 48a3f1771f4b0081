"""Agencies, users and their roles, and API tokens for systems."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaki.accounts.roles import Role
from tiaki.core.memo import remembered

if TYPE_CHECKING:
    from collections.abc import Iterable


class Agency(models.Model):
    """A government agency, NGO or partner, loaded from ``data/<country>/agencies.yaml``."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government agency")
        NGO = "ngo", _("Non-governmental organisation")
        PARTNER = "partner", _("Partner")

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    short = models.CharField(max_length=40, blank=True)
    country = models.CharField(max_length=2, default="NZ")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.GOVERNMENT)
    active = models.BooleanField(default=True)
    # The agency that carries out this one's functions today (DoL -> MBIE, HNZC -> Kāinga Ora).
    successor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="predecessors"
    )
    note = models.TextField(blank=True)
    source = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.short or self.name

    def current(self) -> Agency:
        """Follow the successor chain to the agency that does this work today."""
        agency: Agency = self
        seen = {agency.pk}
        while agency.successor_id is not None and agency.successor_id not in seen:
            assert agency.successor is not None
            agency = agency.successor
            seen.add(agency.pk)
        return agency

    def lineage_ids(self) -> set[int]:
        """This agency and every predecessor whose functions it now holds."""
        return set(remembered(("agency lineage", self.pk), self._lineage_ids))

    def _lineage_ids(self) -> frozenset[int]:
        ids = {self.pk}
        frontier = [self.pk]
        while frontier:
            found = list(
                Agency.objects.filter(successor_id__in=frontier)
                .exclude(pk__in=ids)
                .values_list("pk", flat=True)
            )
            ids.update(found)
            frontier = found
        return frozenset(ids)


class User(AbstractUser):
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    # Demo logins (created by ``tiaki demo``) may skip the second factor, but only in demo mode.
    is_demo = models.BooleanField(default=False)

    def role_codes(self) -> set[str]:
        cached: set[str] | None = getattr(self, "_role_cache", None)
        if cached is None:
            cached = set(self.role_grants.values_list("role", flat=True))
            self._role_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes() & set(roles))

    def set_roles(self, roles: Iterable[str]) -> None:
        wanted = set(roles)
        self.role_grants.exclude(role__in=wanted).delete()
        for role in wanted - set(self.role_grants.values_list("role", flat=True)):
            RoleGrant.objects.create(user=self, role=role)
        self._role_cache = wanted


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=40, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_user_role")]

    def __str__(self) -> str:
        return f"{self.user} as {self.get_role_display()}"


def _token_digest(raw: str) -> str:
    # Tokens are long random strings, so a fast hash is enough (no dictionary to guess from).
    return hashlib.sha256(raw.encode()).hexdigest()


LAST_USED_PRECISION = dt.timedelta(minutes=1)


class ApiToken(models.Model):
    """A bearer token for a system acting as a user; only its digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, user: User, name: str) -> tuple[ApiToken, str]:
        raw = "tk_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=raw[:10], digest=_token_digest(raw))
        return token, raw

    @classmethod
    def authenticate(cls, raw: str) -> User | None:
        token = (
            cls.objects.select_related("user")
            .filter(digest=_token_digest(raw), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            return None
        # ``last_used_at`` answers "is this token still in use, and since when not?" (for
        # revoking stale tokens), which a minute's precision answers as well. Writing it on
        # every request cost a round trip and a row lock per API call on the screening
        # API's 50 ms path, and serialised concurrent requests from one system on that row.
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user


class EnrolmentCode(models.Model):
    """An administrator-issued, expiring, single-use code that lets a person enrol an
    authenticator app. Knowing someone's password is then not enough to attach a second
    factor of one's own to their account. Only a keyed digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_codes")
    digest = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Enrolment code for {self.user} (until {self.expires_at:%Y-%m-%d %H:%M})"

    @staticmethod
    def digest_of(raw: str) -> str:
        from django.conf import settings

        normalised = "".join(ch for ch in raw.upper() if ch.isalnum())
        return hmac.new(settings.SECRET_KEY.encode(), f"enrolment:{normalised}".encode(),
                        hashlib.sha256).hexdigest()

    def usable(self, at: dt.datetime) -> bool:
        return self.used_at is None and self.expires_at > at
