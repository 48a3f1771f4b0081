"""Synthetic progress on the Plan's items for demo installs (invented, reproducible)."""

from __future__ import annotations

import datetime as dt
import random

from tiaki.accounts.models import User
from tiaki.accounts.roles import Role
from tiaki.plan.models import ActionItem, Plan, ProgressStatus
from tiaki.plan.services import progress_update_record

NARRATIVES = {
    ProgressStatus.COMPLETE: "Delivered as planned; evaluation filed with the working group.",
    ProgressStatus.ONGOING: "Continuing as business as usual; reported at the quarterly meeting.",
    ProgressStatus.IN_PROGRESS: "Work under way; draft circulated to partner agencies for comment.",
    ProgressStatus.AT_RISK: "Behind schedule: resourcing moved to other priorities this quarter.",
}


def _reporter_for(item: ActionItem, users: dict[str, User]) -> User:
    for link in item.agency_links.select_related("agency", "agency__successor"):
        code = link.agency.current().code
        for user in users.values():
            if user.agency and user.agency.code == code and user.has_role(Role.FRONTLINE,
                    Role.INVESTIGATOR, Role.INTELLIGENCE_ANALYST, Role.SERVICE_PROVIDER):
                return user
    return users["secretariat"]


def demo_progress(plan: Plan, users: dict[str, User]) -> int:
    if plan.items.filter(updates__isnull=False).exists():
        return 0
    rng = random.Random(2009)
    count = 0
    for item in plan.items.prefetch_related("timetable"):
        kinds = {p.kind for p in item.timetable.all()}
        reporter = _reporter_for(item, users)
        day = plan.start_date + dt.timedelta(days=rng.randint(60, 200))
        dated = bool(kinds - {"ongoing", "event"})
        first = ProgressStatus.IN_PROGRESS if dated else ProgressStatus.ONGOING
        progress_update_record(item=item, actor=reporter, status=first,
                               narrative=NARRATIVES[first], reported_on=day)
        count += 1
        roll = rng.random()
        final = (ProgressStatus.COMPLETE if roll < 0.55 else ProgressStatus.ONGOING
                 if roll < 0.75 else ProgressStatus.AT_RISK if roll < 0.85 else None)
        if final is not None and final != first:
            day += dt.timedelta(days=rng.randint(200, 700))
            progress_update_record(item=item, actor=reporter, status=final,
                                   narrative=NARRATIVES[final], reported_on=day)
            count += 1
    return count
