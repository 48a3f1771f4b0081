"""State changes on investigations: each checks its rule, changes, and audits in one
transaction (policy in ``tiaki.investigations.policies``).

Rules: seed 002 (principle B, items 23-28: suspected trafficking is "dealt with by senior
officials"; victim-friendly interviews; court support and compensation), seed 004 (MBIE and
Police investigate jointly), the coordination protocol (``data/nz/investigation_protocol.yaml``),
the Crimes Act 1961 (offences data under ``data/legal/``; s98E aggravating factors; s98F
consent), the Criminal Disclosure Act 2008 and the Sentencing Act 2002 s32 (reparation).
Refusals raise ``Refused`` with the reason in plain words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tiaki.accounts.models import Agency, User
from tiaki.accounts.selectors import staff_of
from tiaki.audit.services import Action, audit_read, audit_record
from tiaki.cases import catalogue as case_catalogue
from tiaki.cases import services as case_services
from tiaki.cases.models import VictimCase
from tiaki.cases.policies import EDIT as CASE_EDIT
from tiaki.cases.services import case_team
from tiaki.core.notifications import Kind
from tiaki.core.policy import Refused, get_visible, policy_for
from tiaki.core.references import next_reference
from tiaki.core.services import notify
from tiaki.intake.models import Report, Screening
from tiaki.investigations import offences
from tiaki.investigations.disclosure_grounds import withholding_grounds
from tiaki.investigations.models import (
    Appeal,
    Charge,
    Communication,
    CustodyEntry,
    Disclosure,
    Event,
    Exhibit,
    Hearing,
    Interview,
    Investigation,
    Link,
    Member,
    ProtocolStep,
    ReparationOrder,
    Sentence,
    Suspect,
    Task,
)
from tiaki.investigations.policies import (
    CHARGE,
    CLOSE,
    EDIT,
    OPEN_ROLES,
    VIEW,
    may_supervise,
)
from tiaki.investigations.protocol import protocol
from tiaki.screening.models import Alert

# ---------------------------------------------------------------- helpers

def _next_reference(prefix: str) -> str:
    # A locked counter, like case references: parallel openings never clash.
    return next_reference(Investigation, prefix)


def _url(investigation: Investigation) -> str:
    return reverse("investigations:detail", kwargs={"reference": investigation.reference})


def _event(investigation: Investigation, actor: Any, summary: str) -> None:
    Event.objects.create(investigation=investigation,
                         actor=actor if getattr(actor, "pk", None) else None,
                         summary=summary[:300])


def _check(actor: Any, investigation: Investigation, action: str = EDIT) -> None:
    policy_for(Investigation).check(actor, action, investigation)


def team(investigation: Investigation) -> list[User]:
    people = {m.user for m in investigation.members.select_related("user") if m.user.is_active}
    if investigation.senior_officer is not None:
        people.add(investigation.senior_officer)
    return sorted(people, key=lambda u: u.pk)


def _member_user(investigation: Investigation, username: str, what: str) -> User:
    user = User.objects.filter(username=username.strip(), is_active=True).first()
    if user is None or not (Member.objects.filter(investigation=investigation, user=user).exists()
                            or investigation.senior_officer_id == user.pk):
        raise Refused(_("the %(what)s must be on the investigation team (%(username)s is not)")
                      % {"what": what, "username": username.strip() or _("nobody")})
    return user


def _clean_exploitation(values: Iterable[str]) -> list[str]:
    allowed = {code for code, _ in case_catalogue.choices("exploitation_types")}
    cleaned = sorted({v for v in values if v})
    unknown = [v for v in cleaned if v not in allowed]
    if unknown:
        raise Refused(_("unknown type of exploitation: %(unknown)s")
                      % {"unknown": ', '.join(unknown)})
    return cleaned


def _not_future(day: dt.date, what: str) -> None:
    if day > timezone.localdate():
        raise Refused(_("the %(what)s date is in the future") % {"what": what})


# ---------------------------------------------------------------- investigations

def investigation_open(*, actor: Any, title: str, summary: str = "",
                       exploitation_types: Iterable[str] = (),
                       senior_officer: User | None = None) -> Investigation:
    """Open an investigation led by the actor's agency; the actor joins its team and the
    protocol's "opened" steps start (item 23)."""
    if actor.agency is None or not actor.has_role(*OPEN_ROLES):
        raise Refused(_("only an investigator or senior officer may open an investigation"))
    if not title.strip():
        raise Refused(_("give the investigation a title"))
    kinds = _clean_exploitation(exploitation_types)
    rules = protocol()
    with transaction.atomic():
        investigation = Investigation.objects.create(
            reference=_next_reference("INV"), title=title.strip(), summary=summary.strip(),
            lead_agency=actor.agency.current(), exploitation_types=kinds,
            protocol_version=rules.version, opened_by=actor)
        Member.objects.create(investigation=investigation, user=actor, added_by=actor,
                              role="Opened the investigation")
        _event(investigation, actor, f"Investigation opened by {actor.agency}")
        audit_record(actor=actor, action=Action.CREATE, obj=investigation,
                     summary=f"Investigation {investigation.reference} opened",
                     changes={"lead_agency": investigation.lead_agency.code,
                              "exploitation_types": kinds})
        if senior_officer is not None:
            senior_assign(investigation=investigation, actor=actor, senior=senior_officer)
        protocol_trigger(investigation, "opened", actor)
    return investigation


