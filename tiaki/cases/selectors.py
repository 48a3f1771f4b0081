"""Reads for the cases pages and API: lists, inboxes, and counts for the Plan's measures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tiaki.cases import catalogue
from tiaki.cases.models import (
    Certification,
    ChildInvolvement,
    MinisterNotice,
    Referral,
    Repatriation,
    RiskAssessment,
    VictimCase,
)
from tiaki.core.policy import visible


def cases_for(user: Any, query: str = "", status: str = "") -> QuerySet[VictimCase]:
    """Cases the user may see. Search covers the reference and non-identifying fields only:
    names and documents are encrypted and cannot be searched in the database."""
    cases = visible(user, VictimCase).select_related("agency")
    query = query.strip()
    if query:
        cases = cases.filter(Q(reference__icontains=query) | Q(nationality__icontains=query)
                             | Q(source_report__iexact=query) | Q(source_screening__iexact=query))
    if status == "open":
        cases = cases.filter(closed_at__isnull=True)
    elif status == "closed":
        cases = cases.filter(closed_at__isnull=False)
    return cases


def referral_inbox(user: Any, status: str = "") -> QuerySet[Referral]:
    """Referrals addressed to the user's agency (or an agency it succeeded)."""
    if user.agency is None:
        return Referral.objects.none()
    referrals = (visible(user, Referral).filter(agency_id__in=user.agency.lineage_ids())
                 .select_related("agency", "case"))
    if status == "open":
        referrals = referrals.filter(status__in=list(Referral.OPEN))
    elif status == "overdue":
        referrals = overdue(referrals)
    elif status:
        referrals = referrals.filter(status=status)
    return referrals.order_by("due_date", "pk")


def overdue(referrals: QuerySet[Referral], today: dt.date | None = None) -> QuerySet[Referral]:
    today = today or timezone.localdate()
    return referrals.filter(status__in=list(Referral.OPEN), due_date__lt=today)


def children_for(user: Any) -> QuerySet[ChildInvolvement]:
    return visible(user, ChildInvolvement).select_related("case").order_by(
        "acknowledged_at", "-notified_at")


def minister_notices(user: Any) -> QuerySet[MinisterNotice]:
    return visible(user, MinisterNotice)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def contains(self, field: str) -> Q:
        return Q(**{f"{field}__date__gte": self.start, f"{field}__date__lte": self.end})


def period_from(start: str | None, end: str | None) -> Period:
    """A reporting period from ISO dates; defaults to the year to date."""
    today = timezone.localdate()
    try:
        begin = dt.date.fromisoformat(start) if start else today.replace(month=1, day=1)
        finish = dt.date.fromisoformat(end) if end else today
    except ValueError:
        begin, finish = today.replace(month=1, day=1), today
    if finish < begin:
        begin, finish = finish, begin
    return Period(begin, finish)


def certification_counts(period: Period) -> dict[str, int]:
    """Item 13's measure: "the number of Police certifications issued and withdrawn"."""
    return {
        "requested": Certification.objects.filter(period.contains("requested_at")).count(),
        "issued": Certification.objects.filter(period.contains("decided_at"),
                                               endorsed_by__isnull=False)
        .exclude(status=Certification.Status.DECLINED).count(),
        "declined": Certification.objects.filter(period.contains("decided_at"),
                                                 status=Certification.Status.DECLINED).count(),
        "withdrawn": Certification.objects.filter(period.contains("revoked_at")).count(),
    }


def _completed(service: str, period: Period) -> int:
    return Referral.objects.filter(service=service, status=Referral.Status.COMPLETED).filter(
        period.contains("updated_at")).count()


def measures(period: Period) -> list[tuple[str, str, int]]:
    """Anonymous counts for the Plan's measures (seed 003: items 13-28), for one period.

    Each row is (item, what is counted, count). No row can identify a person.
    """
    closed = VictimCase.objects.filter(period.contains("closed_at"))
    certs = certification_counts(period)
    rows: list[tuple[str, str, int]] = [
        ("13", "Police certifications issued", certs["issued"]),
        ("13", "Police certifications withdrawn (revoked)", certs["withdrawn"]),
        ("14", "Repatriations completed",
         Repatriation.objects.filter(status=Repatriation.Status.COMPLETED)
         .filter(period.contains("planned_at")).count()),
        ("14", "Cases closed: returned home", closed.filter(closure_reason="returned_home")
         .count()),
        ("15", "Countries of origin notified (MFAT tasks completed)",
         _completed("country_of_origin_liaison", period)),
        ("18", "ACC rehabilitation referrals completed", _completed("acc_rehabilitation", period)),
        ("20", "MSD case management referrals completed",
         _completed("msd_case_management", period)),
        ("20", "Cases closed", closed.count()),
        ("20", "Cases closed with support completed or settled",
         closed.filter(closure_reason__in=["support_complete", "settled_nz"]).count()),
        ("22", "Risk assessments made", RiskAssessment.objects.filter(
            period.contains("assessed_at")).count()),
        ("22", "High-risk assessments", RiskAssessment.objects.filter(
            period.contains("assessed_at"), level=RiskAssessment.Level.HIGH).count()),
        ("22", "Protection referrals completed", _completed("police_protection", period)),
        ("28", "Victims informed of compensation", VictimCase.objects.filter(
            compensation_informed_on__gte=period.start,
            compensation_informed_on__lte=period.end).count()),
        ("28", "Compensation advice referrals completed", _completed("compensation", period)),
    ]
    return rows


def services_received(period: Period) -> list[tuple[str, int]]:
    """Closed cases by service received (item 20: "services accessed by victims")."""
    counts: dict[str, int] = {}
    for services in VictimCase.objects.filter(period.contains("closed_at")).values_list(
            "services_received", flat=True):
        for code in services:
            counts[code] = counts.get(code, 0) + 1
    names = catalogue.catalogue().services
    return sorted(((names[c].name if c in names else c, n) for c, n in counts.items()),
                  key=lambda row: (-row[1], row[0]))


def case_sources(user: Any, case: VictimCase) -> list[tuple[str, str]]:
    """The report, screening and border alert a case came from, as (text, address) pairs.
    Each is linked only when ``user`` may open it (its own app's policy decides); a source
    the user may not see shows its reference without a link, and a paper referral's text
    reference is shown as it was typed."""
    from django.urls import reverse

    from tiaki.intake.models import Report, Screening
    from tiaki.screening.models import Alert

    out: list[tuple[str, str]] = []
    for model, pk, text, url_name in (
        (Report, case.report_id, case.source_report, "intake:triage_detail"),
        (Screening, case.screening_id, case.source_screening, "intake:screening_detail"),
        (Alert, case.alert_id, "", "screening:alert"),
    ):
        if pk is None:
            if text:
                out.append((text, ""))
            continue
        label = (f"Border alert {pk}" if model is Alert
                 else f"{'R' if model is Report else 'S'}-{pk:06d}")
        may_open = visible(user, model).filter(pk=pk).exists()
        out.append((label, reverse(url_name, args=[pk]) if may_open else ""))
    return out
