"""Pages for privacy requests and breaches: validate, make one call, render."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tiaki.core.exports import export_response
from tiaki.core.history_lists import HISTORY
from tiaki.core.policy import get_visible
from tiaki.core.refusals import form_problems, form_step, refusal_kept
from tiaki.privacy import forms, selectors, services
from tiaki.privacy.lists import BREACHES, PRIVACY_REQUESTS
from tiaki.privacy.models import AccessRequest, AffectedPerson, Breach
from tiaki.privacy.policies import is_privacy_officer
from tiaki.privacy.rules import privacy_rules

Handler = Callable[[HttpRequest, AccessRequest, dict[str, Any]], str]


def _officer_only(request: HttpRequest) -> None:
    if not is_privacy_officer(request.user):
        raise Http404("not found")


@require_GET
def queue_view(request: HttpRequest) -> HttpResponse:
    """Requests awaiting a decision first, earliest deadline first; overdue ones flagged."""
    _officer_only(request)
    show = request.GET.get("show", "open")
    today = timezone.localdate()
    listed = PRIVACY_REQUESTS.run(request, selectors.request_rows(request.user, show,
                                                                  today=today),
                                  narrowed={"show": show})
    if (exported := export_response(request, listed)) is not None:
        return exported
    selectors.requests_listed(request.user, listed.rows)
    return render(request, "privacy/queue.html", {
        "listed": listed, "rows": listed.rows, "show": show, "today": today,
        "overdue": selectors.overdue_count(request.user, today=today)})


@require_http_methods(["GET", "POST"])
def request_new_view(request: HttpRequest) -> HttpResponse:
    _officer_only(request)
    form = forms.RequestForm(request.POST or None,
                             initial={"received_on": timezone.localdate()})
    error = ""
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with refusal_kept() as refused:
            made = services.request_record(
                actor=request.user, case_reference=d["case"], kind=d["kind"],
                requester=d["requester"], identity_checked=d["identity_checked"],
                summary=d["summary"], received_on=d["received_on"])
            messages.success(request, _("Request %(reference)s recorded.")
                             % {"reference": made.reference})
            return redirect("privacy:request", reference=made.reference)
        error = refused.reason
    return render(request, "privacy/request_new.html", {"form": form, "error": error},
                  status=400 if error or form.errors else 200)


def _context(request: HttpRequest, item: AccessRequest, **extra: Any) -> dict[str, Any]:
    rules = privacy_rules()
    today = timezone.localdate()
    context: dict[str, Any] = {
        "item": item, "rules": rules, "today": today, "error": "",
        "overdue": item.overdue_on(today),
        "grounds": [rules.ground_label(g) for g in item.grounds],
        "extension_reason": rules.extension_label(item.extension_reason)
        if item.extension_reason else "",
        "history": HISTORY.run(request, item.history.select_related("actor")),
        "export_form": forms.ExportForm(prefix="export"),
    }
    for name, (form_class, _handler) in ACTIONS.items():
        context[f"{name}_form"] = form_class(prefix=name, initial={"on": today,
                                                                   "notice_on": today})
    context.update(extra)
    return context


@require_GET
def request_view(request: HttpRequest, reference: str) -> HttpResponse:
    item = services.request_get(actor=request.user, reference=reference)
    context = _context(request, item)
    if (exported := export_response(request, context["history"])) is not None:
        return exported
    response = render(request, "privacy/request.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _acknowledge(request: HttpRequest, item: AccessRequest, d: dict[str, Any]) -> str:
    services.request_acknowledge(request=item, actor=request.user, on=d["on"])
    return _("Request acknowledged.")


def _extend(request: HttpRequest, item: AccessRequest, d: dict[str, Any]) -> str:
    services.request_extend(request=item, actor=request.user, reason=d["reason"],
                            working_days=d["working_days"], notice_on=d["notice_on"],
                            note=d["note"])
    return _("Deadline extended.")


def _decide(request: HttpRequest, item: AccessRequest, d: dict[str, Any]) -> str:
    services.request_decide(request=item, actor=request.user, decision=d["decision"],
                            grounds=d["grounds"], withheld_parts=d["withheld_parts"],
                            note=d["note"], on=d["on"])
    return _("Decision recorded.")


def _transfer(request: HttpRequest, item: AccessRequest, d: dict[str, Any]) -> str:
    services.request_transfer(request=item, actor=request.user, to=d["to"],
                              reason=d["reason"], on=d["on"])
    return _("Request transferred.")


def _correct(request: HttpRequest, item: AccessRequest, d: dict[str, Any]) -> str:
    identity = {k: v for k, v in d.items() if k != "note" and v}
    services.correction_make(request=item, actor=request.user, identity=identity,
                             note=d["note"])
    return _("Correction made.")


def _statement(request: HttpRequest, item: AccessRequest, d: dict[str, Any]) -> str:
    services.statement_attach(request=item, actor=request.user, statement=d["statement"])
    return _("Statement of correction attached to the case.")


def _close(request: HttpRequest, item: AccessRequest, d: dict[str, Any]) -> str:
    services.request_close(request=item, actor=request.user, note=d["note"])
    return _("Request closed.")


ACTIONS: dict[str, tuple[type[django_forms.Form], Handler]] = {
    "acknowledge": (forms.AcknowledgeForm, _acknowledge),
    "extend": (forms.ExtendForm, _extend),
    "decide": (forms.DecideForm, _decide),
    "transfer": (forms.TransferForm, _transfer),
    "correct": (forms.CorrectForm, _correct),
    "statement": (forms.StatementForm, _statement),
    "close": (forms.CloseForm, _close),
}


@require_POST
def request_action_view(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    """Every step on a request: the form checks shapes, the service the rules; a refused
    step shows its reason on the page (status 400)."""
    item = get_visible(request.user, AccessRequest.objects.select_related("case", "agency"),
                       reference=reference)
    step = form_step(request, ACTIONS, action, item)
    if not step.error:
        messages.success(request, step.message)
        return redirect("privacy:request", reference=item.reference)
    item.refresh_from_db()
    context = _context(request, item, error=step.error)
    context[f"{action}_form"] = step.form
    return render(request, "privacy/request.html", context, status=400)


@require_POST
def request_export_view(request: HttpRequest, reference: str) -> HttpResponse:
    """The information held about the requester, as a downloadable JSON file (audited)."""
    item = get_visible(request.user, AccessRequest.objects.select_related("case", "agency"),
                       reference=reference)
    form = forms.ExportForm(request.POST, prefix="export")
    error = form_problems(form) if not form.is_valid() else ""
    if not error:
        with refusal_kept() as refused:
            document = services.request_export(request=item, actor=request.user)
            response = HttpResponse(json.dumps(document, indent=2, ensure_ascii=False,
                                               cls=DjangoJSONEncoder),
                                    content_type="application/json")
            response["Content-Disposition"] = (f'attachment; filename="{item.reference}'
                                               f'-information-held.json"')
            response["Cache-Control"] = "no-store"
            return response
        error = refused.reason
    return render(request, "privacy/request.html", _context(request, item, error=error),
                  status=400)


# ---------------------------------------------------------------- breaches

BreachHandler = Callable[[HttpRequest, Breach, dict[str, Any], int | None], str]


@require_GET
def breaches_view(request: HttpRequest) -> HttpResponse:
    _officer_only(request)
    show = request.GET.get("show", "open")
    listed = BREACHES.run(request, selectors.breach_rows(request.user, show),
                          narrowed={"show": show})
    if (exported := export_response(request, listed)) is not None:
        return exported
    selectors.breaches_listed(request.user, listed.rows)
    return render(request, "privacy/breaches.html", {
        "listed": listed, "rows": listed.rows, "show": show})


@require_http_methods(["GET", "POST"])
def breach_new_view(request: HttpRequest) -> HttpResponse:
    _officer_only(request)
    form = forms.BreachForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with refusal_kept() as refused:
            made = services.breach_record(
                actor=request.user, kind=d["kind"], what_happened=d["what_happened"],
                found_at=d["found_at"], occurred_on=d["occurred_on"],
                case_references=d["cases"].split(","),
                records_affected=d["records_affected"])
            messages.success(request, _("Breach %(reference)s recorded.")
                             % {"reference": made.reference})
            return redirect("privacy:breach", reference=made.reference)
        error = refused.reason
    return render(request, "privacy/breach_new.html", {"form": form, "error": error},
                  status=400 if error or form.errors else 200)


def _breach_context(request: HttpRequest, breach: Breach, **extra: Any) -> dict[str, Any]:
    rules = privacy_rules()
    context: dict[str, Any] = {
        "breach": breach, "rules": rules, "error": "",
        "findings": [(f.label, breach.assessment.get(f.code, "")) for f in rules.harm_factors],
        "affected": [(p, rules.exception_label(p.exception) if p.exception else "")
                     for p in breach.affected.select_related("case")],
        "history": HISTORY.run(request, breach.history.select_related("actor")),
    }
    for name, (form_class, _handler) in BREACH_ACTIONS.items():
        context[f"{name}_form"] = form_class(prefix=name)
    context.update(extra)
    return context


@require_GET
def breach_view(request: HttpRequest, reference: str) -> HttpResponse:
    breach = services.breach_get(actor=request.user, reference=reference)
    context = _breach_context(request, breach)
    if (exported := export_response(request, context["history"])) is not None:
        return exported
    return render(request, "privacy/breach.html", context)


def _assess(request: HttpRequest, breach: Breach, d: dict[str, Any], pk: int | None) -> str:
    findings = {k.removeprefix("factor_"): v for k, v in d.items() if k.startswith("factor_")}
    services.breach_assess(breach=breach, actor=request.user, findings=findings,
                           serious_harm_likely=d["serious_harm_likely"])
    return _("Assessment recorded.")


def _breach_decide(request: HttpRequest, breach: Breach, d: dict[str, Any],
                   pk: int | None) -> str:
    services.breach_decide(breach=breach, actor=request.user, notifiable=d["notifiable"],
                           reason=d["reason"])
    return _("Decision recorded.")


def _commissioner(request: HttpRequest, breach: Breach, d: dict[str, Any],
                  pk: int | None) -> str:
    services.commissioner_notify(breach=breach, actor=request.user, at=d["at"], how=d["how"],
                                 reference=d["reference"])
    return _("Notification to the Privacy Commissioner recorded.")


def _person(request: HttpRequest, breach: Breach, d: dict[str, Any], pk: int | None) -> str:
    if pk is None:
        raise Http404("not found")
    person = get_visible(request.user, AffectedPerson, pk=pk, breach=breach)
    services.person_notify(person=person, actor=request.user, at=d["at"], how=d["how"],
                           exception=d["exception"], exception_reason=d["exception_reason"])
    return _("Recorded for %(reference)s.") % {"reference": person.case.reference}


def _breach_close(request: HttpRequest, breach: Breach, d: dict[str, Any],
                  pk: int | None) -> str:
    services.breach_close(breach=breach, actor=request.user, note=d["note"])
    return _("Breach closed.")


BREACH_ACTIONS: dict[str, tuple[type[django_forms.Form], BreachHandler]] = {
    "assess": (forms.AssessForm, _assess),
    "decide": (forms.BreachDecideForm, _breach_decide),
    "commissioner": (forms.CommissionerForm, _commissioner),
    "person": (forms.PersonForm, _person),
    "close": (forms.BreachCloseForm, _breach_close),
}


@require_POST
def breach_action_view(request: HttpRequest, reference: str, action: str,
                       pk: int | None = None) -> HttpResponse:
    breach = get_visible(request.user, Breach.objects.select_related("agency"),
                         reference=reference)
    step = form_step(request, BREACH_ACTIONS, action, breach, pk)
    if not step.error:
        messages.success(request, step.message)
        return redirect("privacy:breach", reference=breach.reference)
    breach.refresh_from_db()
    context = _breach_context(request, breach, error=step.error)
    context[f"{action}_form"] = step.form
    return render(request, "privacy/breach.html", context, status=400)