def investigation_read(*, investigation: Investigation, actor: Any,
                       channel: str = "page") -> Investigation:
    """Every read of an investigation is recorded (who, when, through which channel)."""
    _check(actor, investigation, VIEW)
    audit_read(actor=actor, obj=investigation,
               summary=f"Investigation {investigation.reference} read ({channel})")
    return investigation


def investigation_get(*, actor: Any, reference: str, channel: str = "page") -> Investigation:
    """Fetch (404 alike for missing and forbidden) and record the read, in one call."""
    investigation = get_visible(
        actor, Investigation.objects.select_related("lead_agency", "senior_officer"),
        reference=reference)
    with transaction.atomic():
        return investigation_read(investigation=investigation, actor=actor, channel=channel)


def senior_assign(*, investigation: Investigation, actor: Any, senior: User) -> Investigation:
    """Put a senior officer of the lead agency in charge (seed 002: senior officials)."""
    _check(actor, investigation)
    reason = may_supervise(senior, investigation)
    if reason is not None:
        raise Refused(reason)
    with transaction.atomic():
        investigation.senior_officer = senior
        investigation.save(update_fields=["senior_officer"])
        _event(investigation, actor, f"{senior.username} is the senior officer")
        audit_record(actor=actor, action=Action.UPDATE, obj=investigation,
                     summary=f"Senior officer of {investigation.reference} assigned",
                     changes={"senior_officer": senior.username})
    notify(kind=Kind.INVESTIGATION, recipients=[senior],
           subject=f"You are the senior officer on investigation {investigation.reference}",
           url=_url(investigation))
    return investigation


def member_add(*, investigation: Investigation, actor: Any, username: str,
               role: str = "") -> Member:
    """Add someone from any agency to the team: the only way to see the investigation."""
    _check(actor, investigation)
    user = User.objects.filter(username=username.strip(), is_active=True).first()
    if user is None or user.agency is None:
        raise Refused(_("no active staff user called %(username)s")
                      % {"username": repr(username.strip())})
    if Member.objects.filter(investigation=investigation, user=user).exists():
        raise Refused(_("%(username)s is already on the team") % {"username": user.username})
    with transaction.atomic():
        member = Member.objects.create(investigation=investigation, user=user, added_by=actor,
                                       role=role.strip()[:120])
        _event(investigation, actor, f"{user.username} ({user.agency}) joined the team")
        audit_record(actor=actor, action=Action.CREATE, obj=member,
                     summary=f"{user.username} added to {investigation.reference}")
    notify(recipients=[user], subject=f"You were added to investigation {investigation.reference}",
           kind=Kind.INVESTIGATION, url=_url(investigation))
    return member


def investigation_close(*, investigation: Investigation, actor: Any, reason: str,
                        note: str = "") -> Investigation:
    _check(actor, investigation, CLOSE)
    if reason not in Investigation.Closure.values:
        raise Refused(_("unknown reason %(reason)s") % {"reason": repr(reason)})
    open_tasks = investigation.tasks.filter(status=Task.Status.OPEN).count()
    if open_tasks:
        raise Refused(_("%(open_tasks)s task(s) are still open: complete or cancel them before "
                        "closing the investigation")
                      % {"open_tasks": open_tasks})
    pending = Charge.objects.filter(suspect__investigation=investigation,
                                    status=Charge.Status.LAID).count()
    if pending:
        raise Refused(_("%(pending)s charge(s) are still before the court: record their outcome "
                        "before closing the investigation")
                      % {"pending": pending})
    with transaction.atomic():
        investigation.status = Investigation.Status.CLOSED
        investigation.closed_at = timezone.now()
        investigation.closure_reason = reason
        investigation.closure_note = note.strip()
        investigation.save()
        _event(investigation, actor,
               f"Closed: {Investigation.Closure(reason).label}")
        audit_record(actor=actor, action=Action.UPDATE, obj=investigation,
                     summary=f"Investigation {investigation.reference} closed",
                     changes={"reason": reason})
    return investigation


# ---------------------------------------------------------------- protocol (item 23)

def protocol_trigger(investigation: Investigation, event: str, actor: Any) -> list[ProtocolStep]:
    """Start the protocol's steps for ``event`` (inside the caller's transaction). Each
    step is made once per agency; the lead agency is not asked to tell itself."""
    made = []
    now = timezone.now()
    agencies = {a.code: a for a in Agency.objects.all()}
    for spec in protocol().steps_on(event):
        for code in spec.agencies:
            agency = agencies.get(code)
            if agency is None or agency.current().pk == investigation.lead_agency_id:
                continue
            step, created = ProtocolStep.objects.get_or_create(
                investigation=investigation, code=spec.code, agency=agency,
                defaults={"title": spec.title, "what": spec.what,
                          "due_at": now + dt.timedelta(hours=spec.within_hours)})
            if created:
                made.append(step)
                _event(investigation, actor,
                       f"Protocol: {spec.title} ({agency.short or agency.code}) "
                       f"due {step.due_at:%d %b %H:%M}")
    return made


