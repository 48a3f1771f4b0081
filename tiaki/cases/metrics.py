"""The Plan's measures that the cases app holds (seed 003, items 13-22, 25, 26 and 28).

Each metric counts anonymous rows for one half-open period in one aggregate query, with a
breakdown a reader can check; none can identify a person. Registered with the Plan's metric
registry (``tiaki.plan.metrics``) when the app is ready, and named on items in the plan file.
"""

from __future__ import annotations

from collections import Counter

from django.db import connection
from django.db.models import Count, Q

from tiaki.cases.models import (
    Certification,
    CourtDate,
    ImmigrationApplication,
    InterviewPlan,
    Referral,
    Repatriation,
    RiskAssessment,
    VictimCase,
)
from tiaki.plan.metrics import MetricResult, Period, counted_by, metric

ISSUED = (Certification.Status.ISSUED, Certification.Status.REVOKED)


@metric("cases.certifications_issued", "Police certifications issued", "certifications",
        source="Certifications endorsed by a senior officer in the period (cases app)")
def certifications_issued(period: Period) -> MetricResult:
    # A certificate revoked later was still issued in the period it was endorsed.
    rows = (Certification.objects.filter(period.during("decided_at"), status__in=ISSUED)
            .values("status").annotate(n=Count("id")))
    total, breakdown = counted_by(rows, "status")
    return total, {"still in force": breakdown.get("issued", 0),
                   "since revoked": breakdown.get("revoked", 0)}


@metric("cases.certifications_withdrawn", "Police certifications withdrawn", "certifications",
        source="Certifications revoked in the period (cases app)")
def certifications_withdrawn(period: Period) -> MetricResult:
    return Certification.objects.filter(period.during("revoked_at")).count()


@metric("cases.repatriations", "Repatriations planned, by status now", "repatriations",
        source="Repatriations planned in the period after a humanitarian assessment")
def repatriations(period: Period) -> MetricResult:
    return counted_by(Repatriation.objects.filter(period.during("planned_at"))
                      .values("status").annotate(n=Count("id")), "status")


@metric("cases.repatriation_destinations", "Repatriations completed, by destination",
        "victims", source="Completed repatriations planned in the period")
def repatriation_destinations(period: Period) -> MetricResult:
    return counted_by(Repatriation.objects.filter(period.during("planned_at"),
                                                  status=Repatriation.Status.COMPLETED)
                      .values("destination_country").annotate(n=Count("id")),
                      "destination_country")


@metric("cases.immigration_applications", "Immigration applications lodged, by kind",
        "applications", source="Applications for an immigration status lodged in the period")
def immigration_applications(period: Period) -> MetricResult:
    return counted_by(ImmigrationApplication.objects.filter(period.on_days("lodged_on"))
                      .values("kind").annotate(n=Count("id")), "kind")


@metric("cases.immigration_decisions", "Immigration decisions made, by outcome", "decisions",
        source="Immigration applications decided in the period")
def immigration_decisions(period: Period) -> MetricResult:
    return counted_by(ImmigrationApplication.objects.filter(period.on_days("decided_on"))
                      .values("status").annotate(n=Count("id")), "status")


def _referrals_metric(service: str, label: str) -> None:
    @metric(f"cases.referrals.{service}", f"{label}: referrals made, by status now", "referrals",
            source=f"Referrals of consenting victims for the '{service}' service made in the "
                   "period (cases app)")
    def referrals(period: Period) -> MetricResult:
        return counted_by(Referral.objects.filter(period.during("requested_at"), service=service)
                          .values("status").annotate(n=Count("id")), "status")


# The services a victim is referred to (data/nz/services.yaml); a country whose catalogue
# uses other codes registers its own here.
REFERRED_SERVICES = {
    "health": "Publicly-funded health services",
    "acc_rehabilitation": "ACC treatment and rehabilitation",
    "housing": "Housing assistance",
    "msd_case_management": "Case management and social services",
    "financial_assistance": "Financial assistance",
    "immigration_status": "Immigration status advice",
    "repatriation": "Repatriation arrangements",
    "country_of_origin_liaison": "Country-of-origin notices (MFAT liaison)",
    "police_protection": "Police protection",
    "court_support": "Court support",
    "interpreter": "Interpreters",
    "compensation": "Compensation advice",
}
for _code, _label in REFERRED_SERVICES.items():
    _referrals_metric(_code, _label)


