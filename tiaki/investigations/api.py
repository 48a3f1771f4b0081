"""Investigations API: the same policies, services and audit as the pages.

Every read of an investigation writes an audit row; records the caller may not see answer
404 like records that do not exist; refused steps answer 403 with the reason.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import StrictBool, StrictInt

from tiaki.accounts.models import User
from tiaki.cases.models import VictimCase
from tiaki.core.api_schema import InputSchema, IsoDate, Money
from tiaki.core.idempotency import idempotent_post
from tiaki.core.pagination import ApiPage, api_page
from tiaki.core.policy import NotVisible, Refused, get_visible
from tiaki.intake.models import Report, Screening
from tiaki.investigations import selectors, services
from tiaki.investigations.models import (
    Appeal,
    Charge,
    Exhibit,
    Hearing,
    Interview,
    Investigation,
    ProtocolStep,
    Suspect,
    Task,
)
from tiaki.investigations.policies import may_see_figures
from tiaki.screening.models import Alert

router = Router()


class MemberOut(Schema):
    username: str
    agency: str
    role: str


class StepOut(Schema):
    id: int
    code: str
    title: str
    agency: str
    due_at: dt.datetime
    done_at: dt.datetime | None
    late: bool


class TaskOut(Schema):
    id: int
    title: str
    owner: str
    agency: str
    due_on: dt.date
    status: str


class LinkOut(Schema):
    kind: str
    visible: bool
    reference: str


class SentenceOut(Schema):
    kind: str
    months: int | None
    imposed_on: dt.date
    reparations: dict[str, Decimal]


class ChargeOut(Schema):
    id: int
    offence_code: str
    offence_title: str
    offence_section: str
    aggravating_factors: list[str]
    laid_on: dt.date
    status: str
    decided_on: dt.date | None
    sentence: SentenceOut | None


class SuspectOut(Schema):
    id: int
    kind: str
    name: str
    charges: list[ChargeOut]


class InvestigationOut(Schema):
    reference: str
    title: str
    status: str
    lead_agency: str
    senior_officer: str | None
    exploitation_types: list[str]
    opened_at: dt.datetime
    members: list[MemberOut]
    steps: list[StepOut]
    tasks: list[TaskOut]
    links: list[LinkOut]
    suspects: list[SuspectOut]


class InvestigationSummary(Schema):
    reference: str
    title: str
    status: str
    lead_agency: str


class OpenIn(InputSchema):
    title: str
    summary: str = ""
    exploitation_types: list[str] = []


class UsernameIn(InputSchema):
    username: str
    role: str = ""


class TaskIn(InputSchema):
    owner: str
    title: str
    due_on: IsoDate
    detail: str = ""


class TaskFinishIn(InputSchema):
    status: str
    outcome: str = ""


class CommunicationIn(InputSchema):
    agency: str
    channel: str
    summary: str
    direction: str = "sent"
    step_id: StrictInt | None = None


class LinkIn(InputSchema):
    kind: str
    reference: str
    note: str = ""


class SuspectIn(InputSchema):
    kind: str
    name: str
    sex: str = "unknown"
    age: StrictInt | None = None
    nationality: str = ""
    registration_number: str = ""
    role: str = ""


class ChargeIn(InputSchema):
    offence_code: str
    laid_on: IsoDate
    aggravating_factors: list[str] = []
    particulars: str = ""
    victim_cases: list[str] = []


class ChargeDecisionIn(InputSchema):
    status: str
    on: IsoDate
    note: str = ""


class ChargeConsentIn(InputSchema):
    on: IsoDate


class ReparationIn(InputSchema):
    case: str
    amount_nzd: Money


class SentenceIn(InputSchema):
    kind: str
    imposed_on: IsoDate
    months: StrictInt | None = None
    detail: str = ""
    reparations: list[ReparationIn] = []


class HearingIn(InputSchema):
    kind: str
    on: IsoDate
    court: str
    adviser: str = ""


class InvestigationCloseIn(InputSchema):
    reason: str
    note: str = ""


class InterviewIn(InputSchema):
    case: str
    planned_for: dt.datetime
    interpreter_language: str = ""
    support_person: StrictBool = False
    breaks_every_minutes: StrictInt = 45
    arrangements: str = ""


class InterviewHeldIn(InputSchema):
    held_at: dt.datetime
    interpreter_present: StrictBool = False
    support_person_present: StrictBool = False
    breaks_taken: StrictBool = False
    video_recorded: StrictBool = False
    statement: str
    note: str = ""


class InterviewOut(Schema):
    id: int
    case: str
    planned_for: dt.datetime
    held_at: dt.datetime | None
    victim_friendly: bool | None


class ExhibitIn(InputSchema):
    reference: str
    description: str
    seized_at: dt.datetime
    location: str
    seized_from: str = ""


class CustodyIn(InputSchema):
    to: str
    location: str
    purpose: str


class CustodyOut(Schema):
    holder: str
    location: str
    purpose: str
    since: dt.datetime


class ExhibitOut(Schema):
    id: int
    reference: str
    description: str
    custody: list[CustodyOut]


class DisclosureIn(InputSchema):
    item: str
    stage: str
    decision: str
    on: IsoDate
    ground: str = ""
    reason: str = ""
    exhibit_id: StrictInt | None = None


class AppealIn(InputSchema):
    against: str
    court: str
    lodged_on: IsoDate
    by_crown: StrictBool = False


class AppealDecisionIn(InputSchema):
    outcome: str
    decided_on: IsoDate
    note: str = ""


class OutcomeIn(InputSchema):
    outcome: str


class FiguresOut(Schema):
    start: dt.date
    end: dt.date
    total: dict[str, int | None]
    by_form: dict[str, dict[str, int | None]]
    prosecuted_by_sex: dict[str, int]
    convicted_by_sex: dict[str, int]
    sentences: dict[str, int]
    reparation_ordered_nzd: Decimal


def _out(user: Any, investigation: Investigation) -> dict[str, Any]:
    suspects = []
    for suspect in investigation.suspects.prefetch_related("charges", "charges__sentence",
                                                           "charges__sentence__reparations"):
        charges = []
        for charge in suspect.charges.all():
            sentence = getattr(charge, "sentence", None)
            charges.append({
                "id": charge.pk, "offence_code": charge.offence_code,
                "offence_title": charge.offence_title,
                "offence_section": charge.offence_section,
                "aggravating_factors": charge.aggravating_factors, "laid_on": charge.laid_on,
                "status": charge.status, "decided_on": charge.decided_on,
                "sentence": None if sentence is None else {
                    "kind": sentence.kind, "months": sentence.months,
                    "imposed_on": sentence.imposed_on,
                    "reparations": {r.case.reference: r.amount_nzd
                                    for r in sentence.reparations.select_related("case")}},
            })
        suspects.append({"id": suspect.pk, "kind": suspect.kind, "name": suspect.name,
                         "charges": charges})
    return {
        "reference": investigation.reference, "title": investigation.title,
        "status": investigation.status, "lead_agency": investigation.lead_agency.code,
        "senior_officer": investigation.senior_officer.username
        if investigation.senior_officer else None,
        "exploitation_types": investigation.exploitation_types,
        "opened_at": investigation.opened_at,
        "members": [{"username": m.user.username,
                     "agency": m.user.agency.code if m.user.agency else "", "role": m.role}
                    for m in investigation.members.select_related("user", "user__agency")],
        "steps": [{"id": s.pk, "code": s.code, "title": s.title, "agency": s.agency.code,
                   "due_at": s.due_at, "done_at": s.done_at, "late": s.is_late}
                  for s in investigation.steps.select_related("agency")],
        "tasks": [{"id": t.pk, "title": t.title, "owner": t.owner.username,
                   "agency": t.agency.code, "due_on": t.due_on, "status": t.status}
                  for t in investigation.tasks.select_related("owner", "agency")],
        "links": [{"kind": v.link.kind, "visible": v.visible, "reference": v.label}
                  for v in selectors.links_for(user, investigation)],
        "suspects": suspects,
    }


def _get(request: HttpRequest, reference: str) -> Investigation:
    return get_visible(request.user, Investigation.objects.select_related(
        "lead_agency", "senior_officer"), reference=reference)


def _case(request: HttpRequest, reference: str) -> VictimCase:
    return get_visible(request.user, VictimCase, reference=reference)


def _charge(request: HttpRequest, investigation: Investigation, charge_id: int) -> Charge:
    return get_visible(request.user, Charge, pk=charge_id, suspect__investigation=investigation)


@router.get("/figures", response=FiguresOut,
            summary="TIP/UNODC law-enforcement figures by form of exploitation (counts only)")
def get_figures(request: HttpRequest, start: IsoDate | None = None,
                end: IsoDate | None = None) -> dict[str, Any]:
    if not may_see_figures(request.user):
        raise NotVisible("not found")
    today = timezone.localdate()
    begin, finish = start or today.replace(month=1, day=1), end or today.replace(month=12, day=31)
    if finish < begin:
        begin, finish = finish, begin
    figures = selectors.law_enforcement_figures(begin, finish)
    return {"start": figures.start, "end": figures.end, "total": figures.total,
            "by_form": figures.by_form, "prosecuted_by_sex": figures.prosecuted_by_sex,
            "convicted_by_sex": figures.convicted_by_sex, "sentences": figures.sentences,
            "reparation_ordered_nzd": figures.reparation_ordered_nzd}


@router.get("/", response=list[InvestigationSummary], summary="Investigations whose team I am on")
def list_investigations(request: HttpRequest, response: HttpResponse, paging: Query[ApiPage],
                        status: str = "open") -> list[dict[str, Any]]:
    return [{"reference": i.reference, "title": i.title, "status": i.status,
             "lead_agency": i.lead_agency.code}
            for i in api_page(request, response,
                              selectors.investigations_for(request.user, "", status), paging)]


@idempotent_post(router, "/", response={201: InvestigationOut}, summary="Open an investigation")
def post_investigation(request: HttpRequest, payload: OpenIn) -> Status:
    investigation = services.investigation_open(
        actor=request.user, title=payload.title, summary=payload.summary,
        exploitation_types=payload.exploitation_types)
    return Status(201, _out(request.user, investigation))


@router.get("/{reference}", response=InvestigationOut,
            summary="One investigation (the read is audited)")
def get_investigation(request: HttpRequest, reference: str) -> dict[str, Any]:
    investigation = services.investigation_get(actor=request.user, reference=reference,
                                               channel="api")
    return _out(request.user, investigation)


@router.post("/{reference}/senior", response=InvestigationOut,
             summary="Assign the senior officer (a senior officer of the lead agency)")
def post_senior(request: HttpRequest, reference: str, payload: UsernameIn) -> dict[str, Any]:
    investigation = _get(request, reference)
    senior = User.objects.filter(username=payload.username, is_active=True).first()
    if senior is None:
        raise Refused(_("no active user called %(username)s")
                      % {"username": repr(payload.username)})
    services.senior_assign(investigation=investigation, actor=request.user, senior=senior)
    return _out(request.user, investigation)


@idempotent_post(router, "/{reference}/members",
                response={201: MemberOut}, summary="Add a team member")
def post_member(request: HttpRequest, reference: str,
                payload: UsernameIn) -> Status:
    member = services.member_add(investigation=_get(request, reference), actor=request.user,
                                 username=payload.username, role=payload.role)
    return Status(201, {"username": member.user.username,
                 "agency": member.user.agency.code if member.user.agency else "",
                 "role": member.role})


@idempotent_post(router, "/{reference}/tasks",
                response={201: TaskOut}, summary="Give a member a task")
def post_task(request: HttpRequest, reference: str, payload: TaskIn) -> Status:
    task = services.task_assign(investigation=_get(request, reference), actor=request.user,
                                owner_username=payload.owner, title=payload.title,
                                due_on=payload.due_on, detail=payload.detail)
    return Status(201, {"id": task.pk, "title": task.title, "owner": task.owner.username,
                 "agency": task.agency.code, "due_on": task.due_on, "status": task.status})


@router.post("/{reference}/tasks/{task_id}", response=TaskOut,
             summary="Mark a task done (its owner) or cancelled")
def post_task_finish(request: HttpRequest, reference: str, task_id: int,
                     payload: TaskFinishIn) -> dict[str, Any]:
    investigation = _get(request, reference)
    task = get_visible(request.user, Task, pk=task_id, investigation=investigation)
    services.task_finish(task=task, actor=request.user, status=payload.status,
                         outcome=payload.outcome)
    return {"id": task.pk, "title": task.title, "owner": task.owner.username,
            "agency": task.agency.code, "due_on": task.due_on, "status": task.status}


@idempotent_post(router, "/{reference}/communications", response={201: dict[str, Any]},
             summary="Log a communication; with a step id it completes that protocol step")
def post_communication(request: HttpRequest, reference: str,
                       payload: CommunicationIn) -> Status:
    investigation = _get(request, reference)
    step = None
    if payload.step_id is not None:
        step = get_visible(request.user, ProtocolStep, pk=payload.step_id,
                           investigation=investigation)
    entry = services.communication_record(
        investigation=investigation, actor=request.user, agency_code=payload.agency,
        channel=payload.channel, summary=payload.summary, direction=payload.direction,
        step=step)
    return Status(201, {"id": entry.pk, "step_done": step is not None})


@idempotent_post(router, "/{reference}/links", response={201: LinkOut},
             summary="Link a report, screening, border alert or victim case you may see")
def post_link(request: HttpRequest, reference: str, payload: LinkIn) -> Status:
    investigation = _get(request, reference)
    target: Any
    if payload.kind == "case":
        target = _case(request, payload.reference)
    else:
        model = {"report": Report, "screening": Screening, "alert": Alert}.get(payload.kind)
        if model is None:
            raise Refused(_("cannot link %(kind)s") % {"kind": repr(payload.kind)})
        digits = "".join(c for c in payload.reference.rsplit("-", 1)[-1] if c.isdigit())
        target = get_visible(request.user, model, pk=int(digits or 0))
    services.link_add(investigation=investigation, actor=request.user, kind=payload.kind,
                      target=target, note=payload.note)
    return Status(201, {"kind": payload.kind, "visible": True,
                 "reference": str(getattr(target, "reference", target))})


@idempotent_post(router, "/{reference}/suspects",
                response={201: SuspectOut}, summary="Add a suspect")
def post_suspect(request: HttpRequest, reference: str,
                 payload: SuspectIn) -> Status:
    suspect = services.suspect_add(investigation=_get(request, reference), actor=request.user,
                                   **payload.dict())
    return Status(201, {"id": suspect.pk, "kind": suspect.kind, "name": suspect.name,
                        "charges": []})


@idempotent_post(router, "/{reference}/suspects/{suspect_id}/charges",
                response={201: dict[str, Any]},
             summary="Charge a suspect (needs a senior officer on the investigation)")
def post_charge(request: HttpRequest, reference: str, suspect_id: int,
                payload: ChargeIn) -> Status:
    investigation = _get(request, reference)
    suspect = get_visible(request.user, Suspect, pk=suspect_id, investigation=investigation)
    charge = services.charge_lay(
        suspect=suspect, actor=request.user, offence_code=payload.offence_code,
        laid_on=payload.laid_on, aggravating_factors=payload.aggravating_factors,
        particulars=payload.particulars,
        victims=[_case(request, ref) for ref in payload.victim_cases])
    return Status(201, {"id": charge.pk, "offence_section": charge.offence_section})


@router.post("/{reference}/charges/{charge_id}/consent", response=dict[str, Any],
             summary="Record the Attorney-General's consent (Crimes Act s98F)")
def post_consent(request: HttpRequest, reference: str, charge_id: int,
                 payload: ChargeConsentIn) -> dict[str, Any]:
    charge = _charge(request, _get(request, reference), charge_id)
    services.charge_consent(charge=charge, actor=request.user, on=payload.on)
    return {"id": charge.pk, "consent_on": charge.consent_on}


@router.post("/{reference}/charges/{charge_id}/outcome", response=dict[str, Any],
             summary="Conviction, acquittal, withdrawal or dismissal")
def post_outcome(request: HttpRequest, reference: str, charge_id: int,
                 payload: ChargeDecisionIn) -> dict[str, Any]:
    charge = _charge(request, _get(request, reference), charge_id)
    services.charge_decide(charge=charge, actor=request.user, status=payload.status,
                           on=payload.on, note=payload.note)
    return {"id": charge.pk, "status": charge.status}


@idempotent_post(router, "/{reference}/charges/{charge_id}/sentence",
                response={201: dict[str, Any]},
             summary="Sentence on a conviction, with reparation to victims' cases")
def post_sentence(request: HttpRequest, reference: str, charge_id: int,
                  payload: SentenceIn) -> Status:
    charge = _charge(request, _get(request, reference), charge_id)
    sentence = services.sentence_record(
        charge=charge, actor=request.user, kind=payload.kind, imposed_on=payload.imposed_on,
        months=payload.months, detail=payload.detail,
        reparations=[(_case(request, r.case), r.amount_nzd) for r in payload.reparations])
    return Status(201, {"id": sentence.pk, "kind": sentence.kind})


@idempotent_post(router, "/{reference}/suspects/{suspect_id}/hearings",
                response={201: dict[str, Any]},
             summary="A hearing; it becomes a court date on the victims' cases")
def post_hearing(request: HttpRequest, reference: str, suspect_id: int,
                 payload: HearingIn) -> Status:
    investigation = _get(request, reference)
    suspect = get_visible(request.user, Suspect, pk=suspect_id, investigation=investigation)
    hearing = services.hearing_add(defendant=suspect, actor=request.user, kind=payload.kind,
                                   on=payload.on, court=payload.court,
                                   adviser_username=payload.adviser)
    return Status(201, {"id": hearing.pk, "court_dates": hearing.court_dates.count()})


@router.post("/{reference}/close", response=InvestigationOut,
             summary="Close (the senior officer; no open tasks or pending charges)")
def post_close(request: HttpRequest, reference: str,
               payload: InvestigationCloseIn) -> dict[str, Any]:
    investigation = _get(request, reference)
    services.investigation_close(investigation=investigation, actor=request.user,
                                 reason=payload.reason, note=payload.note)
    return _out(request.user, investigation)


# ------------------------------------------------- interviews, evidence, disclosure, appeals

def _interview_out(interview: Interview) -> dict[str, Any]:
    plan = interview.plan
    return {"id": interview.pk, "case": plan.case.reference, "planned_for": plan.planned_for,
            "held_at": interview.held_at, "victim_friendly": interview.victim_friendly}


def _exhibit_out(exhibit: Exhibit) -> dict[str, Any]:
    return {"id": exhibit.pk, "reference": exhibit.reference, "description": exhibit.description,
            "custody": [{"holder": c.holder.username, "location": c.location,
                         "purpose": c.purpose, "since": c.at}
                        for c in exhibit.custody.select_related("holder")]}


@idempotent_post(router, "/{reference}/interviews", response={201: InterviewOut},
                 summary="Plan a victim-friendly interview (item 24) on a linked victim's case")
def post_interview(request: HttpRequest, reference: str, payload: InterviewIn) -> Status:
    investigation = _get(request, reference)
    interview = services.interview_plan(
        investigation=investigation, actor=request.user, case=_case(request, payload.case),
        planned_for=payload.planned_for, interpreter_language=payload.interpreter_language,
        support_person=payload.support_person,
        breaks_every_minutes=payload.breaks_every_minutes, arrangements=payload.arrangements)
    return Status(201, _interview_out(interview))


@router.post("/{reference}/interviews/{interview_id}/held", response=InterviewOut,
             summary="Record an interview as held, with how it was run")
def post_interview_held(request: HttpRequest, reference: str, interview_id: int,
                        payload: InterviewHeldIn) -> dict[str, Any]:
    investigation = _get(request, reference)
    interview = get_visible(request.user, Interview.objects.select_related("plan__case"),
                            pk=interview_id, investigation=investigation)
    services.interview_held(interview=interview, actor=request.user, **payload.dict())
    return _interview_out(interview)


@idempotent_post(router, "/{reference}/exhibits", response={201: ExhibitOut},
                 summary="Record an exhibit; its chain of custody starts with the caller")
def post_exhibit(request: HttpRequest, reference: str, payload: ExhibitIn) -> Status:
    exhibit = services.exhibit_add(investigation=_get(request, reference), actor=request.user,
                                   **payload.dict())
    return Status(201, _exhibit_out(exhibit))


@router.post("/{reference}/exhibits/{exhibit_id}/custody", response=ExhibitOut,
             summary="Hand an exhibit on (its holder or the senior officer); the chain only grows")
def post_custody(request: HttpRequest, reference: str, exhibit_id: int,
                 payload: CustodyIn) -> dict[str, Any]:
    exhibit = get_visible(request.user, Exhibit, pk=exhibit_id,
                          investigation=_get(request, reference))
    services.custody_transfer(exhibit=exhibit, actor=request.user, to_username=payload.to,
                              location=payload.location, purpose=payload.purpose)
    return _exhibit_out(exhibit)


@idempotent_post(router, "/{reference}/suspects/{suspect_id}/disclosures",
                 response={201: dict[str, Any]},
                 summary="One item's disclosure to a defendant (Criminal Disclosure Act 2008)")
def post_disclosure(request: HttpRequest, reference: str, suspect_id: int,
                    payload: DisclosureIn) -> Status:
    investigation = _get(request, reference)
    defendant = get_visible(request.user, Suspect, pk=suspect_id, investigation=investigation)
    exhibit = (get_visible(request.user, Exhibit, pk=payload.exhibit_id,
                           investigation=investigation)
               if payload.exhibit_id is not None else None)
    entry = services.disclosure_record(
        defendant=defendant, actor=request.user, item=payload.item, stage=payload.stage,
        decision=payload.decision, on=payload.on, ground=payload.ground,
        reason=payload.reason, exhibit=exhibit)
    return Status(201, {"id": entry.pk, "decision": entry.decision, "ground": entry.ground,
                        "ground_label": entry.ground_label})


@idempotent_post(router, "/{reference}/charges/{charge_id}/appeals",
                 response={201: dict[str, Any]},
                 summary="An appeal against a conviction or sentence")
def post_appeal(request: HttpRequest, reference: str, charge_id: int,
                payload: AppealIn) -> Status:
    charge = _charge(request, _get(request, reference), charge_id)
    appeal = services.appeal_lodge(charge=charge, actor=request.user, **payload.dict())
    return Status(201, {"id": appeal.pk, "outcome": appeal.outcome})


@router.post("/{reference}/appeals/{appeal_id}/decision", response=dict[str, Any],
             summary="The appeal court's decision")
def post_appeal_decision(request: HttpRequest, reference: str, appeal_id: int,
                         payload: AppealDecisionIn) -> dict[str, Any]:
    appeal = get_visible(request.user, Appeal, pk=appeal_id,
                         charge__suspect__investigation=_get(request, reference))
    services.appeal_decide(appeal=appeal, actor=request.user, **payload.dict())
    return {"id": appeal.pk, "outcome": appeal.outcome}


@router.post("/{reference}/hearings/{hearing_id}/outcome", response=dict[str, Any],
             summary="What a hearing decided")
def post_hearing_outcome(request: HttpRequest, reference: str, hearing_id: int,
                         payload: OutcomeIn) -> dict[str, Any]:
    hearing = get_visible(request.user, Hearing, pk=hearing_id,
                          investigation=_get(request, reference))
    services.hearing_outcome(hearing=hearing, actor=request.user, outcome=payload.outcome)
    return {"id": hearing.pk, "outcome": hearing.outcome}
