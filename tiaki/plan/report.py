"""The annual progress report, written from the data (seed 002, "Review of the Plan of
Action implementation": the Department of Labour "will compile an annual report on progress").

A report covers one plan year, counted from the plan's start date (1 July 2009 → year 1 is
1 July 2009 to 30 June 2010). For every item it gives the status at the year's end, what each
agency reported during the year, whether it was overdue, and the live metrics named on the
item for that year.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet

from tiaki.plan.metrics import MetricValue, compute_metric
from tiaki.plan.models import ActionItem, Plan, ProgressStatus, ProgressUpdate, add_years
from tiaki.plan.selectors import DONE, with_details


@dataclass(frozen=True)
class ItemReport:
    item: ActionItem
    status: str
    status_label: str
    due: dt.date | None
    overdue: bool
    updates: list[ProgressUpdate]
    metrics: list[MetricValue]


@dataclass(frozen=True)
class AnnualReport:
    plan: Plan
    year: int
    start: dt.date
    end: dt.date  # exclusive
    items: list[ItemReport]
    by_status: Counter[str]
    completed_this_year: list[int]
    overdue: list[int]

    @property
    def status_counts(self) -> list[tuple[str, str, int]]:
        return [(s.value, s.label, self.by_status.get(s, 0)) for s in ProgressStatus]

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)


def plan_year_bounds(plan: Plan, year: int) -> tuple[dt.date, dt.date]:
    if year < 1:
        raise ValueError("plan years count from 1")
    return add_years(plan.start_date, year - 1), add_years(plan.start_date, year)


def plan_year_of(plan: Plan, day: dt.date) -> int:
    year = 1
    while add_years(plan.start_date, year) <= day:
        year += 1
    return year


def annual_report(*, plan: Plan, year: int, items: QuerySet[ActionItem]) -> AnnualReport:
    """Report on ``items`` (already scoped to the reader, see ``selectors.items_for``)."""
    start, end = plan_year_bounds(plan, year)
    reports: list[ItemReport] = []
    completed: list[int] = []
    for item in with_details(items):
        history = [u for u in item.updates.all() if u.reported_on < end]  # newest first
        during = [u for u in history if u.reported_on >= start]
        status = history[0].status if history else ProgressStatus.NOT_STARTED
        due = item.due_date()
        overdue = due is not None and due < end and status not in DONE
        if status == ProgressStatus.COMPLETE and during and not any(
            u.status == ProgressStatus.COMPLETE for u in history if u.reported_on < start
        ):
            completed.append(item.number)
        values = [v for code in item.metrics if (v := compute_metric(code, start, end))]
        reports.append(ItemReport(item, status, ProgressStatus(status).label, due, overdue,
                                  list(reversed(during)), values))
    return AnnualReport(
        plan=plan, year=year, start=start, end=end, items=reports,
        by_status=Counter(r.status for r in reports),
        completed_this_year=completed,
        overdue=[r.item.number for r in reports if r.overdue],
    )


def report_as_markdown(report: AnnualReport) -> str:
    plan = report.plan
    lines = [
        f"# {plan.title}: annual progress report, year {report.year}",
        "",
        f"Period: {report.start:%-d %B %Y} to {report.last_day:%-d %B %Y}. "
        f"Compiled by Tiaki from the progress agencies recorded and live data.",
        "",
        "## Summary",
        "",
    ]
    for status in ProgressStatus:
        lines.append(f"- {status.label}: {report.by_status.get(status, 0)}")
    lines.append(f"- Completed during the year: {_numbers(report.completed_this_year)}")
    lines.append(f"- Overdue at the year's end: {_numbers(report.overdue)}")
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
            f"*Status at year end:* {entry.status_label}"
            + (" (overdue)" if entry.overdue else ""),
        ]
        for value in entry.metrics:
            detail = ", ".join(f"{k} {v}" for k, v in value.breakdown.items())
            lines.append(f"*{value.label}:* {value.value} {value.unit}".rstrip()
                         + (f" ({detail})" if detail else ""))
        if entry.updates:
            lines.append("")
            for update in entry.updates:
                lines.append(f"- {update.reported_on:%-d %b %Y}, {update.agency.code}, "
                             f"{update.get_status_display()}: {update.narrative}")
        else:
            lines += ["", "- No progress reported this year."]
    return "\n".join(lines) + "\n"


def _numbers(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers) if numbers else "none"
