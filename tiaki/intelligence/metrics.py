"""Live measures for Plan items 5 and 6 (seed 003: "Use of intelligence related to people
trafficking"; "Engagement increases the flow of valuable intelligence"), registered in the
plan's metric registry. Counts only: nothing in them reveals a report."""

from __future__ import annotations

from typing import Any

from tiaki.intelligence import selectors
from tiaki.plan.metrics import Period, metric


@metric("intelligence.reports", "Intelligence reports recorded (item 5, use of intelligence)",
        "reports")
def reports(period: Period) -> tuple[int, dict[str, Any]]:
    return selectors.reports_recorded(period.start_at, period.end_at)
