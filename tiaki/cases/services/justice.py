"""Victim-friendly interviews, witness statements, court dates, compensation (items 24-28)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tiaki.accounts.models import User
from tiaki.audit.services import Action, audit_record
from tiaki.cases.models import (
    CourtDate,
    InterviewPlan,
    VictimCase,
)
from tiaki.cases.services.common import WITNESS_STATUSES, _case_url, _check_case, _event
from tiaki.core.notifications import Kind
from tiaki.core.policy import Refused
from tiaki.core.services import notify

# ---------------------------------------------------------------- justice (items 24-28)

def interview_plan(*, case: VictimCase, actor: Any, planned_for: dt.datetime,
                   interpreter_language: str = "", support_person: bool = False,
                   breaks_every_minutes: int = 45, arrangements: str = "") -> InterviewPlan:
    """Plan a victim-friendly interview (item 24): interpreter, support person, breaks."""
    _check_case(actor, case)
    if case.interpreter_needed and not interpreter_language.strip():
        raise Refused(_("this victim needs an interpreter: give the interpreter's language"))
    if not 10 <= breaks_every_minutes <= 120:
        raise Refused(_("plan a break every 10 to 120 minutes"))
    with transaction.atomic():
        plan = InterviewPlan.objects.create(
            case=case, planned_for=planned_for, interpreter_language=interpreter_language.strip(),
            support_person=support_person, breaks_every_minutes=breaks_every_minutes,
            arrangements=arrangements.strip(), planned_by=actor,
        )
        if case.witness_statement == "not_started":
            case.witness_statement = "planned"
            case.save(update_fields=["witness_statement"])
        _event(case, actor, "justice", gettext_noop("Interview planned for %(date)s"),
               {"date": f"{timezone.localtime(planned_for):%d %b %Y}"})
        audit_record(actor=actor, action=Action.CREATE, obj=plan,
                     summary=f"Interview planned on {case.reference}")
    return plan


def witness_statement_set(*, case: VictimCase, actor: Any, status: str) -> None:
    _check_case(actor, case)
    if status not in WITNESS_STATUSES:
        raise Refused(_("unknown statement status %(status)s") % {"status": repr(status)})
    with transaction.atomic():
        case.witness_statement = status
        case.save(update_fields=["witness_statement"])
        _event(case, actor, "justice", gettext_noop("Witness statement: %(status)s"),
               {"status": WITNESS_STATUSES[status]})
        audit_record(actor=actor, action=Action.UPDATE, obj=case,
                     summary="Witness statement status", changes={"witness_statement": status})


def court_date_add(*, case: VictimCase, actor: Any, on: dt.date, court: str, hearing: str,
                   adviser_username: str = "") -> CourtDate:
    """A hearing with the Ministry of Justice adviser assigned to the victim (item 25)."""
    _check_case(actor, case)
    adviser = None
    if adviser_username.strip():
        adviser = User.objects.filter(username=adviser_username.strip(), is_active=True).first()
        if adviser is None or adviser.agency is None or adviser.agency.current().code != "MOJ":
            raise Refused(_("the adviser must be an active Ministry of Justice user"))
    if not court.strip() or not hearing.strip():
        raise Refused(_("give the court and the kind of hearing"))
    with transaction.atomic():
        hearing_row = CourtDate.objects.create(case=case, on=on, court=court.strip(),
                                               hearing=hearing.strip(), adviser=adviser,
                                               recorded_by=actor)
        _event(case, actor, "justice", gettext_noop("Court date %(date)s (%(hearing)s)"),
               {"date": f"{on:%d %b %Y}", "hearing": hearing_row.hearing})
        audit_record(actor=actor, action=Action.CREATE, obj=hearing_row,
                     summary=f"Court date on {case.reference}")
    if adviser is not None:
        notify(recipients=[adviser], subject=f"You are the adviser for a hearing on {on:%d %b %Y}",
               kind=Kind.CASE, url=_case_url(case))
    return hearing_row


def court_outcome(*, court_date: CourtDate, actor: Any, outcome: str) -> CourtDate:
    _check_case(actor, court_date.case)
    if not outcome.strip():
        raise Refused(_("record the outcome"))
    with transaction.atomic():
        court_date.outcome = outcome.strip()
        court_date.save(update_fields=["outcome"])
        _event(court_date.case, actor, "justice", gettext_noop("Outcome of %(date)s hearing"),
               {"date": f"{court_date.on:%d %b %Y}"})
        audit_record(actor=actor, action=Action.UPDATE, obj=court_date, summary="Court outcome")
    return court_date


def compensation_informed(*, case: VictimCase, actor: Any, on: dt.date) -> None:
    """Record that the victim was told of their right to seek compensation (item 28)."""
    _check_case(actor, case)
    if on > timezone.localdate():
        raise Refused(_("the date is in the future"))
    with transaction.atomic():
        case.compensation_informed_on = on
        case.save(update_fields=["compensation_informed_on"])
        _event(case, actor, "justice",
               gettext_noop("Victim informed of compensation and reparation"))
        audit_record(actor=actor, action=Action.UPDATE, obj=case,
                     summary="Compensation information given", changes={"on": on})


