"""The annual progress report, written from the data (seed 002, "Review of the Plan of
Action implementation": the Department of Labour "will compile an annual report on
progress").

A report covers any half-open period; by default one plan year counted from the plan's start
date (1 July 2009 -> year 1 is 1 July 2009 to 30 June 2010). For every item it gives the
status as it stood at the report's reference day, what each agency reported during the
period, whether the item was overdue on that day, and the live metrics named on the item for
the period and the period before it.

The reference day is the period's last day, or today for a period that has not ended, so the
current year's report and the dashboard say the same about every item. Every summary figure
is counted from the same item rows the report lists, so the summary cannot disagree with the
items.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from tiaki.plan.charts import PairBar, comparison_bars
from tiaki.plan.metrics import MetricValue, Period, compute_metric
from tiaki.plan.models import ActionItem, Plan, ProgressStatus, ProgressUpdate, add_years
from tiaki.plan.selectors import DONE, with_details


@dataclass(frozen=True)
class MeasureRow:
    current: MetricValue
    previous: MetricValue

    @property
    def bars(self) -> list[PairBar]:
        return comparison_bars(float(self.current.value), float(self.previous.value))

    @property
    def change(self) -> float:
        return round(float(self.current.value) - float(self.previous.value), 2)


@dataclass(frozen=True)
class ItemReport:
    item: ActionItem
    status: str
    status_label: str
    due: dt.date | None
    overdue: bool
    completed_in_period: bool
    updates: list[ProgressUpdate]
    measures: list[MeasureRow]

    @property
    def metrics(self) -> list[MetricValue]:
        return [row.current for row in self.measures]


@dataclass(frozen=True)
class AnnualReport:
    plan: Plan
    year: int | None
    period: Period
    reference_day: dt.date
    items: list[ItemReport]

    @property
    def start(self) -> dt.date:
        return self.period.start

    @property
    def end(self) -> dt.date:
        return self.period.end

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def title(self) -> str:
        if self.year is not None:
            return f"{self.plan.title}: annual progress report, year {self.year}"
        return (f"{self.plan.title}: progress report, {self.start:%-d %B %Y} to "
                f"{self.last_day:%-d %B %Y}")

    @property
    def by_status(self) -> Counter[str]:
        return Counter(r.status for r in self.items)

    @property
    def status_counts(self) -> list[tuple[str, str, int]]:
        counts = self.by_status
        return [(s.value, str(s.label), counts.get(s, 0)) for s in ProgressStatus]

    @property
    def completed_this_year(self) -> list[int]:
        return [r.item.number for r in self.items if r.completed_in_period]

    @property
    def overdue(self) -> list[int]:
        return [r.item.number for r in self.items if r.overdue]

    def grouped(self, kind: str) -> list[tuple[str, Counter[str]]]:
        """Status counts per principle or per goal (an item counts under each it names)."""
        groups: dict[str, Counter[str]] = defaultdict(Counter)
        for entry in self.items:
            if kind == "principle":
                keys = [f"Principle {p.code}" for p in entry.item.related_principles.all()]
            else:
                keys = [f"Goal {g.number}" for g in entry.item.related_goals.all()]
            for key in keys or [f"No {kind} given"]:
                groups[key][entry.status] += 1
        return sorted(groups.items(), key=lambda kv: (len(kv[0]), kv[0]))


def plan_year_bounds(plan: Plan, year: int) -> tuple[dt.date, dt.date]:
    if year < 1:
        raise ValueError("plan years count from 1")
    return add_years(plan.start_date, year - 1), add_years(plan.start_date, year)


def plan_year_of(plan: Plan, day: dt.date) -> int:
    year = 1
    while add_years(plan.start_date, year) <= day:
        year += 1
    return year


Progress = Callable[[int, int], None]


def annual_report(*, plan: Plan, items: QuerySet[ActionItem], year: int | None = None,
                  period: Period | None = None, today: dt.date | None = None,
                  progress: Progress | None = None) -> AnnualReport:
    """Report on ``items`` (already scoped to the reader, see ``selectors.items_for``) for a
    plan year or any ``period``; ``progress(done, total)`` is told after each item."""
    if period is None:
        if year is None:
            raise ValueError("give a plan year or a period")
        period = Period(*plan_year_bounds(plan, year))
    today = today or timezone.localdate()
    reference = min(period.end - dt.timedelta(days=1), today)
    previous = period.previous()
    rows = list(with_details(items))
    reports: list[ItemReport] = []
    for done, item in enumerate(rows, start=1):
        history = [u for u in item.updates.all() if u.reported_on <= reference]  # newest first
        during = [u for u in history if u.reported_on >= period.start]
        status = history[0].status if history else ProgressStatus.NOT_STARTED
        due = item.due_date()
        completed = status == ProgressStatus.COMPLETE and any(
            u.status == ProgressStatus.COMPLETE for u in during) and not any(
            u.status == ProgressStatus.COMPLETE for u in history if u.reported_on < period.start)
        measures = []
        for code in item.metrics:
            current = compute_metric(code, period, item)
            before = compute_metric(code, previous, item)
            if current is not None and before is not None:
                measures.append(MeasureRow(current, before))
        reports.append(ItemReport(
            item=item, status=status, status_label=str(ProgressStatus(status).label), due=due,
            overdue=due is not None and due < reference and status not in DONE,
            completed_in_period=completed, updates=list(reversed(during)), measures=measures,
        ))
        if progress is not None:
            progress(done, len(rows))
    return AnnualReport(plan=plan, year=year, period=period, reference_day=reference,
                        items=reports)


def report_as_markdown(report: AnnualReport) -> str:
    lines = [
        f"# {report.title}",
        "",
        f"Period: {report.start:%-d %B %Y} to {report.last_day:%-d %B %Y}. "
        f"Status as at {report.reference_day:%-d %B %Y}. "
        f"Compiled by Tiaki from the progress agencies recorded and live data.",
        "",
        "## Summary",
        "",
    ]
    for _, label, count in report.status_counts:
        lines.append(f"- {label}: {count}")
    lines.append(f"- Completed during the period: {_numbers(report.completed_this_year)}")
    lines.append(f"- Overdue at {report.reference_day:%-d %B %Y}: {_numbers(report.overdue)}")
    current_section = ""
    for entry in report.items:
        item = entry.item
        if item.section.title != current_section:
            current_section = item.section.title
            lines += ["", f"## {current_section}"]
        lines += [
            "",
            f"### Item {item.number}: {item.action}",
            "",
            f"*Objective:* {item.objective}  ",
            f"*Agencies:* {', '.join(item.agency_codes())}  ",
            f"*Measure:* {item.measure}  ",
            f"*Status:* {entry.status_label}" + (" (overdue)" if entry.overdue else ""),
        ]
        for row in entry.measures:
            value = row.current
            detail = ", ".join(f"{k} {v}" for k, v in value.breakdown.items())
            lines.append(f"*{value.label}:* {value.value} {value.unit}".rstrip()
                         + (f" ({detail})" if detail else "")
                         + f"; previous period {row.previous.value}")
        if entry.updates:
            lines.append("")
            for update in entry.updates:
                lines.append(f"- {update.reported_on:%-d %b %Y}, {update.agency.code}, "
                             f"{update.get_status_display()}: {update.narrative}")
        else:
            lines += ["", "- No progress reported in the period."]
    return "\n".join(lines) + "\n"


def _numbers(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers) if numbers else "none"
