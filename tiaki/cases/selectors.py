"""Reads for the cases pages and API: lists, inboxes, and counts for the Plan's measures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

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
from tiaki.plan.metrics import Period


def cases_for(user: Any, query: str = "", status: str = "") -> QuerySet[VictimCase]:
    """Cases the user may see. Search covers the reference and non-identifying fields only:
    names and documents are encrypted and cannot be searched in the database."""
    cases = visible(user, VictimCase).select_related("agency")
    query = query.replace("\x00", "")  # PostgreSQL text cannot hold NUL
    if query.strip():
        cases = case_search(cases, query)
    return by_state(cases, status)


def case_search(cases: QuerySet[VictimCase], query: str) -> QuerySet[VictimCase]:
    query = query.strip()
    return cases.filter(Q(reference__icontains=query) | Q(nationality__icontains=query)
                        | Q(source_report__iexact=query) | Q(source_screening__iexact=query))


def by_state(cases: QuerySet[VictimCase], status: str) -> QuerySet[VictimCase]:
    if status == "open":
        return cases.filter(closed_at__isnull=True)
    if status == "closed":
        return cases.filter(closed_at__isnull=False)
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
    return visible(user, ChildInvolvement).select_related("case__agency").order_by(
        "acknowledged_at", "-notified_at")


def minister_notices(user: Any) -> QuerySet[MinisterNotice]:
    return visible(user, MinisterNotice)


def period_from(start: str | None, end: str | None) -> Period:
    """A reporting period from ISO dates, both days included; defaults to the year to date.

    The result is the Plan's half-open :class:`~tiaki.plan.metrics.Period` (the day after
    ``end`` is its exclusive end), so every count below compares a datetime column with two
    instants and keeps its index instead of casting each row to a date.
    """
    today = timezone.localdate()
    try:
        begin = dt.date.fromisoformat(start) if start else today.replace(month=1, day=1)
        finish = dt.date.fromisoformat(end) if end else today
    except ValueError:
        begin, finish = today.replace(month=1, day=1), today
    if finish < begin:
        begin, finish = finish, begin
    return Period(begin, finish + dt.timedelta(days=1))


def last_day(period: Period) -> dt.date:
    """The last day a period includes (its end is exclusive)."""
    return period.end - dt.timedelta(days=1)


def certification_counts(period: Period) -> dict[str, int]:
    """Item 13's measure: "the number of Police certifications issued and withdrawn".

    One aggregate query: each count is a filtered ``COUNT`` over the rows touched in the period.
    """
    issued = period.during("decided_at")
    counts = Certification.objects.filter(
        period.during("requested_at") | issued | period.during("revoked_at")).aggregate(
        requested=Count("id", filter=period.during("requested_at")),
        issued=Count("id", filter=issued & Q(endorsed_by__isnull=False)
                     & ~Q(status=Certification.Status.DECLINED)),
        declined=Count("id", filter=issued & Q(status=Certification.Status.DECLINED)),
        withdrawn=Count("id", filter=period.during("revoked_at")),
    )
    return {key: int(value or 0) for key, value in counts.items()}


# Services whose completed referrals the measures page counts, with the item they feed
# (seed 003) and the words shown beside the count (in English here: the page and its export
# show them through the catalogue).
_COMPLETED_SERVICES = (
    ("15", gettext_noop("Countries of origin notified (MFAT tasks completed)"),
     "country_of_origin_liaison"),
    ("18", gettext_noop("ACC rehabilitation referrals completed"), "acc_rehabilitation"),
    ("20", gettext_noop("MSD case management referrals completed"), "msd_case_management"),
    ("22", gettext_noop("Protection referrals completed"), "police_protection"),
    ("28", gettext_noop("Compensation advice referrals completed"), "compensation"),
)


def _completed_referrals(period: Period) -> dict[str, int]:
    services = [code for _, _, code in _COMPLETED_SERVICES]
    counts = Referral.objects.filter(
        period.during("updated_at"), status=Referral.Status.COMPLETED,
        service__in=services).aggregate(
        **{code: Count("id", filter=Q(service=code)) for code in services})
    return {code: int(n or 0) for code, n in counts.items()}


def measures(period: Period, certs: dict[str, int] | None = None) -> list[tuple[str, str, int]]:
    """Anonymous counts for the Plan's measures (seed 003: items 13-28), for one period.

    Each row is (item, what is counted, count). No row can identify a person. Each model is
    counted in one aggregate query over an indexed datetime range (``0003_measure_indexes``);
    the cases closed and the victims informed of compensation share one, over either index.
    ``certs`` is ``certification_counts(period)`` when the caller already has it.
    """
    certs = certs if certs is not None else certification_counts(period)
    closing, informing = period.during("closed_at"), period.on_days("compensation_informed_on")
    closed = VictimCase.objects.filter(closing | informing).aggregate(
        total=Count("id", filter=closing),
        returned_home=Count("id", filter=closing & Q(closure_reason="returned_home")),
        supported=Count("id", filter=closing & Q(
            closure_reason__in=["support_complete", "settled_nz"])),
        informed=Count("id", filter=informing))
    risks = RiskAssessment.objects.filter(period.during("assessed_at")).aggregate(
        total=Count("id"), high=Count("id", filter=Q(level=RiskAssessment.Level.HIGH)))
    repatriated = Repatriation.objects.filter(
        period.during("planned_at"), status=Repatriation.Status.COMPLETED).count()
    informed = int(closed["informed"] or 0)
    completed = _completed_referrals(period)
    by_service = {code: (item, label) for item, label, code in _COMPLETED_SERVICES}

    def done(code: str) -> tuple[str, str, int]:
        item, label = by_service[code]
        return item, label, completed[code]

    return [
        ("13", gettext_noop("Police certifications issued"), certs["issued"]),
        ("13", gettext_noop("Police certifications withdrawn (revoked)"), certs["withdrawn"]),
        ("14", gettext_noop("Repatriations completed"), repatriated),
        ("14", gettext_noop("Cases closed: returned home"), int(closed["returned_home"] or 0)),
        done("country_of_origin_liaison"),
        done("acc_rehabilitation"),
        done("msd_case_management"),
        ("20", gettext_noop("Cases closed"), int(closed["total"] or 0)),
        ("20", gettext_noop("Cases closed with support completed or settled"),
         int(closed["supported"] or 0)),
        ("22", gettext_noop("Risk assessments made"), int(risks["total"] or 0)),
        ("22", gettext_noop("High-risk assessments"), int(risks["high"] or 0)),
        done("police_protection"),
        ("28", gettext_noop("Victims informed of compensation"), informed),
        done("compensation"),
    ]


def services_received(period: Period) -> list[tuple[str, int]]:
    """Closed cases by service received (item 20: "services accessed by victims").

    The counting itself is the registered metric ``cases.services_received``'s (without its
    total of closed cases, which the page has from ``measures``); this only names the
    services for the page.
    """
    from tiaki.cases.metrics import services_counted

    counts = services_counted(period)
    names = catalogue.catalogue().services
    return sorted(((names[c].name if c in names else c, int(n)) for c, n in counts.items()),
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
        label = (gettext("Border alert %(pk)s") % {"pk": pk} if model is Alert
                 else f"{'R' if model is Report else 'S'}-{pk:06d}")
        may_open = visible(user, model).filter(pk=pk).exists()
        out.append((label, reverse(url_name, args=[pk]) if may_open else ""))
    return out
