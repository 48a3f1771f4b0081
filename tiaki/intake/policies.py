"""Permission policies for the intake app (one per model; see tiaki.core.policy).

Reports go to the agencies named in ``data/intake/routing.yaml`` (Police and MBIE, who
jointly investigate; Oranga Tamariki when children are involved: seed 004). Only staff of a
receiving agency (or of an agency whose functions it took over) with a triage role see a
report; everyone else gets the same 404 as for a report that does not exist.

Members of the public never reach these policies: their receipt code is their key, checked
in ``tiaki.intake.services``.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from tiaki.accounts.roles import Role
from tiaki.core.policy import Policy, register
from tiaki.intake.models import (
    CatalogueReview,
    Report,
    ReportAttachment,
    ReportLink,
    ReportMessage,
    Screening,
)

# Who works the queue: investigators and senior officers (seed 004: Police and MBIE
# investigate). Case managers of a receiving agency (e.g. Oranga Tamariki) may read.
TRIAGE_ROLES = frozenset({Role.INVESTIGATOR, Role.SENIOR_OFFICER})
READ_ROLES = TRIAGE_ROLES | {Role.CASE_MANAGER}
# Who may see the aggregate counts for the Plan (goals 3-4, items 1-3).
COUNTS_ROLES = frozenset({Role.SECRETARIAT, Role.MINISTER_OFFICE, Role.SENIOR_OFFICER,
                          Role.ADMINISTRATOR, Role.INTELLIGENCE_ANALYST, Role.AUDITOR})
# Who screens people against the indicators (seed 002 items 1-2: frontline officials).
SCREENING_ROLES = frozenset({Role.FRONTLINE, Role.INVESTIGATOR, Role.SENIOR_OFFICER,
                             Role.CASE_MANAGER, Role.SERVICE_PROVIDER})
# Who may record a fluent reviewer's approval of a portal translation.
TRANSLATION_ROLES = frozenset({Role.SECRETARIAT, Role.ADMINISTRATOR})

TRIAGE = "triage"


def _agency_ids(user: Any) -> set[int]:
    agency = getattr(user, "agency", None)
    return agency.lineage_ids() if agency is not None else set()


def _routed_reports(user: Any, queryset: models.QuerySet[Report]) -> models.QuerySet[Report]:
    if not user.has_role(*READ_ROLES):
        return queryset.none()
    ids = _agency_ids(user)
    if not ids:
        return queryset.none()
    routed = Report.objects.filter(routes__agency_id__in=ids).values("pk")
    return queryset.filter(pk__in=routed)


@register
class ReportPolicy(Policy[Report]):
    model = Report

    def scope(self, user: Any, queryset: models.QuerySet[Report]) -> models.QuerySet[Report]:
        return _routed_reports(user, queryset)

    def refusal(self, user: Any, action: str, obj: Report) -> str | None:
        if action != TRIAGE:
            return f"you may not {action} a report"
        if not user.has_role(*TRIAGE_ROLES):
            return "only investigators and senior officers triage reports"
        if not obj.routes.filter(agency_id__in=_agency_ids(user)).exists():
            return "this report was not routed to your agency"
        return None


@register
class ReportMessagePolicy(Policy[ReportMessage]):
    model = ReportMessage

    def scope(self, user: Any,
              queryset: models.QuerySet[ReportMessage]) -> models.QuerySet[ReportMessage]:
        return queryset.filter(report__in=_routed_reports(user, Report.objects.all()))


@register
class ReportAttachmentPolicy(Policy[ReportAttachment]):
    model = ReportAttachment

    def scope(self, user: Any, queryset: models.QuerySet[ReportAttachment]
              ) -> models.QuerySet[ReportAttachment]:
        return queryset.filter(report__in=_routed_reports(user, Report.objects.all()))


@register
class ReportLinkPolicy(Policy[ReportLink]):
    model = ReportLink

    def scope(self, user: Any,
              queryset: models.QuerySet[ReportLink]) -> models.QuerySet[ReportLink]:
        visible = _routed_reports(user, Report.objects.all())
        return queryset.filter(from_report__in=visible, to_report__in=visible)


@register
class ScreeningPolicy(Policy[Screening]):
    """An official sees their own agency's screenings; a screening referred to the queue is
    also seen by the receiving agencies through the report."""

    model = Screening

    def scope(self, user: Any,
              queryset: models.QuerySet[Screening]) -> models.QuerySet[Screening]:
        if not user.has_role(*SCREENING_ROLES):
            return queryset.none()
        ids = _agency_ids(user)
        referred = _routed_reports(user, Report.objects.all())
        return queryset.filter(models.Q(agency_id__in=ids) | models.Q(report__in=referred))

    def refusal(self, user: Any, action: str, obj: Screening) -> str | None:
        if action not in {"decide", "refer"}:
            return f"you may not {action} a screening"
        if obj.official_id != user.pk:
            return "only the official who carried out the screening records its decision"
        return None


@register
class CatalogueReviewPolicy(Policy[CatalogueReview]):
    model = CatalogueReview

    def scope(self, user: Any,
              queryset: models.QuerySet[CatalogueReview]) -> models.QuerySet[CatalogueReview]:
        return queryset if user.has_role(*TRANSLATION_ROLES) else queryset.none()