def contact_people(agency: Agency) -> list[User]:
    """The people who hold the agency's key contact roles in the protocol."""
    contact = protocol().contact(agency.code)
    if contact is None:
        return []
    return list(staff_of([agency], [str(r) for r in contact.roles]))


def communication_record(*, investigation: Investigation, actor: Any, agency_code: str,
                         channel: str, summary: str, direction: str = "sent",
                         step: ProtocolStep | None = None) -> Communication:
    """Log a communication; one that carries a protocol step completes it. Sent "via
    Tiaki", it notifies the agency's key contacts."""
    _check(actor, investigation)
    channels = protocol().channels()
    if channel not in channels:
        raise Refused(_("unknown channel %(channel)s: use one of %(channels)s")
                      % {"channel": repr(channel), "channels": ', '.join(channels)})
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        raise Refused(_("unknown agency %(agency_code)s") % {"agency_code": repr(agency_code)})
    if direction not in Communication.Direction.values:
        raise Refused(_("unknown direction %(direction)s") % {"direction": repr(direction)})
    if not summary.strip():
        raise Refused(_("say what was communicated"))
    if step is not None:
        if step.investigation_id != investigation.pk:
            raise Refused(_("that protocol step belongs to another investigation"))
        if step.done_at is not None:
            raise Refused(_("the step “%(title)s” is already done") % {"title": step.title})
        if step.agency_id != agency.pk:
            raise Refused(_("the step “%(title)s” is to tell %(agency)s")
                          % {"title": step.title, "agency": step.agency})
    with transaction.atomic():
        entry = Communication.objects.create(
            investigation=investigation, actor=actor, direction=direction, agency=agency,
            channel=channel, summary=summary.strip(), step=step)
        if step is not None:
            step.done_at = entry.at
            step.done_by = actor
            step.save(update_fields=["done_at", "done_by"])
            late = "" if step.was_on_time else " (late)"
            _event(investigation, actor, f"Protocol: {step.title} done{late}")
        audit_record(actor=actor, action=Action.CREATE, obj=entry,
                     summary=f"Communication with {agency.code} on {investigation.reference}",
                     changes={"channel": channel, "direction": direction,
                              "step": step.code if step else ""})
    if channel == "tiaki" and direction == Communication.Direction.SENT:
        notify(kind=Kind.INVESTIGATION, recipients=contact_people(agency),
               subject=f"Investigation {investigation.reference}: message from "
                       f"{actor.agency}",
               body=summary.strip()[:500])
    return entry


def steps_remind_late(*, now: dt.datetime | None = None) -> int:
    """Remind the team of protocol steps past their deadline, at most once a day each."""
    now = now or timezone.now()
    late = (ProtocolStep.objects.filter(done_at__isnull=True, due_at__lt=now,
                                        investigation__status=Investigation.Status.OPEN)
            .filter(models.Q(reminded_at__isnull=True)
                    | models.Q(reminded_at__lt=now - dt.timedelta(hours=23)))
            .select_related("investigation", "agency"))
    count = 0
    for step in late:
        with transaction.atomic():
            step.reminded_at = now
            step.save(update_fields=["reminded_at"])
            audit_record(actor=None, action=Action.UPDATE, obj=step,
                         summary=f"Late protocol step reminded on {step.investigation}")
            notify(kind=Kind.INVESTIGATION, recipients=team(step.investigation),
                   subject=f"Late: {step.title} ({step.agency}) on "
                           f"{step.investigation.reference}",
                   body=f"Due {step.due_at:%d %b %Y %H:%M}. {step.what}",
                   url=_url(step.investigation))
        count += 1
    return count


# ---------------------------------------------------------------- tasks

def task_assign(*, investigation: Investigation, actor: Any, owner_username: str, title: str,
                due_on: dt.date, detail: str = "") -> Task:
    """Give a team member, of any agency, a task with a deadline."""
    _check(actor, investigation)
    owner = _member_user(investigation, owner_username, _("task's owner"))
    if not title.strip():
        raise Refused(_("say what the task is"))
    if owner.agency is None:
        raise Refused(_("%(username)s belongs to no agency") % {"username": owner.username})
    if due_on < timezone.localdate():
        raise Refused(_("the deadline is in the past"))
    with transaction.atomic():
        task = Task.objects.create(investigation=investigation, title=title.strip(),
                                   detail=detail.strip(), owner=owner, agency=owner.agency,
                                   due_on=due_on, created_by=actor)
        _event(investigation, actor, f"Task for {owner.username} ({owner.agency}): {task.title}")
        audit_record(actor=actor, action=Action.CREATE, obj=task,
                     summary=f"Task on {investigation.reference}",
                     changes={"owner": owner.username, "due_on": due_on})
    notify(recipients=[owner], subject=f"Task on {investigation.reference}: {task.title}",
           kind=Kind.INVESTIGATION, body=f"Due {due_on:%d %b %Y}.", url=_url(investigation))
    return task