@metric("cases.closures", "Cases closed, by outcome", "cases",
        source="Victim cases closed in the period, by closure reason")
def closures(period: Period) -> MetricResult:
    return counted_by(VictimCase.objects.filter(period.during("closed_at"))
                      .values("closure_reason").annotate(n=Count("id")), "closure_reason")


@metric("cases.services_received", "Services received by cases closed", "cases",
        source="Cases closed in the period, counted once under each service they received")
def services_received(period: Period) -> MetricResult:
    closed = VictimCase.objects.filter(period.during("closed_at"))
    return closed.count(), services_counted(period)


def services_counted(period: Period) -> dict[str, int]:
    """Cases closed in ``period`` under each service they received (once a case)."""
    closed = VictimCase.objects.filter(period.during("closed_at"))
    if connection.vendor == "postgresql":
        # Counted in the database: ten thousand closed cases a year need not travel to
        # Python (issue 14's 10 s report). A case counts once under each service it names.
        # The cases are first counted by their list of services (a few hundred distinct
        # lists among 7,700 cases a year), so each list is taken apart once rather than
        # each case's, and the count needs no DISTINCT over case ids (issue 16).
        table = VictimCase._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "WITH lists AS (SELECT c.services_received AS services, COUNT(*) AS n "  # noqa: S608
                f"FROM {table} c WHERE c.closed_at >= %s AND c.closed_at < %s GROUP BY 1) "
                "SELECT s.service, SUM(l.n) FROM lists l CROSS JOIN LATERAL (SELECT DISTINCT "
                "e FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(l.services) = 'array' "
                "THEN l.services ELSE '[]'::jsonb END) AS e) AS s(service) GROUP BY s.service",
                [period.start_at, period.end_at])
            found = {str(service): int(n) for service, n in cursor.fetchall()}
        return dict(sorted(found.items()))
    counts: Counter[str] = Counter()
    for services in closed.values_list("services_received", flat=True):
        counts.update(set(services or []))
    return dict(sorted(counts.items()))


@metric("cases.opened", "Victim cases opened, by trafficking status now", "cases",
        source="Victim cases opened in the period")
def opened(period: Period) -> MetricResult:
    return counted_by(VictimCase.objects.filter(period.during("created_at"))
                      .values("trafficking_status").annotate(n=Count("id")),
                      "trafficking_status")


@metric("cases.risk_assessments", "Safety risk assessments, by level", "assessments",
        source="Police assessments of danger to the victim and family made in the period")
def risk_assessments(period: Period) -> MetricResult:
    return counted_by(RiskAssessment.objects.filter(period.during("assessed_at"))
                      .values("level").annotate(n=Count("id")), "level")


@metric("cases.court_support", "Court hearings attended, with or without an adviser",
        "hearings", source="Court dates in the period (cases app)")
def court_support(period: Period) -> MetricResult:
    counts = CourtDate.objects.filter(period.on_days("on")).aggregate(
        total=Count("id"), supported=Count("id", filter=Q(adviser__isnull=False)))
    total = counts["total"] or 0
    return total, {"with an adviser": counts["supported"] or 0,
                   "without an adviser": total - (counts["supported"] or 0)}


@metric("cases.interpreted_interviews", "Interviews with an interpreter, by language",
        "interviews", source="Victim-friendly interviews planned for the period with an "
                             "interpreter")
def interpreted_interviews(period: Period) -> MetricResult:
    return counted_by(InterviewPlan.objects.filter(period.during("planned_for"))
                      .exclude(interpreter_language="")
                      .values("interpreter_language").annotate(n=Count("id")),
                      "interpreter_language")


@metric("cases.compensation_informed", "Victims informed of their right to compensation",
        "victims", source="Cases where the victim was told of the right in the period")
def compensation_informed(period: Period) -> MetricResult:
    return VictimCase.objects.filter(period.on_days("compensation_informed_on")).count()
