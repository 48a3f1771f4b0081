"""Pages for victim cases, certification and referrals: validate, make one call, render."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tiaki.audit.reads import audit_read
from tiaki.cases import catalogue, selectors, services
from tiaki.cases.forms import (
    CaseForm,
    CertificationRequestForm,
    CloseForm,
    CompensationForm,
    ConsentForm,
    CourtForm,
    HumanitarianForm,
    IdentityForm,
    ImmigrationDecisionForm,
    ImmigrationForm,
    InterviewForm,
    MemberForm,
    NoteForm,
    OutcomeForm,
    PeriodForm,
    ReasonForm,
    ReferralForm,
    RepatriationForm,
    RevokeForm,
    RiskForm,
    StepForm,
    WithdrawForm,
    WitnessForm,
)
from tiaki.cases.lists import CASES
from tiaki.cases.models import (
    Certification,
    ChildInvolvement,
    CourtDate,
    ImmigrationApplication,
    Referral,
    Repatriation,
    VictimCase,
)
from tiaki.cases.policies import (
    ENDORSE,
    REQUEST_CERT,
    RESPOND,
    REVOKE,
    WITHDRAW,
    may_see_measures,
    on_case_team,
)
from tiaki.core.exports import Table, export_response, table_response
from tiaki.core.history_lists import HISTORY
from tiaki.core.policy import Refused, get_visible, policy_for
from tiaki.core.refusals import refusal_kept

FORMS: dict[str, type[forms.Form]] = {
    "consent": ConsentForm, "refer": ReferralForm, "member": MemberForm, "risk": RiskForm,
    "humanitarian": HumanitarianForm, "repatriation": RepatriationForm,
    "immigration": ImmigrationForm, "interview": InterviewForm, "witness": WitnessForm,
    "court": CourtForm, "compensation": CompensationForm, "close": CloseForm,
}


def _case(request: HttpRequest, reference: str) -> VictimCase:
    return get_visible(request.user, VictimCase.objects.select_related("agency"),
                       reference=reference)


def _case_context(request: HttpRequest, case: VictimCase, **extra: Any) -> dict[str, Any]:
    # Every rendering of the case page (a GET, or a form shown again after a refusal) is a
    # read of the victim's record.
    audit_read(actor=request.user, objects=case, purpose="case record")
    purposes = catalogue.catalogue().purposes()
    current = services.consents_current(case)
    consents = [{"code": code, "name": name, "current": current.get(code)}
                for code, name in purposes.items()]
    # Newest first: the panel's first is the latest certification (one query for both).
    certifications = list(services.certifications_newest_first(case))
    child = ChildInvolvement.objects.filter(case=case).first()
    context: dict[str, Any] = {
        "case": case,
        "labels": {
            "exploitation": [catalogue.label_of("exploitation_types", c)
                             for c in case.exploitation_types],
            "control": [catalogue.label_of("methods_of_control", c)
                        for c in case.methods_of_control],
            "recruitment": [catalogue.label_of("methods_of_recruitment", c)
                            for c in case.recruitment_methods],
            "relationship": catalogue.label_of("relationships_to_trafficker",
                                               case.relationship_to_trafficker)
            if case.relationship_to_trafficker else "",
        },
        "certification": certifications[0] if certifications else None,
        "certifications": certifications,
        "may_request": policy_for(VictimCase).allows(request.user, REQUEST_CERT, case),
        "consents": consents,
        "referrals": case.referrals.select_related("agency").all(),
        "members": case.members.select_related("user__agency").order_by("added_at", "pk"),
        "services": catalogue.catalogue().services,
        "child": child,
        "risks": case.risks.all()[:5],
        "humanitarian": case.humanitarian.first(),
        "repatriations": case.repatriations.select_related("mfat_task").all(),
        "applications": case.applications.all(),
        "interviews": case.interviews.all(),
        "court_dates": case.court_dates.select_related("adviser").all(),
        "witness_label": _(services.WITNESS_STATUSES[case.witness_statement])
        if case.witness_statement in services.WITNESS_STATUSES else "",
        "closure_label": _(services.CLOSURE_REASONS[case.closure_reason])
        if case.closure_reason in services.CLOSURE_REASONS else "",
        "history": HISTORY.run(request, case.history.select_related("actor")),
        "sources": selectors.case_sources(request.user, case),
        "reveal_form": ReasonForm(),
        "error": "",
    }
    for name, form_class in FORMS.items():
        context[f"{name}_form"] = form_class(prefix=name)
    context.update(extra)
    return context


@require_GET
def list_view(request: HttpRequest) -> HttpResponse:
    listed = CASES.run(request, selectors.cases_for(request.user))
    if (exported := export_response(request, listed)) is not None:
        return exported
    audit_read(actor=request.user, objects=listed.rows, purpose="case list", model=VictimCase)
    return render(request, "cases/list.html", {"listed": listed})


@require_http_methods(["GET", "POST"])
def new_view(request: HttpRequest) -> HttpResponse:
    # Intake links here with ?report=R-000123 or ?screening=S-000045 to open a case from it.
    form = CaseForm(request.POST or None, initial={
        "source_report": request.GET.get("report", "")[:40],
        "source_screening": request.GET.get("screening", "")[:40]})
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_kept() as refused:
            case = services.case_open(
                actor=request.user, identity=form.identity(), age=data["age"],
                apparent_child=data["apparent_child"], gender=data["gender"],
                nationality=data["nationality"], languages=data["languages"],
                interpreter_needed=data["interpreter_needed"],
                exploitation_types=data["exploitation_types"],
                methods_of_control=data["methods_of_control"],
                recruitment_methods=data["recruitment_methods"],
                relationship_to_trafficker=data["relationship_to_trafficker"],
                source_report=data["source_report"], source_screening=data["source_screening"],
                referring_agency=data["referring_agency"], events=form.events(),
            )
            messages.success(request, _("Case %(reference)s opened.") % {
                "reference": case.reference})
            return redirect("cases:detail", reference=case.reference)
        error = refused.reason or error
    status = 400 if error or form.errors else 200
    return render(request, "cases/new.html", {"form": form, "error": error}, status=status)


@require_GET
def detail_view(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    context = _case_context(request, case)
    if (exported := export_response(request, context["history"])) is not None:
        return exported
    return render(request, "cases/detail.html", context)


@require_http_methods(["GET", "POST"])
def reveal_view(request: HttpRequest, reference: str) -> HttpResponse:
    """Identifying details: asked for with a reason, shown once, audited every time."""
    case = _case(request, reference)
    form = ReasonForm(request.POST or None)
    details = None
    error = ""
    if request.method == "POST" and form.is_valid():
        with refusal_kept() as refused:
            details = services.identity_reveal(case=case, actor=request.user,
                                               reason=form.cleaned_data["reason"])
        error = refused.reason or error
    response = render(request, "cases/reveal.html", {
        "case": case, "form": form, "details": details, "error": error,
    }, status=400 if error or form.errors else 200)
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def identity_edit_view(request: HttpRequest, reference: str) -> HttpResponse:
    """Correct identifying details: shown first (a recorded read, with a reason), then saved."""
    case = _case(request, reference)
    error = ""
    reason_form = ReasonForm(request.POST if "reason" in request.POST else None)
    form = None
    if request.method == "POST" and "save" in request.POST:
        form = IdentityForm(request.POST)
        if form.is_valid():
            with refusal_kept() as refused:
                services.identity_update(case=case, actor=request.user,
                                         identity=form.identity())
                messages.success(request, _("Identifying details updated."))
                return redirect("cases:detail", reference=case.reference)
            error = refused.reason or error
    elif request.method == "POST" and reason_form.is_valid():
        with refusal_kept() as refused:
            details = services.identity_reveal(case=case, actor=request.user,
                                               reason=reason_form.cleaned_data["reason"])
            form = IdentityForm(initial=IdentityForm.initial_from(details))
        error = refused.reason or error
    response = render(request, "cases/identity_edit.html", {
        "case": case, "form": form, "reason_form": reason_form, "error": error,
    }, status=400 if error or (form is not None and form.errors) else 200)
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def export_view(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    form = ReasonForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        with refusal_kept() as refused:
            data = services.case_export_htcds(case=case, actor=request.user,
                                              reason=form.cleaned_data["reason"])
            response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False),
                                    content_type="application/json")
            response["Content-Disposition"] = f'attachment; filename="{case.reference}.json"'
            response["Cache-Control"] = "no-store"
            return response
        error = refused.reason or error
    return render(request, "cases/export.html", {"case": case, "form": form, "error": error},
                  status=400 if error or form.errors else 200)


@require_http_methods(["GET", "POST"])
def certify_view(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    form = CertificationRequestForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        with refusal_kept() as refused:
            cert = services.certification_request(
                case=case, actor=request.user, assessment=form.assessment(),
                witness_statements=form.cleaned_data["witness_statements"])
            messages.success(request, _("Certification %(reference)s requested.") % {
                "reference": cert.reference})
            return redirect("cases:certification", reference=cert.reference)
        error = refused.reason or error
    return render(request, "cases/certify.html", {"case": case, "form": form, "error": error},
                  status=400 if error or form.errors else 200)


def _run(request: HttpRequest, case: VictimCase, name: str,
         action: Callable[[dict[str, Any]], str]) -> HttpResponse:
    """Validate one of the case page's forms, run its service, come back to the case."""
    form = FORMS[name](request.POST, prefix=name)
    if form.is_valid():
        with refusal_kept() as refused:
            message = action(form.cleaned_data) if name != "refer" else action(
                {**form.cleaned_data, "_target": form.service_and_agency()})  # type: ignore[attr-defined]
            messages.success(request, message)
            return redirect("cases:detail", reference=case.reference)
        context = _case_context(request, case, error=refused.reason, **{f"{name}_form": form})
        return render(request, "cases/detail.html", context, status=400)
    context = _case_context(request, case, error=_("Check the form: some answers are missing."),
                            **{f"{name}_form": form})
    return render(request, "cases/detail.html", context, status=400)


