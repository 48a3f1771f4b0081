"""Who manages retention (one policy per model; see ``tiaki.core.policy``).

Administrators are the records managers here: an agency's administrator places and releases
legal holds on that agency's records and sees its holds; a platform administrator does so
for every agency and sees the record of each disposed record. Both see the schedule, what is
due and the past runs (counts only). Nobody else sees any of it; a hold outside a person's
reach answers like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from tiaki.administration.policies import administered_agency_ids, is_admin
from tiaki.core.policy import Policy, register
from tiaki.retention.models import Disposal, DisposalRun, LegalHold

HOLD = "place or release a legal hold on"


def may_manage_retention(user: Any) -> bool:
    return is_admin(user)


@register
class LegalHoldPolicy(Policy[LegalHold]):
    model = LegalHold

    def scope(self, user: Any,
              queryset: models.QuerySet[LegalHold]) -> models.QuerySet[LegalHold]:
        if not is_admin(user):
            return queryset.none()
        ids = administered_agency_ids(user)
        return queryset if ids is None else queryset.filter(agency_id__in=ids)

    def refusal(self, user: Any, action: str, obj: LegalHold) -> str | None:
        if not is_admin(user):
            return "only an administrator places or releases legal holds"
        ids = administered_agency_ids(user)
        if ids is not None and obj.agency_id not in ids:
            return "only an administrator of the record's agency may change its hold"
        return None


@register
class DisposalRunPolicy(Policy[DisposalRun]):
    model = DisposalRun

    def scope(self, user: Any,
              queryset: models.QuerySet[DisposalRun]) -> models.QuerySet[DisposalRun]:
        return queryset if is_admin(user) else queryset.none()


@register
class DisposalPolicy(Policy[Disposal]):
    model = Disposal

    def scope(self, user: Any,
              queryset: models.QuerySet[Disposal]) -> models.QuerySet[Disposal]:
        return queryset if administered_agency_ids(user) is None and is_admin(user) \
            else queryset.none()