def task_finish(*, task: Task, actor: Any, status: str, outcome: str = "") -> Task:
    investigation = task.investigation
    _check(actor, investigation)
    if task.status != Task.Status.OPEN:
        raise Refused(_("the task is already %(status)s")
                      % {"status": task.get_status_display().lower()})
    if status not in {Task.Status.DONE, Task.Status.CANCELLED}:
        raise Refused(_("unknown task status %(status)s") % {"status": repr(status)})
    if status == Task.Status.DONE and task.owner_id != actor.pk:
        raise Refused(_("only the task's owner, %(username)s, may mark it done")
                      % {"username": task.owner.username})
    with transaction.atomic():
        task.status = status
        task.finished_at = timezone.now()
        task.outcome = outcome.strip()
        task.save(update_fields=["status", "finished_at", "outcome"])
        _event(investigation, actor, f"Task {task.get_status_display().lower()}: {task.title}")
        audit_record(actor=actor, action=Action.UPDATE, obj=task, summary="Task finished",
                     changes={"status": status})
    if task.created_by is not None and task.created_by_id != actor.pk:
        notify(kind=Kind.INVESTIGATION, recipients=[task.created_by],
               subject=f"Task {task.get_status_display().lower()}: {task.title}",
               url=_url(investigation))
    return task


# ---------------------------------------------------------------- links

LINKABLE: dict[str, type[models.Model]] = {
    Link.Kind.REPORT: Report, Link.Kind.SCREENING: Screening, Link.Kind.ALERT: Alert,
    Link.Kind.CASE: VictimCase,
}


def link_add(*, investigation: Investigation, actor: Any, kind: str, target: models.Model,
             note: str = "") -> Link:
    """Link a record the actor may see. The link opens nothing: each member still sees the
    record only if its own policy lets them."""
    _check(actor, investigation)
    model = LINKABLE.get(kind)
    if model is None or not isinstance(target, model):
        raise Refused(_("cannot link %(kind)s") % {"kind": repr(kind)})
    # Fetch through the target's own policy: an unseen record answers like a missing one.
    get_visible(actor, model, pk=target.pk)
    try:
        with transaction.atomic():
            link = Link.objects.create(investigation=investigation, kind=kind,
                                       linked_by=actor, note=note.strip()[:300],
                                       **{kind: target})
            label = getattr(target, "reference", str(target))
            _event(investigation, actor, f"{link.get_kind_display()} {label} linked")
            audit_record(actor=actor, action=Action.CREATE, obj=link,
                         summary=f"{link.get_kind_display()} linked to {investigation.reference}",
                         changes={"kind": kind, "target": target.pk})
            if kind == Link.Kind.CASE:
                protocol_trigger(investigation, "case_linked", actor)
                if getattr(target, "is_child", False):
                    protocol_trigger(investigation, "child_case_linked", actor)
            if kind == Link.Kind.ALERT:
                protocol_trigger(investigation, "alert_linked", actor)
    except IntegrityError as exc:
        raise Refused(_("that record is already linked to this investigation")) from exc
    return link


def linked_cases(investigation: Investigation) -> list[VictimCase]:
    return [link.case for link in investigation.links.filter(kind=Link.Kind.CASE)
            .select_related("case", "case__agency") if link.case is not None]


def _linked_case(investigation: Investigation, case: VictimCase) -> None:
    if not investigation.links.filter(kind=Link.Kind.CASE, case=case).exists():
        raise Refused(_("case %(reference)s is not linked to this investigation")
                      % {"reference": case.reference})


# ---------------------------------------------------------------- interviews (item 24)

def interview_plan(*, investigation: Investigation, actor: Any, case: VictimCase,
                   planned_for: dt.datetime, interpreter_language: str = "",
                   support_person: bool = False, breaks_every_minutes: int = 45,
                   arrangements: str = "") -> Interview:
    """Plan a victim-friendly interview on the victim's case (the case team's rules apply:
    interpreter when needed, breaks) and track it here."""
    _check(actor, investigation)
    _linked_case(investigation, case)
    with transaction.atomic():
        plan = case_services.interview_plan(
            case=case, actor=actor, planned_for=planned_for,
            interpreter_language=interpreter_language, support_person=support_person,
            breaks_every_minutes=breaks_every_minutes, arrangements=arrangements)
        interview = Interview.objects.create(investigation=investigation, plan=plan,
                                             interviewer=actor)
        _event(investigation, actor, f"Interview with the victim of {case.reference} planned "
                                     f"for {planned_for:%d %b %Y}")
        audit_record(actor=actor, action=Action.CREATE, obj=interview,
                     summary=f"Interview planned on {investigation.reference}")
    return interview


