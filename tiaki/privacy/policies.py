"""Who may see and act on privacy requests and breaches (one policy per model).

Need to know: a victim's request to see or correct their information, and a privacy breach,
are handled by the privacy officers of the agency holding the information (or of the agency
that now carries out its functions). No one else sees them, whatever their role: the case
team does not learn that the victim asked, and another agency's privacy officer sees
nothing. "Missing" and "forbidden" answer alike (404; ``tiaki.core.policy``).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from tiaki.accounts.roles import Role
from tiaki.core.policy import Policy, register
from tiaki.privacy.models import AccessRequest, AffectedPerson, Breach, PrivacyEvent

OFFICER_ROLES = (Role.PRIVACY_OFFICER,)

VIEW = "view"
ACT = "act on"


def _lineage(user: Any) -> set[int]:
    agency = getattr(user, "agency", None)
    return agency.lineage_ids() if agency is not None else set()


def is_privacy_officer(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*OFFICER_ROLES)
                and getattr(user, "agency", None) is not None)


def _agency_scope[M: models.Model](user: Any, queryset: models.QuerySet[M],
                                   path: str = "agency_id") -> models.QuerySet[M]:
    if not is_privacy_officer(user):
        return queryset.none()
    return queryset.filter(**{f"{path}__in": _lineage(user)})


def _refusal(user: Any, agency_id: int) -> str | None:
    if not is_privacy_officer(user):
        return "only a privacy officer may handle privacy requests and breaches"
    if agency_id not in _lineage(user):
        return "only the holding agency's privacy officers may do this"
    return None


@register
class AccessRequestPolicy(Policy[AccessRequest]):
    model = AccessRequest

    def scope(self, user: Any, queryset: models.QuerySet[AccessRequest]
              ) -> models.QuerySet[AccessRequest]:
        return _agency_scope(user, queryset)

    def refusal(self, user: Any, action: str, obj: AccessRequest) -> str | None:
        reason = _refusal(user, obj.agency_id)
        if reason is None and action != VIEW and obj.status == AccessRequest.Status.CLOSED:
            return f"request {obj.reference} is closed"
        return reason


@register
class BreachPolicy(Policy[Breach]):
    model = Breach

    def scope(self, user: Any, queryset: models.QuerySet[Breach]) -> models.QuerySet[Breach]:
        return _agency_scope(user, queryset)

    def refusal(self, user: Any, action: str, obj: Breach) -> str | None:
        reason = _refusal(user, obj.agency_id)
        if reason is None and action != VIEW and obj.is_closed:
            return f"breach {obj.reference} is closed"
        return reason


@register
class AffectedPersonPolicy(Policy[AffectedPerson]):
    model = AffectedPerson

    def scope(self, user: Any, queryset: models.QuerySet[AffectedPerson]
              ) -> models.QuerySet[AffectedPerson]:
        return _agency_scope(user, queryset, "breach__agency_id")


@register
class PrivacyEventPolicy(Policy[PrivacyEvent]):
    model = PrivacyEvent

    def scope(self, user: Any, queryset: models.QuerySet[PrivacyEvent]
              ) -> models.QuerySet[PrivacyEvent]:
        if not is_privacy_officer(user):
            return queryset.none()
        lineage = _lineage(user)
        return queryset.filter(models.Q(request__agency_id__in=lineage)
                               | models.Q(breach__agency_id__in=lineage))
