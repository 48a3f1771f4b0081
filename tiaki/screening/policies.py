"""Who may see and do what in border screening (one policy per model; see tiaki.core.policy).

Seed 002, items 9-12: intelligence analysts keep "a repertoire of profiles and alerts" and
the watchlists; border and visa officers (frontline staff of the New Zealand Customs Service
and of MBIE, which now runs Immigration New Zealand) work the alerts for their own post.
An officer sees the alerts of the posts they are a member of or, with no membership, of every
post their agency runs; other agencies see nothing of the traveller data.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from tiaki.accounts.roles import Role
from tiaki.core.memo import remembered
from tiaki.core.policy import Policy, register
from tiaki.screening.models import (
    Alert,
    Disposition,
    IngestBatch,
    LostDocument,
    Post,
    PostMembership,
    ProfileTestCase,
    RiskProfile,
    RiskProfileVersion,
    Traveller,
    WatchlistEntry,
)

# Agencies whose frontline officers screen travellers and visa applications.
BORDER_AGENCIES = ("CUSTOMS", "MBIE")
# Agencies that manage the register of lost and stolen passports (DIA issues NZ passports).
DOCUMENT_AGENCIES = ("DIA",)

DISPOSE = "disposition"
AUTHOR = "author"
PUBLISH = "publish"
INGEST = "ingest"
MANAGE = "manage"


def is_analyst(user: Any) -> bool:
    return bool(user.has_role(Role.INTELLIGENCE_ANALYST))


def _agency_codes(user: Any) -> set[str]:
    agency = getattr(user, "agency", None)
    if agency is None:
        return set()
    from tiaki.accounts.models import Agency

    lineage = agency.lineage_ids()
    if lineage == {agency.pk}:
        return {agency.code}  # no predecessors: the agency row is already loaded

    def codes() -> frozenset[str]:
        return frozenset(Agency.objects.filter(pk__in=lineage).values_list("code", flat=True))

    return set(remembered(("agency lineage codes", agency.pk), codes))


def is_border_officer(user: Any) -> bool:
    return bool(user.has_role(Role.FRONTLINE)) and bool(_agency_codes(user) & set(BORDER_AGENCIES))


def posts_of(user: Any) -> models.QuerySet[Post]:
    """The posts whose queues ``user`` works (see the module docstring)."""
    if is_analyst(user) or user.is_superuser:
        return Post.objects.all()
    if not is_border_officer(user):
        return Post.objects.none()
    own = Post.objects.filter(agency_id__in=user.agency.lineage_ids())
    member = PostMembership.objects.filter(user=user).values_list("post_id", flat=True)
    has_posts = remembered(("post member", user.pk), member.exists)
    return own.filter(pk__in=member) if has_posts else own


def can_ingest(user: Any) -> bool:
    return is_analyst(user) or is_border_officer(user)


def can_manage_documents(user: Any) -> bool:
    if is_analyst(user):
        return True
    return bool(user.has_role(Role.FRONTLINE, Role.ADMINISTRATOR)) and bool(
        _agency_codes(user) & set(DOCUMENT_AGENCIES))


@register
class PostPolicy(Policy[Post]):
    model = Post

    def scope(self, user: Any, queryset: models.QuerySet[Post]) -> models.QuerySet[Post]:
        return queryset.filter(pk__in=posts_of(user))


@register
class PostMembershipPolicy(Policy[PostMembership]):
    model = PostMembership

    def scope(self, user: Any,
              queryset: models.QuerySet[PostMembership]) -> models.QuerySet[PostMembership]:
        if user.has_role(Role.ADMINISTRATOR) or is_analyst(user):
            return queryset
        return queryset.filter(user=user)


@register
class IngestBatchPolicy(Policy[IngestBatch]):
    model = IngestBatch

    def scope(self, user: Any,
              queryset: models.QuerySet[IngestBatch]) -> models.QuerySet[IngestBatch]:
        if is_analyst(user):
            return queryset
        if is_border_officer(user):
            return queryset.filter(uploaded_by=user)
        return queryset.none()


def reported_to(user: Any) -> models.QuerySet[Alert]:
    """Alerts reported as suspected trafficking in a triage item ``user`` may see: the
    receiving investigators' need to know (seed 004). Only those alerts and their
    travellers, never the rest of the passenger list."""
    from tiaki.core.policy import visible
    from tiaki.intake.models import Report

    reports = visible(user, Report).values("pk")
    return Alert.objects.filter(disposition__report__in=reports)


@register
class TravellerPolicy(Policy[Traveller]):
    model = Traveller

    def scope(self, user: Any, queryset: models.QuerySet[Traveller]) -> models.QuerySet[Traveller]:
        if is_analyst(user):
            return queryset
        return queryset.filter(models.Q(post__in=posts_of(user))
                               | models.Q(pk__in=reported_to(user).values("traveller_id")))


@register
class WatchlistEntryPolicy(Policy[WatchlistEntry]):
    model = WatchlistEntry

    def scope(self, user: Any,
              queryset: models.QuerySet[WatchlistEntry]) -> models.QuerySet[WatchlistEntry]:
        return queryset if is_analyst(user) else queryset.none()

    def refusal(self, user: Any, action: str, obj: WatchlistEntry) -> str | None:
        if not is_analyst(user):
            return "only intelligence analysts manage watchlists"
        return None


@register
class LostDocumentPolicy(Policy[LostDocument]):
    model = LostDocument

    def scope(self, user: Any,
              queryset: models.QuerySet[LostDocument]) -> models.QuerySet[LostDocument]:
        if can_manage_documents(user) or is_border_officer(user):
            return queryset
        return queryset.none()

    def refusal(self, user: Any, action: str, obj: LostDocument) -> str | None:
        if not can_manage_documents(user):
            return ("only intelligence analysts and passport-issuing staff (DIA) manage the "
                    "lost and stolen document register")
        return None


def _may_author(user: Any, profile: RiskProfile | None) -> str | None:
    if not is_analyst(user):
        return "only intelligence analysts write risk profiles"
    if user.agency is None:
        return "you do not belong to an agency"
    if profile is not None and profile.owner_agency_id not in user.agency.lineage_ids():
        return f"this profile belongs to {profile.owner_agency}; ask its analysts to change it"
    return None


@register
class RiskProfilePolicy(Policy[RiskProfile]):
    model = RiskProfile

    def scope(self, user: Any,
              queryset: models.QuerySet[RiskProfile]) -> models.QuerySet[RiskProfile]:
        return queryset if is_analyst(user) else queryset.none()

    def refusal(self, user: Any, action: str, obj: RiskProfile) -> str | None:
        return _may_author(user, obj)


@register
class RiskProfileVersionPolicy(Policy[RiskProfileVersion]):
    model = RiskProfileVersion

    def scope(self, user: Any,
              queryset: models.QuerySet[RiskProfileVersion]) -> models.QuerySet[RiskProfileVersion]:
        return queryset if is_analyst(user) else queryset.none()

    def refusal(self, user: Any, action: str, obj: RiskProfileVersion) -> str | None:
        reason = _may_author(user, obj.profile)
        if reason is None and action == PUBLISH and obj.status != RiskProfileVersion.Status.DRAFT:
            return f"version {obj.number} is already {obj.get_status_display().lower()}"
        return reason


@register
class ProfileTestCasePolicy(Policy[ProfileTestCase]):
    model = ProfileTestCase

    def scope(self, user: Any,
              queryset: models.QuerySet[ProfileTestCase]) -> models.QuerySet[ProfileTestCase]:
        return queryset if is_analyst(user) else queryset.none()

    def refusal(self, user: Any, action: str, obj: ProfileTestCase) -> str | None:
        return _may_author(user, obj.profile)


@register
class AlertPolicy(Policy[Alert]):
    model = Alert

    def scope(self, user: Any, queryset: models.QuerySet[Alert]) -> models.QuerySet[Alert]:
        return queryset.filter(models.Q(post__in=posts_of(user))
                               | models.Q(pk__in=reported_to(user).values("pk")))

    def refusal(self, user: Any, action: str, obj: Alert) -> str | None:
        if action != DISPOSE:
            return f"you may not {action} an alert"
        if not is_border_officer(user):
            return "only border and visa officers (Customs, MBIE) record dispositions"
        if not posts_of(user).filter(pk=obj.post_id).exists():
            return f"this alert is in the queue of {obj.post}, not yours"
        if Disposition.objects.filter(alert=obj).exists():
            return "this alert already has a disposition"
        return None


@register
class DispositionPolicy(Policy[Disposition]):
    model = Disposition

    def scope(self, user: Any,
              queryset: models.QuerySet[Disposition]) -> models.QuerySet[Disposition]:
        return queryset.filter(models.Q(alert__post__in=posts_of(user))
                               | models.Q(alert__in=reported_to(user).values("pk")))
