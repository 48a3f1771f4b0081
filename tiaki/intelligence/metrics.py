"""Live measures for Plan items 5 and 6 (seed 003: "Use of intelligence related to people
trafficking"; "Engagement increases the flow of valuable intelligence"), registered in the
plan's metric registry. Counts only: nothing in them reveals a report."""

from __future__ import annotations

from collections import Counter
from typing import Any

from tiaki.intelligence import selectors
from tiaki.intelligence.models import Dissemination, Report
from tiaki.plan.metrics import Period, metric


@metric("intelligence.reports", "Intelligence reports recorded (item 5, use of intelligence)",
        "reports")
def reports(period: Period) -> tuple[int, dict[str, Any]]:
    return selectors.reports_recorded(period.start_at, period.end_at)


@metric("intelligence.reports_tagged", "Intelligence reports answering a Collection Plan "
        "requirement (item 5)", "reports")
def reports_tagged(period: Period) -> int:
    return (Report.objects.filter(period.during("created_at"), requirements__isnull=False)
            .distinct().count())


@metric("intelligence.reports_for_investigations", "Intelligence reports drawn on by an "
        "investigation (item 5, investigations intelligence-driven)", "reports")
def reports_for_investigations(period: Period) -> int:
    return Report.objects.filter(period.during("created_at"),
                                 investigation__isnull=False).count()


@metric("intelligence.disseminations", "Intelligence disseminations to partners (item 6)",
        "disseminations")
def disseminations(period: Period) -> tuple[int, dict[str, Any]]:
    rows = list(Dissemination.objects.filter(period.during("at"))
                .values_list("partner", flat=True))
    return len(rows), dict(sorted(Counter(rows).items()))


@metric("intelligence.partner_reports", "Intelligence reports received from partners "
        "(item 6, the flow of intelligence)", "reports")
def partner_reports(period: Period) -> tuple[int, dict[str, Any]]:
    rows = [p.get("partner", "") for p in Report.objects.filter(
        period.during("created_at")).exclude(provenance={}).values_list("provenance",
                                                                         flat=True)]
    return len(rows), dict(sorted(Counter(r for r in rows if r).items()))
