"""The audit trail: append-only, keyed, sealed rows that outlive the users they name.

Every create, update and delete, and every read of a sensitive record, writes one row in the
same transaction as the change (see ``tiaki.audit.services.audit_record``). A writer takes no
lock: it stores the row with its MAC (an HMAC of its contents under a key held outside the
database). The sealer (``tiaki audit seal --follow``) then gives committed rows their place in
one keyed hash chain (``AuditSeal``), in batches; ``tiaki audit verify`` recomputes both and
names the first row that does not fit (see docs/decisions/0002-audit-chain.md).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit row through the application."""


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit rows cannot be changed")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit rows cannot be deleted")


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("Create")
        UPDATE = "update", _("Update")
        DELETE = "delete", _("Delete")
        READ = "read", _("Read")
        LOGIN = "login", _("Log in")
        LOGIN_FAILED = "login_failed", _("Failed log-in")
        LOGOUT = "logout", _("Log out")
        EXPORT = "export", _("Export")
        PURGE = "purge", _("Purge")
        REFUSED = "refused", _("Refused")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # Who: the user id is kept without a foreign key so the row outlives the user; the
    # username, agency and roles are copied as they were at the time.
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    actor_agency = models.CharField(max_length=40, blank=True)
    actor_roles = models.CharField(max_length=400, blank=True)
    # Indexed through ``Meta.indexes``, not ``db_index``: on PostgreSQL ``db_index`` on a
    # CharField adds a second, ``varchar_pattern_ops`` index for ``LIKE 'x%'``, which no
    # query of the trail makes, and every audited call paid for it (issue 16).
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    # HMAC-SHA256 of the row's contents under the audit key (``TIAKI_AUDIT_KEY``).
    mac = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            # Also serves ``object_type = …`` alone (its leading column).
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["action"], name="audit_event_action_idx"),
            models.Index(fields=["object_id"], name="audit_event_object_id_idx"),
        ]

    def __str__(self) -> str:
        target = f"{self.object_type}:{self.object_id}"
        return f"#{self.pk} {self.action} {target} by {self.actor_username}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A row ``audit_record`` returned is marked as stored even before its INSERT is sent
        # (it may travel with the COMMIT), so its id may still be unset.
        if self.pk is not None or not self._state.adding:
            raise AppendOnlyError("audit rows cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit rows cannot be deleted")


class ChainHead(models.Model):
    """The newest seal: only the sealer locks it, so writers never wait on it."""

    last_hash = models.CharField(max_length=64)
    last_event_id = models.BigIntegerField(null=True)
    last_seq = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.last_seq}:{self.last_hash}"


class AuditSeal(models.Model):
    """A row's place in the chain: ``chain = HMAC(key, seq | event id | row MAC | previous)``.

    Positions run 1, 2, 3 … without gaps, so a deleted seal shows as a missing position. The
    link to the row has no database constraint: deleting a row must be detectable, not
    prevented by (or cascaded through) the database an insider controls.
    """

    seq = models.BigIntegerField(primary_key=True)
    event = models.OneToOneField(AuditEvent, on_delete=models.DO_NOTHING, db_constraint=False,
                                 null=True, related_name="seal")
    chain = models.CharField(max_length=64)
    sealed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"{self.seq}:{self.chain}"
