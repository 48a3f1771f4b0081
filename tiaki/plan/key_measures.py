"""Key measures for the dashboard: each item's first measure over the last plan years.

The working group and the Minister's office look at the dashboard to see whether the Plan is
moving (seed 002: the group "will continue to meet regularly to coordinate and monitor
progress"). Each item's first listed metric is its key measure, computed from live data for
the current plan year (to date) and the years before it, so the trend reads at a glance; the
annual report carries the rest. Which metric leads is the plan file's order, so a second
country's plan chooses its key measures without code changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from tiaki.plan.metrics import Period, compute_metric
from tiaki.plan.models import ActionItem, Plan
from tiaki.plan.report import plan_year_bounds, plan_year_of
from tiaki.plan.selectors import items_for

SPARK_WIDTH, SPARK_HEIGHT = 120, 28


@dataclass(frozen=True)
class YearValue:
    year: int
    start: dt.date
    end: dt.date  # exclusive
    value: float


@dataclass(frozen=True)
class KeyMeasure:
    item: ActionItem
    code: str
    label: str
    unit: str
    values: list[YearValue]  # oldest first

    @property
    def latest(self) -> float:
        return self.values[-1].value

    @property
    def change(self) -> float:
        """Latest year against the year before (0 when there is only one)."""
        return round(self.values[-1].value - self.values[-2].value, 2) if len(
            self.values) > 1 else 0.0

    @property
    def direction(self) -> str:
        return "up" if self.change > 0 else "down" if self.change < 0 else "same"

    @property
    def spark_points(self) -> str:
        """SVG polyline points, scaled to the measure's own range (zero at the bottom)."""
        top = max((v.value for v in self.values), default=0) or 1
        step = SPARK_WIDTH / max(1, len(self.values) - 1)
        usable = SPARK_HEIGHT - 4
        points = ((round(i * step, 1), round(SPARK_HEIGHT - 2 - v.value / top * usable, 1))
                  for i, v in enumerate(self.values))
        return " ".join(f"{x},{y}" for x, y in points)


def key_measures(user: Any, plan: Plan, *, today: dt.date | None = None,
                 years: int = 4) -> list[KeyMeasure]:
    """The key measure of every item the user may see, for the last ``years`` plan years
    (the current one to date)."""
    today = today or timezone.localdate()
    current = plan_year_of(plan, today)
    periods = []
    for year in range(max(1, current - years + 1), current + 1):
        start, end = plan_year_bounds(plan, year)
        # The current year runs to today (inclusive): a partial year is shown as such.
        periods.append((year, Period(start, min(end, today + dt.timedelta(days=1)))))
    found = []
    for item in items_for(user, plan).order_by("number"):
        if not item.metrics:
            continue
        code = item.metrics[0]
        values = []
        label = unit = ""
        for year, period in periods:
            result = compute_metric(code, period, item)
            if result is None:
                break
            label, unit = result.label, result.unit
            values.append(YearValue(year, period.start, period.end, float(result.value)))
        if values:
            found.append(KeyMeasure(item=item, code=code, label=label, unit=unit,
                                    values=values))
    return found
