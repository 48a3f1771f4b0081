"""Pages for investigations and prosecutions: validate, make one call, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tiaki.accounts.models import Agency, User
from tiaki.cases.models import VictimCase
from tiaki.core.exports import export_response
from tiaki.core.history_lists import HISTORY
from tiaki.core.policy import Refused, get_visible
from tiaki.core.refusals import form_step
from tiaki.intake.models import Report, Screening
from tiaki.investigations import forms, offences, selectors, services
from tiaki.investigations.lists import COMMUNICATIONS, INVESTIGATIONS
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
from tiaki.investigations.protocol import protocol
from tiaki.screening.models import Alert

Handler = Callable[[HttpRequest, Investigation, dict[str, Any], int | None], str]


@require_GET
def list_view(request: HttpRequest) -> HttpResponse:
    listed = INVESTIGATIONS.run(request, selectors.investigations_for(request.user, "", "all"))
    if (exported := export_response(request, listed)) is not None:
        return exported
    return render(request, "investigations/list.html", {"listed": listed})


@require_http_methods(["GET", "POST"])
def new_view(request: HttpRequest) -> HttpResponse:
    form = forms.OpenForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            investigation = services.investigation_open(
                actor=request.user, title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                exploitation_types=form.cleaned_data["exploitation_types"])
        except Refused as refusal:
            error = refusal.reason
        else:
            messages.success(request, _("Investigation %(reference)s opened.")
                                      % {"reference": investigation.reference})
            return redirect("investigations:detail", reference=investigation.reference)
    return render(request, "investigations/new.html", {"form": form, "error": error},
                  status=400 if error or form.errors else 200)


def _context(request: HttpRequest, investigation: Investigation, **extra: Any) -> dict[str, Any]:
    rules = protocol()
    suspects = list(investigation.suspects.prefetch_related(
        "charges", "charges__sentence", "charges__sentence__reparations",
        "charges__sentence__reparations__case", "charges__appeals", "charges__victims",
        "hearings", "disclosures"))
    agencies = {a.code: a for a in Agency.objects.filter(
        code__in=[c.agency for c in rules.spec.contacts])}
    contacts = [{"spec": c, "people": services.contact_people(agencies[c.agency])}
                for c in rules.spec.contacts if c.agency in agencies]
    context: dict[str, Any] = {
        "investigation": investigation,
        "members": investigation.members.select_related("user", "user__agency"),
        "steps": investigation.steps.select_related("agency", "done_by"),
        "contacts": contacts,
        "channels": rules.channels(),
        "tasks": investigation.tasks.select_related("owner", "agency"),
        "communications": COMMUNICATIONS.run(request, investigation.communications
                                             .select_related("agency", "actor", "step")),
        "links": selectors.links_for(request.user, investigation),
        "interviews": investigation.interviews.select_related("plan", "plan__case",
                                                              "interviewer"),
        "suspects": suspects,
        "exhibits": investigation.exhibits.select_related("holder").prefetch_related(
            "custody", "custody__holder"),
        "history": HISTORY.run(request, investigation.history.select_related("actor")),
        "offences_loaded": bool(offences.offences().offences),
        "error": "",
        "today": timezone.localdate(),
    }
    for name, (form_class, _handler) in ACTIONS.items():
        context[f"{name}_form"] = form_class(prefix=name)
    context.update(extra)
    return context


@require_GET
def detail_view(request: HttpRequest, reference: str) -> HttpResponse:
    investigation = services.investigation_get(actor=request.user, reference=reference)
    context = _context(request, investigation)
    for listed in (context["history"], context["communications"]):
        if (exported := export_response(request, listed)) is not None:
            return exported
    return render(request, "investigations/detail.html", context)


def _case(request: HttpRequest, reference: str) -> VictimCase:
    return get_visible(request.user, VictimCase, reference=reference.strip())


def _cases(request: HttpRequest, references: str) -> list[VictimCase]:
    return [_case(request, ref) for ref in references.split(",") if ref.strip()]


def _number(reference: str) -> int:
    digits = "".join(ch for ch in reference.rsplit("-", 1)[-1] if ch.isdigit())
    if not digits:
        raise Refused(_("%(reference)s is not a reference") % {"reference": repr(reference)})
    return int(digits)


def _link_target(request: HttpRequest, kind: str, reference: str) -> Any:
    if kind == "case":
        return _case(request, reference)
    model = {"report": Report, "screening": Screening, "alert": Alert}[kind]
    return get_visible(request.user, model, pk=_number(reference))


def _part[M: models.Model](request: HttpRequest, model: type[M], investigation: Investigation,
                           pk: int | None, path: str = "investigation") -> M:
    if pk is None:
        raise Http404("not found")
    return get_visible(request.user, model, pk=pk, **{path: investigation})


def _senior(request: HttpRequest, inv: Investigation, d: dict[str, Any], pk: int | None) -> str:
    senior = User.objects.filter(username=d["username"].strip(), is_active=True).first()
    if senior is None:
        raise Refused(_("no active user called %(username)s")
                      % {"username": repr(d['username'].strip())})
    services.senior_assign(investigation=inv, actor=request.user, senior=senior)
    return _("%(username)s is the senior officer.") % {"username": senior.username}


def _member(request: HttpRequest, inv: Investigation, d: dict[str, Any], pk: int | None) -> str:
    member = services.member_add(investigation=inv, actor=request.user, username=d["username"],
                                 role=d["role"])
    return _("%(username)s added to the team.") % {"username": member.user.username}


def _task(request: HttpRequest, inv: Investigation, d: dict[str, Any], pk: int | None) -> str:
    task = services.task_assign(investigation=inv, actor=request.user, owner_username=d["owner"],
                                title=d["title"], due_on=d["due_on"], detail=d["detail"])
    return _("Task given to %(username)s.") % {"username": task.owner.username}


def _task_finish(request: HttpRequest, inv: Investigation, d: dict[str, Any],
                 pk: int | None) -> str:
    task = _part(request, Task, inv, pk)
    services.task_finish(task=task, actor=request.user, status=d["status"], outcome=d["outcome"])
    return _("Task updated.")


def _communication(request: HttpRequest, inv: Investigation, d: dict[str, Any],
                   pk: int | None) -> str:
    step = _part(request, ProtocolStep, inv, d["step"]) if d.get("step") else None
    services.communication_record(investigation=inv, actor=request.user,
                                  agency_code=d["agency"].strip().upper(), channel=d["channel"],
                                  summary=d["summary"], direction=d["direction"], step=step)
    if step:
        return (_("Communication logged. Step “%(title)s” done.") % {"title": step.title})
    return _("Communication logged.")


def _link(request: HttpRequest, inv: Investigation, d: dict[str, Any], pk: int | None) -> str:
    target = _link_target(request, d["kind"], d["reference"])
    services.link_add(investigation=inv, actor=request.user, kind=d["kind"], target=target,
                      note=d["note"])
    return _("Record linked.")


def _interview(request: HttpRequest, inv: Investigation, d: dict[str, Any],
               pk: int | None) -> str:
    services.interview_plan(investigation=inv, actor=request.user, case=_case(request, d["case"]),
                            planned_for=d["planned_for"],
                            interpreter_language=d["interpreter_language"],
                            support_person=d["support_person"],
                            breaks_every_minutes=d["breaks_every_minutes"] or 45,
                            arrangements=d["arrangements"])
    return _("Interview planned.")


def _interview_held(request: HttpRequest, inv: Investigation, d: dict[str, Any],
                    pk: int | None) -> str:
    interview = _part(request, Interview, inv, pk)
    services.interview_held(interview=interview, actor=request.user, held_at=d["held_at"],
                            interpreter_present=d["interpreter_present"],
                            support_person_present=d["support_person_present"],
                            breaks_taken=d["breaks_taken"], video_recorded=d["video_recorded"],
                            statement=d["statement"], note=d["note"])
    return _("Interview recorded as held.")


def _suspect(request: HttpRequest, inv: Investigation, d: dict[str, Any], pk: int | None) -> str:
    suspect = services.suspect_add(investigation=inv, actor=request.user, kind=d["kind"],
                                   name=d["name"], sex=d["sex"], age=d["age"],
                                   nationality=d["nationality"],
                                   registration_number=d["registration_number"], role=d["role"])
    return _("Suspect %(name)s added.") % {"name": suspect.name}


def _charge(request: HttpRequest, inv: Investigation, d: dict[str, Any], pk: int | None) -> str:
    suspect = _part(request, Suspect, inv, d["suspect"])
    charge = services.charge_lay(suspect=suspect, actor=request.user, offence_code=d["offence"],
                                 laid_on=d["laid_on"],
                                 aggravating_factors=d["aggravating_factors"],
                                 particulars=d["particulars"],
                                 victims=_cases(request, d["victims"]))
    return _("%(name)s charged: %(charge)s.") % {"name": suspect.name, "charge": charge}


def _charge_part(request: HttpRequest, inv: Investigation, pk: int | None) -> Charge:
    return _part(request, Charge, inv, pk, "suspect__investigation")


def _consent(request: HttpRequest, inv: Investigation, d: dict[str, Any], pk: int | None) -> str:
    services.charge_consent(charge=_charge_part(request, inv, pk), actor=request.user, on=d["on"])
    return _("Attorney-General's consent recorded.")


def _decide(request: HttpRequest, inv: Investigation, d: dict[str, Any], pk: int | None) -> str:
    charge = services.charge_decide(charge=_charge_part(request, inv, pk), actor=request.user,
                                    status=d["status"], on=d["on"], note=d["note"])
    return _("Charge %(status)s.") % {"status": charge.get_status_display().lower()}


def _sentence(request: HttpRequest, inv: Investigation, d: dict[str, Any],
              pk: int | None) -> str:
    reparations = []
    if d["reparation_case"].strip():
        if not d["reparation_nzd"]:
            raise Refused(_("give the amount of reparation"))
        reparations.append((_case(request, d["reparation_case"]), d["reparation_nzd"]))
    services.sentence_record(charge=_charge_part(request, inv, pk), actor=request.user,
                             kind=d["kind"], months=d["months"], imposed_on=d["imposed_on"],
                             detail=d["detail"], reparations=reparations)
    return _("Sentence recorded.")


def _appeal(request: HttpRequest, inv: Investigation, d: dict[str, Any], pk: int | None) -> str:
    services.appeal_lodge(charge=_charge_part(request, inv, pk), actor=request.user,
                          against=d["against"], court=d["court"], lodged_on=d["lodged_on"],
                          by_crown=d["by_crown"])
    return _("Appeal recorded.")


def _appeal_decide(request: HttpRequest, inv: Investigation, d: dict[str, Any],
                   pk: int | None) -> str:
    appeal = _part(request, Appeal, inv, pk, "charge__suspect__investigation")
    services.appeal_decide(appeal=appeal, actor=request.user, outcome=d["outcome"],
                           decided_on=timezone.localdate())
    return _("Appeal decided.")


def _hearing(request: HttpRequest, inv: Investigation, d: dict[str, Any], pk: int | None) -> str:
    defendant = _part(request, Suspect, inv, d["defendant"])
    hearing = services.hearing_add(defendant=defendant, actor=request.user, kind=d["kind"],
                                   on=d["on"], court=d["court"], adviser_username=d["adviser"])
    return (_("%(kind)s on %(on)s recorded.")
            % {"kind": hearing.get_kind_display(), "on": format(hearing.on, "%d %b %Y")})


def _hearing_outcome(request: HttpRequest, inv: Investigation, d: dict[str, Any],
                     pk: int | None) -> str:
    services.hearing_outcome(hearing=_part(request, Hearing, inv, pk), actor=request.user,
                             outcome=d["outcome"])
    return _("Hearing outcome recorded.")


def _exhibit(request: HttpRequest, inv: Investigation, d: dict[str, Any], pk: int | None) -> str:
    exhibit = services.exhibit_add(investigation=inv, actor=request.user,
                                   reference=d["reference"], description=d["description"],
                                   seized_at=d["seized_at"], location=d["location"],
                                   seized_from=d["seized_from"])
    return _("Exhibit %(reference)s recorded.") % {"reference": exhibit.reference}


def _transfer(request: HttpRequest, inv: Investigation, d: dict[str, Any], pk: int | None) -> str:
    services.custody_transfer(exhibit=_part(request, Exhibit, inv, pk), actor=request.user,
                              to_username=d["to"], location=d["location"], purpose=d["purpose"])
    return _("Custody transferred.")


def _disclosure(request: HttpRequest, inv: Investigation, d: dict[str, Any],
                pk: int | None) -> str:
    defendant = _part(request, Suspect, inv, d["defendant"])
    services.disclosure_record(defendant=defendant, actor=request.user, item=d["item"],
                               stage=d["stage"], decision=d["decision"], on=d["on"],
                               ground=d["ground"], reason=d["reason"])
    return _("Disclosure recorded.")


def _close(request: HttpRequest, inv: Investigation, d: dict[str, Any], pk: int | None) -> str:
    services.investigation_close(investigation=inv, actor=request.user, reason=d["reason"],
                                 note=d["note"])
    return _("Investigation %(reference)s closed.") % {"reference": inv.reference}


class _AppealDecideForm(django_forms.Form):
    outcome = django_forms.ChoiceField(choices=[("dismissed", "Dismissed"),
                                                ("allowed", "Allowed"),
                                                ("withdrawn", "Withdrawn")])


ACTIONS: dict[str, tuple[type[django_forms.Form], Handler]] = {
    "senior": (forms.SeniorForm, _senior), "member": (forms.MemberForm, _member),
    "task": (forms.TaskForm, _task), "task_finish": (forms.TaskFinishForm, _task_finish),
    "communication": (forms.CommunicationForm, _communication),
    "link": (forms.LinkForm, _link), "interview": (forms.InterviewForm, _interview),
    "interview_held": (forms.InterviewHeldForm, _interview_held),
    "suspect": (forms.SuspectForm, _suspect), "charge": (forms.ChargeForm, _charge),
    "consent": (forms.ConsentForm, _consent), "decide": (forms.DecideForm, _decide),
    "sentence": (forms.SentenceForm, _sentence), "appeal": (forms.AppealForm, _appeal),
    "appeal_decide": (_AppealDecideForm, _appeal_decide),
    "hearing": (forms.HearingForm, _hearing),
    "hearing_outcome": (forms.OutcomeForm, _hearing_outcome),
    "exhibit": (forms.ExhibitForm, _exhibit), "transfer": (forms.TransferForm, _transfer),
    "disclosure": (forms.DisclosureForm, _disclosure), "close": (forms.CloseForm, _close),
}


@require_POST
def action_view(request: HttpRequest, reference: str, action: str,
                pk: int | None = None) -> HttpResponse:
    """Every step on an investigation: the form checks shapes, the service the rules; a
    refused step shows its reason on the page (status 400)."""
    investigation = get_visible(request.user, Investigation.objects.select_related(
        "lead_agency", "senior_officer"), reference=reference)
    step = form_step(request, ACTIONS, action, investigation, pk)
    if not step.error:
        messages.success(request, step.message)
        return redirect("investigations:detail", reference=investigation.reference)
    investigation.refresh_from_db()
    context = _context(request, investigation, error=step.error)
    context[f"{action}_form"] = step.form
    return render(request, "investigations/detail.html", context, status=400)


@require_GET
def figures_view(request: HttpRequest) -> HttpResponse:
    """TIP/UNODC law-enforcement figures for a period (default: this calendar year)."""
    if not may_see_figures(request.user):
        raise Http404("not found")
    form = forms.PeriodForm(request.GET or None)
    today = timezone.localdate()
    start, end = today.replace(month=1, day=1), today.replace(month=12, day=31)
    if form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    if end < start:
        start, end = end, start
    figures = selectors.law_enforcement_figures(start, end)
    rows = [("Total", figures.total), *figures.by_form.items()]
    return render(request, "investigations/figures.html", {
        "form": form, "figures": figures, "rows": rows, "start": start, "end": end,
        "years": [today.year - n for n in range(0, 4)],
        "period_days": (end - start + dt.timedelta(days=1)).days})