def interview_held(*, interview: Interview, actor: Any, held_at: dt.datetime,
                   interpreter_present: bool, support_person_present: bool,
                   breaks_taken: bool, video_recorded: bool, statement: str,
                   note: str = "") -> Interview:
    investigation = interview.investigation
    _check(actor, investigation)
    if interview.held_at is not None:
        raise Refused(_("this interview is already recorded as held"))
    if statement not in Interview.Statement.values:
        raise Refused(_("unknown statement outcome %(statement)s") % {"statement": repr(statement)})
    if held_at > timezone.now():
        raise Refused(_("the interview cannot be recorded as held in the future"))
    case = interview.plan.case
    with transaction.atomic():
        interview.held_at = held_at
        interview.interpreter_present = interpreter_present
        interview.support_person_present = support_person_present
        interview.breaks_taken = breaks_taken
        interview.video_recorded = video_recorded
        interview.statement = statement
        interview.note = note.strip()
        interview.save()
        if statement in {"taken", "signed", "declined"} and policy_for(VictimCase).allows(
                actor, CASE_EDIT, case):
            case_services.witness_statement_set(case=case, actor=actor, status=statement)
        friendly = "victim-friendly" if interview.victim_friendly else "NOT fully victim-friendly"
        _event(investigation, actor, f"Interview held ({friendly}): "
                                     f"{interview.get_statement_display()}")
        audit_record(actor=actor, action=Action.UPDATE, obj=interview, summary="Interview held",
                     changes={"statement": statement, "victim_friendly": interview.victim_friendly})
    return interview


# ---------------------------------------------------------------- suspects and charges

def suspect_add(*, investigation: Investigation, actor: Any, kind: str, name: str,
                sex: str = "unknown", age: int | None = None, nationality: str = "",
                registration_number: str = "", role: str = "") -> Suspect:
    _check(actor, investigation)
    if kind not in Suspect.Kind.values:
        raise Refused(_("unknown kind of suspect %(kind)s") % {"kind": repr(kind)})
    if not name.strip():
        raise Refused(_("give the suspect's name"))
    if kind == Suspect.Kind.ORGANISATION:
        sex, age = Suspect.Sex.UNKNOWN, None
    if sex not in Suspect.Sex.values:
        raise Refused(_("unknown sex %(sex)s") % {"sex": repr(sex)})
    if age is not None and not 10 <= age <= 120:
        raise Refused(_("the age must be between 10 and 120"))
    with transaction.atomic():
        suspect = Suspect.objects.create(
            investigation=investigation, kind=kind, name=name.strip(), sex=sex, age=age,
            nationality=nationality.strip(), registration_number=registration_number.strip(),
            role=role.strip(), added_by=actor)
        _event(investigation, actor, f"Suspect added: {suspect.name} "
                                     f"({suspect.get_kind_display().lower()})")
        audit_record(actor=actor, action=Action.CREATE, obj=suspect,
                     summary=f"Suspect on {investigation.reference}",
                     changes={"kind": kind})
    return suspect


def charge_lay(*, suspect: Suspect, actor: Any, offence_code: str, laid_on: dt.date,
               aggravating_factors: Iterable[str] = (), particulars: str = "",
               victims: Iterable[VictimCase] = ()) -> Charge:
    """Charge a suspect with an offence from the offences data. Needs a senior officer on
    the investigation (seed 002)."""
    investigation = suspect.investigation
    _check(actor, investigation, CHARGE)
    catalogue = offences.offences()
    offence = catalogue.get(offence_code)
    if offence is None:
        raise Refused(_("unknown offence %(offence_code)s: choose one from the offences list")
                      % {"offence_code": repr(offence_code)})
    _not_future(laid_on, _("charge"))
    factors = sorted(set(aggravating_factors))
    allowed = {f.code for f in offence.factors}
    wrong = [f for f in factors if f not in allowed]
    if wrong:
        raise Refused(_("%(wrong)s is not an aggravating factor of %(section)s")
                      % {"wrong": ', '.join(wrong), "section": offence.section})
    victim_cases = list(victims)
    for case in victim_cases:
        _linked_case(investigation, case)
    first = not Charge.objects.filter(suspect__investigation=investigation).exists()
    with transaction.atomic():
        charge = Charge.objects.create(
            suspect=suspect, offence_code=offence.code, offence_title=offence.title,
            offence_section=offence.section, offences_version=catalogue.version,
            aggravating_factors=factors, particulars=particulars.strip(), laid_on=laid_on,
            laid_by=actor)
        charge.victims.set(victim_cases)
        _event(investigation, actor, f"{suspect.name} charged: {charge}")
        audit_record(actor=actor, action=Action.CREATE, obj=charge,
                     summary=f"Charge laid on {investigation.reference}",
                     changes={"offence": offence.code, "aggravating_factors": factors})
        if first:
            protocol_trigger(investigation, "charge_laid", actor)
    return charge


def charge_consent(*, charge: Charge, actor: Any, on: dt.date) -> Charge:
    """Record the Attorney-General's consent to the prosecution (Crimes Act s98F)."""
    investigation = charge.suspect.investigation
    _check(actor, investigation, CHARGE)
    _not_future(on, _("consent"))
    with transaction.atomic():
        charge.consent_on = on
        charge.save(update_fields=["consent_on"])
        _event(investigation, actor, f"Attorney-General's consent recorded for {charge}")
        audit_record(actor=actor, action=Action.UPDATE, obj=charge,
                     summary="Attorney-General's consent (s98F)", changes={"on": on})
    return charge