@require_POST
def case_action_view(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    case = _case(request, reference)
    user = request.user

    def consent(d: dict[str, Any]) -> str:
        services.consent_record(case=case, actor=user, purpose=d["purpose"],
                                granted=d["granted"], how_obtained=d["how_obtained"])
        return _("Consent recorded.")

    def refer(d: dict[str, Any]) -> str:
        service, agency = d["_target"]
        referral = services.referral_create(case=case, actor=user, service=service,
                                            agency_code=agency, appointment=d["appointment"],
                                            due_date=d["due_date"])
        return _("Referred to %(agency)s.") % {"agency": referral.agency}

    def member(d: dict[str, Any]) -> str:
        added = services.member_add(case=case, actor=user, username=d["username"])
        return _("%(username)s added to the case team.") % {"username": added.user.username}

    def risk(d: dict[str, Any]) -> str:
        services.risk_assess(case=case, actor=user, **d)
        return _("Risk assessment recorded.")

    def humanitarian(d: dict[str, Any]) -> str:
        services.humanitarian_assess(case=case, actor=user, **d)
        return _("Humanitarian assessment recorded.")

    def repatriation(d: dict[str, Any]) -> str:
        services.repatriation_plan(case=case, actor=user, **d)
        return _("Repatriation planned; MFAT has been tasked to notify the country of origin.")

    def immigration(d: dict[str, Any]) -> str:
        services.immigration_lodge(case=case, actor=user, **d)
        return _("Immigration application recorded.")

    def interview(d: dict[str, Any]) -> str:
        services.interview_plan(case=case, actor=user, **d)
        return _("Interview planned.")

    def witness(d: dict[str, Any]) -> str:
        services.witness_statement_set(case=case, actor=user, status=d["status"])
        return _("Witness statement status recorded.")

    def court(d: dict[str, Any]) -> str:
        services.court_date_add(case=case, actor=user, **d)
        return _("Court date recorded.")

    def compensation(d: dict[str, Any]) -> str:
        services.compensation_informed(case=case, actor=user, on=d["on"])
        return _("Recorded that the victim was informed about compensation.")

    def close(d: dict[str, Any]) -> str:
        services.case_close(case=case, actor=user, **d)
        return _("Case %(reference)s closed.") % {"reference": case.reference}

    actions: dict[str, Callable[[dict[str, Any]], str]] = {
        "consent": consent, "refer": refer, "member": member, "risk": risk,
        "humanitarian": humanitarian, "repatriation": repatriation,
        "immigration": immigration, "interview": interview, "witness": witness,
        "court": court, "compensation": compensation, "close": close,
    }
    if action not in actions:
        raise Http404("no such action")
    return _run(request, case, action, actions[action])


@require_POST
def repatriation_complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    trip = _related(request, Repatriation, pk)
    return _simple(request, trip.case, lambda: services.repatriation_complete(
        repatriation=trip, actor=request.user), _("Repatriation completed."))


def _related(request: HttpRequest, model: type[Any], pk: int) -> Any:
    """A row that belongs to a case the user may see (404 otherwise, like the case)."""
    row = model.objects.select_related("case").filter(pk=pk).first()
    if row is None or not on_case_team(request.user, row.case):
        raise Http404("not found")
    return row


def _simple(request: HttpRequest, case: VictimCase, call: Callable[[], Any],
            message: str) -> HttpResponse:
    with refusal_kept() as refused:
        call()
        messages.success(request, message)
        return redirect("cases:detail", reference=case.reference)
    return render(request, "cases/detail.html",
                  _case_context(request, case, error=refused.reason), status=400)


@require_POST
def immigration_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = _related(request, ImmigrationApplication, pk)
    form = ImmigrationDecisionForm(request.POST)
    if not form.is_valid():
        return render(request, "cases/detail.html", _case_context(
            request, application.case, error=_("Give the decision and its date.")), status=400)
    return _simple(request, application.case, lambda: services.immigration_decide(
        application=application, actor=request.user, **form.cleaned_data),
        _("Decision recorded."))


@require_POST
def court_outcome_view(request: HttpRequest, pk: int) -> HttpResponse:
    hearing = _related(request, CourtDate, pk)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        return render(request, "cases/detail.html", _case_context(
            request, hearing.case, error=_("Record the outcome.")), status=400)
    return _simple(request, hearing.case, lambda: services.court_outcome(
        court_date=hearing, actor=request.user, outcome=form.cleaned_data["outcome"]),
        _("Outcome recorded."))


# ---------------------------------------------------------------- certification

@require_http_methods(["GET", "POST"])
def certification_view(request: HttpRequest, reference: str) -> HttpResponse:
    cert = get_visible(request.user, Certification.objects.select_related(
        "case", "requested_by", "endorsed_by", "revoked_by"), reference=reference)
    policy = policy_for(Certification)
    error = ""
    note_form = NoteForm(request.POST or None)
    revoke_form = RevokeForm(request.POST if request.POST.get("decision") == "revoke" else None)
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        with refusal_kept() as refused:
            if decision == "endorse" and note_form.is_valid():
                services.certification_endorse(certification=cert, actor=request.user,
                                               note=note_form.cleaned_data["note"])
                messages.success(request, _("Certification %(reference)s issued.") % {
                    "reference": cert.reference})
            elif decision == "decline" and note_form.is_valid():
                services.certification_decline(certification=cert, actor=request.user,
                                               note=note_form.cleaned_data["note"])
                messages.success(request, _("Certification %(reference)s declined.") % {
                    "reference": cert.reference})
            elif decision == "revoke" and revoke_form.is_valid():
                services.certification_revoke(certification=cert, actor=request.user,
                                              reason=revoke_form.cleaned_data["reason"])
                messages.success(request, _("Certification %(reference)s revoked.") % {
                    "reference": cert.reference})
            else:
                raise Refused(_("choose endorse, decline or revoke and fill in the form"))
            return redirect("cases:certification", reference=cert.reference)
        error = refused.reason or error
    elements = [
        {"element": e, "findings": [dict((t.code, t.label) for t in e.values).get(f, f)
                                    for f in cert.assessment.get(e.code, {}).get("findings", [])],
         "evidence": cert.assessment.get(e.code, {}).get("evidence", "")}
        for e in catalogue.s98d_elements()
    ]
    audit_read(actor=request.user, objects=cert, purpose="certification")
    history = HISTORY.run(request, cert.history.select_related("actor"))
    if request.method == "GET" and (exported := export_response(request, history)) is not None:
        return exported
    return render(request, "cases/certification.html", {
        "cert": cert, "case": cert.case, "elements": elements, "error": error,
        "note_form": note_form, "revoke_form": revoke_form,
        "may_endorse": policy.allows(request.user, ENDORSE, cert),
        "may_revoke": policy.allows(request.user, REVOKE, cert),
        "history": history,
    }, status=400 if error else 200)


def _issued(request: HttpRequest, reference: str) -> Certification:
    cert = get_visible(request.user, Certification.objects.select_related("case", "endorsed_by"),
                       reference=reference)
    if cert.status not in {Certification.Status.ISSUED, Certification.Status.REVOKED}:
        raise Http404("no certificate has been issued")
    return cert


@require_GET
def certificate_view(request: HttpRequest, reference: str) -> HttpResponse:
    """The certificate as a print-friendly page (a revoked one is marked as revoked)."""
    cert = _issued(request, reference)
    audit_read(actor=request.user, objects=cert, purpose="certificate")
    return render(request, "cases/certificate.html", {"cert": cert, "case": cert.case})


@require_GET
def certificate_pdf_view(request: HttpRequest, reference: str) -> HttpResponse:
    cert = _issued(request, reference)
    response = HttpResponse(services.certificate_pdf_export(certification=cert,
                                                            actor=request.user),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{cert.reference}.pdf"'
    return response


# ---------------------------------------------------------------- referrals

@require_GET
def inbox_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    referrals = list(selectors.referral_inbox(request.user, status))
    audit_read(actor=request.user, objects=referrals, purpose="referral list", model=Referral)
    return render(request, "cases/inbox.html", {
        "referrals": referrals, "status": status,
        "status_choices": [("open", _("Open")), ("overdue", _("Overdue")),
                           ("completed", _("Completed")), ("declined", _("Declined")),
                           ("withdrawn", _("Withdrawn"))],
        "services": catalogue.catalogue().services,
    })


@require_http_methods(["GET", "POST"])
def referral_view(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_visible(request.user, Referral.objects.select_related("case", "agency"),
                           pk=pk)
    policy = policy_for(Referral)
    receiving = policy.allows(request.user, RESPOND, referral)
    team = on_case_team(request.user, referral.case)
    error = ""
    step_form = StepForm(request.POST or None)
    if request.method == "POST":
        if step_form.is_valid():
            with refusal_kept() as refused:
                services.referral_respond(referral=referral, actor=request.user,
                                          step=step_form.cleaned_data["step"],
                                          outcome=step_form.cleaned_data["outcome"])
                messages.success(request, _("Referral updated."))
                return redirect("cases:referral", pk=referral.pk)
            error = refused.reason or error
        else:
            error = _("Choose a step.")
    shared: dict[str, Any] | None = None
    if receiving:
        with refusal_kept() as refused:
            shared = services.referral_disclose(referral=referral, actor=request.user)
        error = error or refused.reason
    if shared is None:
        # The disclosure writes its own row (with the fields shared); any other view of the
        # referral is recorded here.
        audit_read(actor=request.user, objects=referral, purpose="referral")
    spec = catalogue.service(referral.service)
    labels = catalogue.catalogue().field_labels
    # The referral's history is the case team's to read, not the receiving service's.
    history = HISTORY.run(request, referral.history.select_related("actor")) if team else None
    if (request.method == "GET" and history is not None
            and (exported := export_response(request, history)) is not None):
        return exported
    response = render(request, "cases/referral.html", {
        "referral": referral, "spec": spec, "receiving": receiving, "team": team,
        "shared": [(labels.get(k, k), v) for k, v in shared.items()] if shared else None,
        "step_form": step_form, "withdraw_form": WithdrawForm(), "error": error,
        "may_withdraw": policy.allows(request.user, WITHDRAW, referral),
        "history": history,
    }, status=400 if error and request.method == "POST" else 200)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def referral_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_visible(request.user, Referral.objects.select_related("case"), pk=pk)
    form = WithdrawForm(request.POST)
    with refusal_kept() as refused:
        if not form.is_valid():
            raise Refused(_("say why the referral is withdrawn"))
        services.referral_withdraw(referral=referral, actor=request.user,
                                   reason=form.cleaned_data["reason"])
        messages.success(request, _("Referral withdrawn."))
    if refused:
        messages.error(request, refused.reason)
    return redirect("cases:referral", pk=referral.pk)


# ---------------------------------------------------------------- children, minister, measures

@require_http_methods(["GET", "POST"])
def children_view(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        involvement = get_visible(request.user, ChildInvolvement,
                                  pk=request.POST.get("involvement"))
        form = NoteForm(request.POST)
        with refusal_kept() as refused:
            if not form.is_valid():
                raise Refused(_("the note is too long"))
            services.child_acknowledge(involvement=involvement, actor=request.user,
                                       note=form.cleaned_data["note"])
            messages.success(request, _("Case %(reference)s acknowledged.") % {
                "reference": involvement.case.reference})
            return redirect("cases:children")
        error = refused.reason or error
    involvements = list(selectors.children_for(request.user))
    audit_read(actor=request.user, objects=[i.case for i in involvements],
               purpose="children page", model=VictimCase)
    return render(request, "cases/children.html", {
        "involvements": involvements, "error": error,
        "note_form": NoteForm(),
    }, status=400 if error else 200)


@require_GET
def minister_view(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/minister.html",
                  {"notices": selectors.minister_notices(request.user)})


@require_GET
def measures_view(request: HttpRequest) -> HttpResponse:
    if not may_see_measures(request.user):
        raise PermissionDenied(_("the measures are not open to your role"))
    period = selectors.period_from(request.GET.get("start"), request.GET.get("end"))
    certs = selectors.certification_counts(period)
    rows = [(item, gettext(label), count)
            for item, label, count in selectors.measures(period, certs=certs)]
    received = selectors.services_received(period)
    span = {"start": str(period.start), "last_day": str(selectors.last_day(period))}
    table = (Table(name="case-services-received", title=gettext("Services received"),
                   headers=[gettext("Service"), gettext("Cases")], rows=received, filters=span)
             if request.GET.get("table") == "received" else
             Table(name="case-measures", title=gettext("Case measures"),
                   headers=[gettext("Item"), gettext("Measure"), gettext("Count")], rows=rows,
                   filters=span))
    if (exported := table_response(request, table)) is not None:
        return exported
    return render(request, "cases/measures.html", {
        "period": period, "last_day": selectors.last_day(period),
        "rows": rows,
        "certs": certs,
        "received": received,
        "form": PeriodForm(initial={"start": period.start, "end": selectors.last_day(period)}),
    })
