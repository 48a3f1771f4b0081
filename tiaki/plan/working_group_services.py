"""The working group's state changes, and the reminders a scheduler runs once a day.

``reminders_send`` is the function the scheduler registers (``tiaki plan_reminders``, or the
``send_plan_reminders`` task); it reminds each agency at most once a day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tiaki.accounts.models import Agency
from tiaki.accounts.roles import PLAN_REPORTING_ROLES, Role
from tiaki.accounts.selectors import staff_of
from tiaki.audit.services import Action, audit_record
from tiaki.core.notifications import Kind
from tiaki.core.policy import Refused
from tiaki.core.services import notify
from tiaki.plan.models import ActionItem, Plan
from tiaki.plan.selectors import DONE, item_state, with_details
from tiaki.plan.working_group import Meeting, MeetingDecision, Reminder, WorkingGroupAction

DUE_SOON_DAYS = 30


def _secretariat(actor: Any) -> None:
    if not actor.has_role(Role.SECRETARIAT):
        raise Refused(_("the working group's secretariat keeps its meetings and actions"))


def meeting_record(*, actor: Any, plan: Plan, held_on: dt.date, agenda: str, minutes: str = "",
                   present: list[Agency] | None = None,
                   apologies: list[Agency] | None = None) -> Meeting:
    _secretariat(actor)
    if not agenda.strip():
        raise Refused(_("give the meeting an agenda"))
    overlap = {a.pk for a in present or []} & {a.pk for a in apologies or []}
    if overlap:
        raise Refused(_("an agency cannot be both present and give apologies"))
    with transaction.atomic():
        meeting = Meeting.objects.create(plan=plan, held_on=held_on, agenda=agenda.strip(),
                                         minutes=minutes.strip(), created_by=actor)
        meeting.present.set(present or [])
        meeting.apologies.set(apologies or [])
        audit_record(actor=actor, action=Action.CREATE, obj=meeting,
                     summary=f"Working group meeting of {held_on} recorded")
    return meeting


def meeting_decision_add(*, actor: Any, meeting: Meeting, text: str,
                         item: ActionItem | None = None) -> MeetingDecision:
    _secretariat(actor)
    if not text.strip():
        raise Refused(_("say what was decided"))
    with transaction.atomic():
        decision = MeetingDecision.objects.create(meeting=meeting, text=text.strip(), item=item)
        audit_record(actor=actor, action=Action.CREATE, obj=decision,
                     summary=f"Decision recorded at {meeting}")
    return decision


def meeting_action_add(*, actor: Any, meeting: Meeting, text: str, owner_agency: Agency,
                       due_on: dt.date, item: ActionItem | None = None,
                       owner: Any = None) -> WorkingGroupAction:
    _secretariat(actor)
    if not text.strip():
        raise Refused(_("say what is to be done"))
    if due_on < meeting.held_on:
        raise Refused(_("an action cannot fall due before the meeting that set it"))
    with transaction.atomic():
        action = WorkingGroupAction.objects.create(
            meeting=meeting, text=text.strip(), owner_agency=owner_agency, due_on=due_on,
            item=item, owner=owner)
        audit_record(actor=actor, action=Action.CREATE, obj=action,
                     summary=f"Action for {owner_agency.code} due {due_on}")
    return action


def meeting_action_done(*, actor: Any, action: WorkingGroupAction,
                        on: dt.date | None = None) -> WorkingGroupAction:
    lineage = actor.agency.lineage_ids() if actor.agency else set()
    if not (actor.has_role(Role.SECRETARIAT) or action.owner_agency_id in lineage):
        raise Refused(_("only %(code)s or the secretariat closes this action") % {
                          "code": action.owner_agency.code})
    if action.done_on is not None:
        raise Refused(_("this action is already done"))
    with transaction.atomic():
        action.done_on = on or timezone.localdate()
        action.save(update_fields=["done_on"])
        audit_record(actor=actor, action=Action.UPDATE, obj=action, summary="Action done")
    return action


def reminders_due(plan: Plan, today: dt.date) -> dict[Agency, tuple[list[int], list[int]]]:
    """Per agency (as it is today): items due within 30 days or overdue, and overdue actions."""
    found: dict[Agency, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    for item in with_details(plan.items.all()):
        state = item_state(item, today)
        if state.due is None or state.status in DONE or state.due > soon:
            continue
        for link in item.agency_links.all():
            found[link.agency.current()][0].append(item.number)
    actions = WorkingGroupAction.objects.filter(meeting__plan=plan, done_on__isnull=True,
                                                due_on__lt=today).select_related("owner_agency")
    for action in actions:
        found[action.owner_agency.current()][1].append(action.pk)
    return dict(found)


def reminders_send(*, plan: Plan | None = None, today: dt.date | None = None) -> int:
    """Remind each agency with due or overdue items or actions, once a day; returns how
    many agencies were reminded."""
    today = today or timezone.localdate()
    plans = [plan] if plan is not None else list(Plan.objects.all())
    sent = 0
    for one in plans:
        for agency, (items, actions) in sorted(reminders_due(one, today).items(),
                                               key=lambda kv: kv[0].code):
            with transaction.atomic():
                if Reminder.objects.filter(agency=agency, sent_on=today).exists():
                    continue
                people = list(staff_of([agency], PLAN_REPORTING_ROLES))
                parts = []
                if items:
                    parts.append("items " + ", ".join(map(str, sorted(set(items)))))
                if actions:
                    parts.append(f"{len(actions)} overdue working-group action(s)")
                count = notify(kind=Kind.PLAN, recipients=people,
                               subject=f"Plan of Action: {' and '.join(parts)}"
                               " due or overdue", body="Record progress on your agency's items.",
                               url=reverse("plan:todo"))
                reminder = Reminder.objects.create(agency=agency, sent_on=today,
                                                   items=sorted(set(items)), actions=actions,
                                                   recipients=count)
                audit_record(actor=None, action=Action.CREATE, obj=reminder,
                             summary=f"Plan reminder to {agency.code}")
                sent += 1
    return sent