def charge_decide(*, charge: Charge, actor: Any, status: str, on: dt.date,
                  note: str = "") -> Charge:
    """Conviction, acquittal, withdrawal or dismissal of a charge."""
    investigation = charge.suspect.investigation
    _check(actor, investigation)
    if not charge.is_pending:
        raise Refused(_("the charge is already %(status)s")
                      % {"status": charge.get_status_display().lower()})
    if status not in {Charge.Status.CONVICTED, Charge.Status.ACQUITTED,
                      Charge.Status.WITHDRAWN, Charge.Status.DISMISSED}:
        raise Refused(_("unknown outcome %(status)s") % {"status": repr(status)})
    if on < charge.laid_on:
        raise Refused(_("the outcome date is before the charge was laid"))
    _not_future(on, _("outcome"))
    offence = offences.offences().get(charge.offence_code)
    if (status == Charge.Status.CONVICTED and offence is not None and offence.needs_consent
            and charge.consent_on is None):
        raise Refused(_("a prosecution under %(offence_section)s needs the Attorney-General's "
                        "consent (Crimes Act s98F): record it first")
                      % {"offence_section": charge.offence_section})
    with transaction.atomic():
        charge.status = status
        charge.decided_on = on
        charge.decision_note = note.strip()
        charge.save(update_fields=["status", "decided_on", "decision_note"])
        _event(investigation, actor, f"{charge.suspect.name}: {charge} "
                                     f"{charge.get_status_display().lower()}")
        audit_record(actor=actor, action=Action.UPDATE, obj=charge,
                     summary=f"Charge {charge.get_status_display().lower()}",
                     changes={"status": status, "on": on})
    return charge


def sentence_record(*, charge: Charge, actor: Any, kind: str, imposed_on: dt.date,
                    months: int | None = None, fine_nzd: Decimal | None = None,
                    detail: str = "",
                    reparations: Iterable[tuple[VictimCase, Decimal]] = ()) -> Sentence:
    """The sentence on a conviction, with any reparation ordered to victims (Sentencing Act
    2002 s32), which is shown on each victim's case (item 28)."""
    investigation = charge.suspect.investigation
    _check(actor, investigation)
    if charge.status != Charge.Status.CONVICTED:
        raise Refused(_("a sentence can be recorded only on a conviction"))
    if Sentence.objects.filter(charge=charge).exists():
        raise Refused(_("this conviction already has a sentence"))
    if kind not in Sentence.Kind.values:
        raise Refused(_("unknown kind of sentence %(kind)s") % {"kind": repr(kind)})
    if kind in {"imprisonment", "home_detention", "community_detention"} and not months:
        raise Refused(_("give the length of the sentence in months"))
    if charge.decided_on and imposed_on < charge.decided_on:
        raise Refused(_("the sentence date is before the conviction"))
    _not_future(imposed_on, _("sentence"))
    orders = list(reparations)
    for case, amount in orders:
        _linked_case(investigation, case)
        if amount <= 0:
            raise Refused(_("a reparation order must be for more than $0"))
    with transaction.atomic():
        sentence = Sentence.objects.create(charge=charge, kind=kind, months=months,
                                           fine_nzd=fine_nzd, detail=detail.strip(),
                                           imposed_on=imposed_on, recorded_by=actor)
        length = f" ({months} months)" if months else ""
        _event(investigation, actor, f"{charge.suspect.name} sentenced: "
                                     f"{sentence.get_kind_display()}{length}")
        audit_record(actor=actor, action=Action.CREATE, obj=sentence,
                     summary=f"Sentence on {investigation.reference}",
                     changes={"kind": kind, "months": months})
        made = [ReparationOrder.objects.create(sentence=sentence, case=case, amount_nzd=amount,
                                               ordered_on=imposed_on, recorded_by=actor)
                for case, amount in orders]
        for order in made:
            audit_record(actor=actor, action=Action.CREATE, obj=order,
                         summary=f"Reparation ordered for {order.case.reference}",
                         changes={"amount_nzd": order.amount_nzd})
    for order in made:
        notify(kind=Kind.INVESTIGATION, recipients=case_team(order.case),
               subject=f"Reparation of ${order.amount_nzd} ordered for case "
                       f"{order.case.reference}",
               url=reverse("cases:detail", kwargs={"reference": order.case.reference}))
    return sentence


def appeal_lodge(*, charge: Charge, actor: Any, against: str, court: str, lodged_on: dt.date,
                 by_crown: bool = False) -> Appeal:
    investigation = charge.suspect.investigation
    _check(actor, investigation)
    if against not in Appeal.Against.values:
        raise Refused(_("unknown kind of appeal %(against)s") % {"against": repr(against)})
    needed = {"conviction": Charge.Status.CONVICTED, "sentence": Charge.Status.CONVICTED,
              "acquittal": Charge.Status.ACQUITTED}[against]
    if charge.status != needed:
        raise Refused(_("an appeal against %(against)s needs a charge that ended in %(label)s")
                      % {"against": against, "label": needed.label.lower()})
    if not court.strip():
        raise Refused(_("name the appeal court"))
    _not_future(lodged_on, _("appeal"))
    with transaction.atomic():
        appeal = Appeal.objects.create(charge=charge, against=against, by_crown=by_crown,
                                       court=court.strip(), lodged_on=lodged_on,
                                       recorded_by=actor)
        _event(investigation, actor, f"Appeal against {against} lodged ({court.strip()})")
        audit_record(actor=actor, action=Action.CREATE, obj=appeal, summary="Appeal lodged",
                     changes={"against": against})
    return appeal


