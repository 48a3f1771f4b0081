"""The Plan's measures that border screening holds (seed 003, items 9-12).

Item 9 ("periodic review" of visa fraud profiles) counts profile versions published or
retired; item 10 ("reports from border staff about suspected trafficking activity") counts
officers' dispositions; items 11-12 ("analysis of fraud occurrences and measurement of
uptake of DIA services ... by other agencies") count lost/stolen document hits and the
travellers each agency's posts screened against the register.
"""

from __future__ import annotations

from django.db.models import Count, Q

from tiaki.plan.metrics import MetricResult, Period, counted_by, metric
from tiaki.screening.models import Alert, Disposition, RiskProfileVersion, Traveller


@metric("screening.profile_reviews", "Risk profile reviews (versions published or retired)",
        "versions", source="Risk profile versions published in the period, by owning agency")
def profile_reviews(period: Period) -> MetricResult:
    return counted_by(RiskProfileVersion.objects.filter(period.during("published_at"))
                      .values("profile__owner_agency__code").annotate(n=Count("id")),
                      "profile__owner_agency__code")


@metric("screening.visa_alerts", "Alerts on visa applications, by source", "alerts",
        source="Alerts raised in the period at posts that handle visas")
def visa_alerts(period: Period) -> MetricResult:
    return counted_by(Alert.objects.filter(period.during("created_at"), post__handles_visas=True)
                      .values("source").annotate(n=Count("id")), "source")


@metric("screening.trafficking_reports", "Suspected trafficking reported by border staff",
        "reports", source="Alert dispositions 'suspected trafficking reported' in the period, "
                          "by the officer's agency")
def trafficking_reports(period: Period) -> MetricResult:
    return counted_by(Disposition.objects.filter(period.during("decided_at"),
                                                 outcome=Disposition.Outcome.TRAFFICKING)
                      .values("agency__code").annotate(n=Count("id")), "agency__code")


@metric("screening.dispositions", "Alerts decided by border staff, by outcome", "alerts",
        source="Alert dispositions made in the period")
def dispositions(period: Period) -> MetricResult:
    return counted_by(Disposition.objects.filter(period.during("decided_at"))
                      .values("outcome").annotate(n=Count("id")), "outcome")


@metric("screening.document_fraud", "Lost or stolen document hits, by agency", "alerts",
        source="Lost/stolen register alerts raised in the period, by the post's agency")
def document_fraud(period: Period) -> MetricResult:
    return counted_by(Alert.objects.filter(period.during("created_at"),
                                           source=Alert.Source.LOST_DOCUMENT)
                      .values("post__agency__code").annotate(n=Count("id")),
                      "post__agency__code")


@metric("screening.register_lookups", "Travel documents checked against the register, by "
        "agency", "documents", source="Travellers with a document number screened in the "
                                      "period, by the post's agency")
def register_lookups(period: Period) -> MetricResult:
    return counted_by(Traveller.objects.filter(period.during("created_at"))
                      .filter(~Q(document_number=""))
                      .values("post__agency__code").annotate(n=Count("id")),
                      "post__agency__code")
