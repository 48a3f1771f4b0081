"""Reading the Plan's state: latest status, due dates and what is overdue."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from tiaki.audit.services import Action, audit_record
from tiaki.core.policy import get_visible, visible
from tiaki.plan.models import ActionItem, Evidence, Plan, ProgressStatus, ProgressUpdate

# An item reported complete, or delivered and now continuing as business as usual, is not
# overdue; anything else past its due date is.
DONE = {ProgressStatus.COMPLETE, ProgressStatus.ONGOING}


@dataclass
class ItemState:
    item: ActionItem
    due: dt.date | None
    status: str
    status_label: str
    last_update: ProgressUpdate | None
    overdue: bool
    agencies: list[str] = field(default_factory=list)

    @property
    def attention(self) -> bool:
        return self.overdue or self.status == ProgressStatus.AT_RISK


def with_details(items: QuerySet[ActionItem]) -> QuerySet[ActionItem]:
    return items.select_related("section", "plan").prefetch_related(
        "timetable", "agency_links__agency", "related_goals", "related_principles",
        Prefetch("updates", queryset=ProgressUpdate.objects.select_related("agency")),
    )


def items_for(user: Any, plan: Plan) -> QuerySet[ActionItem]:
    return with_details(visible(user, ActionItem).filter(plan=plan))


def item_state(item: ActionItem, today: dt.date | None = None) -> ItemState:
    today = today or timezone.localdate()
    updates = list(item.updates.all())
    latest = updates[0] if updates else None
    status = latest.status if latest else ProgressStatus.NOT_STARTED
    due = item.due_date()
    return ItemState(
        item=item,
        due=due,
        status=status,
        status_label=str(ProgressStatus(status).label),
        last_update=latest,
        overdue=due is not None and due < today and status not in DONE,
        agencies=item.agency_codes(),
    )


def plan_states(user: Any, plan: Plan, today: dt.date | None = None) -> list[ItemState]:
    return [item_state(item, today) for item in items_for(user, plan)]


@dataclass
class Dashboard:
    states: list[ItemState]
    by_goal: list[tuple[str, Counter[str]]]
    by_agency: list[tuple[str, Counter[str]]]
    by_status: Counter[str]
    overdue: list[ItemState]


def dashboard(user: Any, plan: Plan, today: dt.date | None = None) -> Dashboard:
    states = plan_states(user, plan, today)
    goal_counts: dict[str, Counter[str]] = defaultdict(Counter)
    agency_counts: dict[str, Counter[str]] = defaultdict(Counter)
    for state in states:
        goals = [f"Goal {g.number}" for g in state.item.related_goals.all()] or ["No goal given"]
        for goal in goals:
            goal_counts[goal][state.status] += 1
        for code in state.agencies:
            agency_counts[code][state.status] += 1
    return Dashboard(
        states=states,
        by_goal=sorted(goal_counts.items(), key=lambda kv: (len(kv[0]), kv[0])),
        by_agency=sorted(agency_counts.items()),
        by_status=Counter(s.status for s in states),
        overdue=[s for s in states if s.overdue],
    )


def agency_todo(user: Any, plan: Plan, today: dt.date | None = None) -> list[ItemState]:
    """The items the user's agency (or the agencies it succeeded) is responsible for."""
    if user.agency is None:
        return []
    lineage = user.agency.lineage_ids()
    states = [
        state for state in plan_states(user, plan, today)
        if {link.agency_id for link in state.item.agency_links.all()} & lineage
    ]
    return sorted(states, key=lambda s: (not s.overdue, s.status == ProgressStatus.COMPLETE,
                                         s.due or dt.date.max, s.item.number))


def current_plan(user: Any, code: str | None = None) -> Plan | None:
    plans = visible(user, Plan)
    if code:
        return plans.filter(code=code).first()
    return plans.filter(country="NZ").order_by("-start_date").first() or plans.first()


@dataclass
class ReportingGap:
    agency: Any
    items: list[int]
    last_reported: dt.date | None

    @property
    def silent(self) -> bool:
        return self.last_reported is None


def reporting_gaps(plan: Plan, today: dt.date, *, within_days: int = 90) -> list[ReportingGap]:
    """Agencies (as they are today) responsible for items that have not recorded progress
    on any of them in the last ``within_days`` days: the secretariat's chase list."""
    items_by_agency: dict[Any, list[int]] = defaultdict(list)
    last: dict[int, dt.date] = {}
    for item in with_details(plan.items.all()):
        for link in item.agency_links.all():
            items_by_agency[link.agency.current()].append(item.number)
        for update in item.updates.all():
            key = update.agency.current().pk
            if key not in last or update.reported_on > last[key]:
                last[key] = update.reported_on
    since = today - dt.timedelta(days=within_days)
    gaps = [ReportingGap(agency, sorted(set(numbers)), last.get(agency.pk))
            for agency, numbers in items_by_agency.items()
            if last.get(agency.pk) is None or last[agency.pk] < since]
    return sorted(gaps, key=lambda g: (g.last_reported or dt.date.min, g.agency.code))


def evidence_download(user: Any, pk: int) -> Evidence:
    """An evidence file for download (page and API alike); each download is audited."""
    evidence = get_visible(user, Evidence, pk=pk)
    audit_record(actor=user, action=Action.EXPORT, obj=evidence,
                 summary=f"Evidence {evidence.original_name[:200]} downloaded",
                 changes={"sha256": evidence.sha256})
    return evidence
