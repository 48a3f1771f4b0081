"""The Plan's measures that intake holds: reports from the public and frontline screenings.

Public reports received are the campaign's visible effect (item 3: "evaluation of
awareness-raising campaign"); screenings by trained officials are what training is for
(item 1: "effectiveness of training ... provision").
"""

from __future__ import annotations

from django.db.models import Count

from tiaki.intake.models import Report, Screening
from tiaki.plan.metrics import MetricResult, Period, counted_by, metric


@metric("intake.reports_received", "Reports of suspected trafficking received, by channel",
        "reports", source="Reports received in the period (intake app)")
def reports_received(period: Period) -> MetricResult:
    return counted_by(Report.objects.filter(period.during("received_at"))
                      .values("channel").annotate(n=Count("id")), "channel")


@metric("intake.frontline_screenings", "Frontline screenings, by agency", "screenings",
        source="Screenings of a person against the indicators made in the period")
def frontline_screenings(period: Period) -> MetricResult:
    return counted_by(Screening.objects.filter(period.during("created_at"))
                      .values("agency__code").annotate(n=Count("id")), "agency__code")


@metric("intake.screening_referrals", "Frontline screenings decided, by decision",
        "screenings", source="Screenings decided by the official in the period")
def screening_referrals(period: Period) -> MetricResult:
    return counted_by(Screening.objects.filter(period.during("decided_at"))
                      .exclude(decision="").values("decision").annotate(n=Count("id")),
                      "decision")