def appeal_decide(*, appeal: Appeal, actor: Any, outcome: str, decided_on: dt.date,
                  note: str = "") -> Appeal:
    investigation = appeal.charge.suspect.investigation
    _check(actor, investigation)
    if appeal.outcome != Appeal.Outcome.PENDING:
        raise Refused(_("this appeal is already decided"))
    if outcome not in {"dismissed", "allowed", "withdrawn"}:
        raise Refused(_("unknown outcome %(outcome)s") % {"outcome": repr(outcome)})
    if decided_on < appeal.lodged_on:
        raise Refused(_("the decision date is before the appeal was lodged"))
    with transaction.atomic():
        appeal.outcome = outcome
        appeal.decided_on = decided_on
        appeal.note = note.strip()
        appeal.save(update_fields=["outcome", "decided_on", "note"])
        _event(investigation, actor, f"Appeal {outcome}")
        audit_record(actor=actor, action=Action.UPDATE, obj=appeal, summary="Appeal decided",
                     changes={"outcome": outcome})
    return appeal


# ---------------------------------------------------------------- hearings (items 25-26)

def _victims_of(defendant: Suspect) -> list[VictimCase]:
    named = {c.pk: c for charge in defendant.charges.prefetch_related("victims")
             for c in charge.victims.all()}
    return list(named.values()) or linked_cases(defendant.investigation)


def hearing_add(*, defendant: Suspect, actor: Any, kind: str, on: dt.date, court: str,
                adviser_username: str = "") -> Hearing:
    """A hearing for one defendant. It becomes a court date on each victim's case the actor
    may update (through the cases app, with the MoJ adviser); for a case the actor may not
    update, its team is told instead, so the case keeps its own access rules."""
    investigation = defendant.investigation
    _check(actor, investigation)
    if kind not in Hearing.Kind.values:
        raise Refused(_("unknown kind of hearing %(kind)s") % {"kind": repr(kind)})
    if not court.strip():
        raise Refused(_("name the court"))
    with transaction.atomic():
        hearing = Hearing.objects.create(investigation=investigation, defendant=defendant,
                                         kind=kind, on=on, court=court.strip(),
                                         recorded_by=actor)
        label = f"{hearing.get_kind_display()} (R v {defendant.name})"
        told: list[VictimCase] = []
        for case in _victims_of(defendant):
            if policy_for(VictimCase).allows(actor, CASE_EDIT, case):
                court_date = case_services.court_date_add(
                    case=case, actor=actor, on=on, court=court.strip(), hearing=label,
                    adviser_username=adviser_username)
                hearing.court_dates.add(court_date)
            else:
                told.append(case)
        _event(investigation, actor, f"{label} at {court.strip()} on {on:%d %b %Y}")
        audit_record(actor=actor, action=Action.CREATE, obj=hearing,
                     summary=f"Hearing on {investigation.reference}",
                     changes={"kind": kind, "on": on,
                              "court_dates": list(hearing.court_dates.values_list("pk",
                                                                                   flat=True))})
    for case in told:
        notify(kind=Kind.INVESTIGATION, recipients=case_team(case),
               subject=f"Court date {on:%d %b %Y} for the victim of case {case.reference}",
               body=f"{label} at {court.strip()}. Add it to the case's court dates.",
               url=reverse("cases:detail", kwargs={"reference": case.reference}))
    return hearing


def hearing_outcome(*, hearing: Hearing, actor: Any, outcome: str) -> Hearing:
    _check(actor, hearing.investigation)
    if not outcome.strip():
        raise Refused(_("record the outcome"))
    with transaction.atomic():
        hearing.outcome = outcome.strip()
        hearing.save(update_fields=["outcome"])
        for court_date in hearing.court_dates.select_related("case"):
            if not court_date.outcome and policy_for(VictimCase).allows(actor, CASE_EDIT,
                                                                        court_date.case):
                case_services.court_outcome(court_date=court_date, actor=actor,
                                            outcome=outcome)
        _event(hearing.investigation, actor, f"Outcome of {hearing}: {hearing.outcome}")
        audit_record(actor=actor, action=Action.UPDATE, obj=hearing, summary="Hearing outcome")
    return hearing


# ---------------------------------------------------------------- evidence

def exhibit_add(*, investigation: Investigation, actor: Any, reference: str,
                description: str, seized_at: dt.datetime, location: str,
                seized_from: str = "") -> Exhibit:
    """An exhibit, first held by the officer who records it: the chain starts with them."""
    _check(actor, investigation)
    if not reference.strip() or not description.strip() or not location.strip():
        raise Refused(_("give the exhibit's reference, description and where it is kept"))
    if seized_at > timezone.now():
        raise Refused(_("the seizure time is in the future"))
    if investigation.exhibits.filter(reference=reference.strip()).exists():
        raise Refused(_("exhibit %(reference)s is already recorded")
                      % {"reference": reference.strip()})
    with transaction.atomic():
        exhibit = Exhibit.objects.create(
            investigation=investigation, reference=reference.strip(),
            description=description.strip(), seized_at=seized_at,
            seized_from=seized_from.strip(), holder=actor, location=location.strip())
        CustodyEntry.objects.create(exhibit=exhibit, at=seized_at, holder=actor,
                                    location=exhibit.location, purpose="Seized",
                                    recorded_by=actor)
        _event(investigation, actor, f"Exhibit {exhibit.reference} recorded")
        audit_record(actor=actor, action=Action.CREATE, obj=exhibit,
                     summary=f"Exhibit {exhibit.reference} on {investigation.reference}")
    return exhibit


def custody_transfer(*, exhibit: Exhibit, actor: Any, to_username: str, location: str,
                     purpose: str, at: dt.datetime | None = None) -> CustodyEntry:
    """Hand an exhibit on. Only its current holder (or the senior officer) may, and the
    chain only grows: who held it, from when, where and why."""
    investigation = exhibit.investigation
    _check(actor, investigation)
    if exhibit.status != Exhibit.Status.HELD:
        raise Refused(_("exhibit %(reference)s is %(status)s")
                      % {"reference": exhibit.reference,
                         "status": exhibit.get_status_display().lower()})
    if actor.pk not in {exhibit.holder_id, investigation.senior_officer_id}:
        raise Refused(_("only the exhibit's holder, %(username)s, may hand it on")
                      % {"username": exhibit.holder.username})
    to = User.objects.filter(username=to_username.strip(), is_active=True).first()
    if to is None:
        raise Refused(_("no active user called %(to_username)s")
                      % {"to_username": repr(to_username.strip())})
    if not purpose.strip() or not location.strip():
        raise Refused(_("say why the exhibit is handed on and where it will be"))
    when = at or timezone.now()
    last = exhibit.custody.order_by("-at", "-pk").first()
    if last is not None and when < last.at:
        raise Refused(_("the hand-over is before the last entry in the chain of custody"))
    with transaction.atomic():
        entry = CustodyEntry.objects.create(exhibit=exhibit, at=when, holder=to,
                                            from_holder=exhibit.holder,
                                            location=location.strip(),
                                            purpose=purpose.strip(), recorded_by=actor)
        exhibit.holder = to
        exhibit.location = location.strip()
        exhibit.save(update_fields=["holder", "location"])
        _event(investigation, actor, f"Exhibit {exhibit.reference} handed to {to.username}: "
                                     f"{purpose.strip()}")
        audit_record(actor=actor, action=Action.CREATE, obj=entry,
                     summary=f"Custody of {exhibit.reference} to {to.username}",
                     changes={"to": to.username, "location": location.strip()})
    return entry


def disclosure_record(*, defendant: Suspect, actor: Any, item: str, stage: str,
                      decision: str, on: dt.date, ground: str = "", reason: str = "",
                      exhibit: Exhibit | None = None) -> Disclosure:
    """One item's disclosure decision for one defendant (Criminal Disclosure Act 2008)."""
    investigation = defendant.investigation
    _check(actor, investigation)
    if not Charge.objects.filter(suspect=defendant).exists():
        raise Refused(_("%(name)s has not been charged: disclosure is owed to a defendant")
                      % {"name": defendant.name})
    if stage not in Disclosure.Stage.values or decision not in Disclosure.Decision.values:
        raise Refused(_("choose the stage and the decision"))
    if not item.strip():
        raise Refused(_("describe the item"))
    if decision == Disclosure.Decision.WITHHELD:
        # Criminal Disclosure Act 2008 ss 16-18, as data (data/legal/nz/).
        if ground not in withholding_grounds().codes():
            raise Refused(_("an item may be withheld only on a ground the Criminal Disclosure Act "
                            "2008 allows: choose it"))
        if not reason.strip():
            raise Refused(_("give the reason for withholding, which the defendant is told"))
    else:
        ground = ""
    if exhibit is not None and exhibit.investigation_id != investigation.pk:
        raise Refused(_("that exhibit belongs to another investigation"))
    _not_future(on, _("disclosure"))
    with transaction.atomic():
        entry = Disclosure.objects.create(
            investigation=investigation, defendant=defendant, item=item.strip(),
            exhibit=exhibit, stage=stage, decision=decision, ground=ground,
            reason=reason.strip(), on=on, decided_by=actor)
        _event(investigation, actor, f"Disclosure to {defendant.name}: {entry}")
        audit_record(actor=actor, action=Action.CREATE, obj=entry,
                     summary=f"Disclosure decision on {investigation.reference}",
                     changes={"stage": stage, "decision": decision, "ground": ground})
    return entry
