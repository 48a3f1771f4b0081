"""Staff pages: the triage queue and a report's page, screenings, the indicator guide,
translation review and the counts for the Plan. Each view validates and makes one call."""

from __future__ import annotations

import base64
import hashlib
import io
import re
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tiaki.audit.reads import audit_read
from tiaki.core.exports import export_response
from tiaki.core.policy import NotVisible, get_visible, policy_for, visible
from tiaki.core.refusals import refusal_kept
from tiaki.intake import i18n, selectors, services
from tiaki.intake.forms import (
    ApproveTranslationForm,
    AssignForm,
    CloseForm,
    DecisionForm,
    LinkForm,
    PriorityForm,
    ReplyForm,
    ScreeningForm,
)
from tiaki.intake.legaltest.guide import render_guide
from tiaki.intake.lists import SCREENINGS, TRIAGE_LIST
from tiaki.intake.models import CatalogueReview, Report, Screening
from tiaki.intake.policies import (
    COUNTS_ROLES,
    READ_ROLES,
    SCREENING_ROLES,
    TRANSLATION_ROLES,
    TRIAGE,
)
from tiaki.intake.rules import ruleset


def _require_roles(request: HttpRequest, roles: frozenset[str]) -> None:
    """A whole section the role may never use answers 403 (records answer 404 alike)."""
    if not request.user.has_role(*roles):  # type: ignore[union-attr]
        raise PermissionDenied("this section is not open to your role")


@require_GET
def queue_view(request: HttpRequest) -> HttpResponse:
    _require_roles(request, READ_ROLES)
    listed = TRIAGE_LIST.run(request, selectors.queue(request.user, status="all"))
    if (exported := export_response(request, listed)) is not None:
        return exported
    return render(request, "intake/queue.html", {"listed": listed})


def _detail_context(request: HttpRequest, report: Report) -> dict[str, Any]:
    return {
        "report": report,
        # Cases opened from this report that the viewer may see (the cases policy decides).
        "cases": visible(request.user, report.cases.all()),
        "routes": report.routes.select_related("agency"),
        "thread": report.messages.select_related("author"),
        "attachments": report.attachments.all(),
        "links": selectors.links(request.user, report),
        "suggestions": selectors.related_suggestions(request.user, report),
        "can_triage": policy_for(Report).allows(request.user, TRIAGE, report),
        "assign_form": AssignForm(candidates=selectors.assignable(report),
                                  initial={"assignee": report.assignee_id}),
        "priority_form": PriorityForm(initial={"priority": report.priority}),
        "reply_form": ReplyForm(),
        "link_form": LinkForm(),
        "close_form": CloseForm(),
    }


@require_GET
def report_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for_triage(request.user, pk)
    return render(request, "intake/report.html", _detail_context(request, report))


def _run(request: HttpRequest, report: Report, action: str) -> tuple[str, Any]:
    """Validate the posted form for ``action`` and make the one service call."""
    user = request.user
    if action == "assign":
        form: Any = AssignForm(request.POST, candidates=selectors.assignable(report))
        if form.is_valid():
            services.triage_assign(report=report, actor=user,
                                   assignee=form.cleaned_data["assignee"])
            return _("Assigned to %(username)s.") % {
                "username": form.cleaned_data["assignee"].get_username()}, None
    elif action == "priority":
        form = PriorityForm(request.POST)
        if form.is_valid():
            services.triage_prioritise(report=report, actor=user,
                                       priority=form.cleaned_data["priority"])
            return _("Priority changed."), None
    elif action == "reply":
        form = ReplyForm(request.POST)
        if form.is_valid():
            internal = form.cleaned_data["internal"]
            services.triage_reply(report=report, actor=user, body=form.cleaned_data["body"],
                                  internal=internal)
            return (_("Note added.") if internal
                    else _("Reply sent: the reporter sees it with their receipt code.")), None
    elif action == "link":
        form = LinkForm(request.POST)
        other = None
        if form.is_valid():
            try:
                other = get_visible(user, Report, pk=form.cleaned_data["other"])
            except NotVisible:
                # A mistyped number stays on the form, with what was typed.
                form.add_error("other", _("There is no report %(reference)s in your queues. "
                                          "Check the number.") % {
                    "reference": f"R-{form.cleaned_data['other']:06d}"})
        if other is not None:
            services.triage_link(report=report, actor=user, other=other,
                                 kind=form.cleaned_data["kind"],
                                 reason=form.cleaned_data["reason"])
            return _("Linked to %(reference)s.") % {"reference": other.reference}, None
    elif action == "close":
        form = CloseForm(request.POST)
        if form.is_valid():
            services.triage_close(report=report, actor=user,
                                  outcome=form.cleaned_data["outcome"],
                                  note=form.cleaned_data["note"])
            return _("Outcome recorded; the report is closed."), None
    else:
        raise NotVisible("not found")
    return "", form


@require_POST
def report_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    report = get_visible(request.user, Report, pk=pk)
    done, bad_form = "", None
    with refusal_kept() as refused:
        done, bad_form = _run(request, report, action)
    error = refused.reason or ("" if done else _("Please correct the form."))
    if done:
        messages.success(request, done)
        return redirect("intake:triage_detail", pk=report.pk)
    context = _detail_context(request, report)
    if bad_form is not None:
        context[f"{action}_form" if action != "priority" else "priority_form"] = bad_form
    context["error"] = error
    return render(request, "intake/report.html", context, status=400)


@require_GET
def attachment_view(request: HttpRequest, pk: int) -> FileResponse:
    attachment = selectors.attachment_for_download(request.user, pk)
    # Decrypted in memory only for this audited read (attachments are a few MB at most).
    return FileResponse(io.BytesIO(attachment.read_bytes()), as_attachment=True,
                        filename=attachment.label, content_type=attachment.content_type)


@require_GET
def counts_view(request: HttpRequest) -> HttpResponse:
    _require_roles(request, COUNTS_ROLES)
    return render(request, "intake/counts.html", {"counts": selectors.report_counts()})



# --------------------------------------------------------------------------- screening


def _indicator_groups(set_id: str) -> list[tuple[Any, list[Any]]]:
    """The chosen indicator set, grouped by the ILO dimension (in the data's order)."""
    catalogue = ruleset().indicators
    indicator_set = catalogue.set_by_id[set_id]
    return [(dimension, [i for i in indicator_set.indicators if i.dimension == dimension.id])
            for dimension in catalogue.dimensions]


@require_GET
def screening_list_view(request: HttpRequest) -> HttpResponse:
    _require_roles(request, SCREENING_ROLES)
    listed = SCREENINGS.run(request, visible(request.user, Screening)
                            .select_related("official", "agency"))
    if (exported := export_response(request, listed)) is not None:
        return exported
    audit_read(actor=request.user, objects=listed.rows, purpose="frontline screenings",
               model=Screening)
    return render(request, "intake/screening_list.html", {"listed": listed})


@require_http_methods(["GET", "POST"])
def screening_new_view(request: HttpRequest) -> HttpResponse:
    _require_roles(request, SCREENING_ROLES)
    rules = ruleset()
    # The acts' labels come from the legal data file; the staff catalogue translates those it
    # holds (the legal test's page uses the same words) and leaves the rest as written.
    act_choices = [(v.id, _(v.label)) for v in rules.legal.elements["act"].values.values()]
    source = request.POST if request.method == "POST" else request.GET
    age_group = source.get("age_group", "") if source.get("age_group") in {"adult", "child"} \
        else ""
    exploitation = source.get("exploitation_type", "labour")
    if exploitation not in {"labour", "sexual"}:
        exploitation = "labour"
    indicator_set = rules.indicators.set_for(age_group or "adult", exploitation)  # type: ignore[arg-type]
    assert indicator_set is not None
    # Other flows (e.g. a border alert) open this form with the label and setting filled in.
    form = ScreeningForm(request.POST or None, act_choices=act_choices, initial={
        "age_group": age_group, "exploitation_type": exploitation,
        "subject_label": request.GET.get("subject_label", "")[:200],
        "setting": request.GET.get("setting", "")[:300],
    })
    chosen = set(request.POST.getlist("indicators"))
    # Opened from a border alert: the screening keeps the link (one triage item per person).
    alert_id = int(source["alert"]) if source.get("alert", "").isdigit() else None
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_kept() as refused:
            screening = services.screening_record(actor=request.user, data=services.ScreeningInput(
                subject_label=data["subject_label"], setting=data["setting"], age=data["age"],
                age_group=data["age_group"], exploitation_type=data["exploitation_type"],
                indicators=frozenset(chosen), acts=frozenset(data["acts"]),
                flags=form.flags(), notes=data["notes"],
                conduct_date=data["conduct_date"], alert_id=alert_id,
            ))
            return redirect("intake:screening_detail", pk=screening.pk)
        error = refused.reason or error
    return render(request, "intake/screening_new.html", {
        "form": form, "error": error, "indicator_set": indicator_set, "chosen": chosen,
        "groups": _indicator_groups(indicator_set.id), "age_group": age_group,
        "exploitation": exploitation, "engine_version": rules.engine_version,
        "alert_id": alert_id,
    }, status=400 if request.method == "POST" else 200)


# The engine's codes, in words on the page (the stored result keeps the codes).
ELEMENT_STATUS = {"met": gettext_lazy("met"), "indicated": gettext_lazy("indicated"),
                  "missing": gettext_lazy("missing")}
AGE_GROUPS = {"adult": gettext_lazy("adult"), "child": gettext_lazy("child")}
EXPLOITATION = {"labour": gettext_lazy("labour"), "sexual": gettext_lazy("sexual"),
                "other": gettext_lazy("other")}


def _screening_context(request: HttpRequest, screening: Screening) -> dict[str, Any]:
    rules = ruleset()
    legal, catalogue = rules.legal, rules.indicators
    result = screening.result
    elements = []
    for name, finding in result.get("elements", {}).items():
        definition = legal.elements.get(name)
        labels = definition.values if definition else {}
        elements.append({
            "name": definition.label if definition else name, "status": finding["status"],
            "status_label": ELEMENT_STATUS.get(finding["status"], finding["status"]),
            "values": [labels[v].label if v in labels else v for v in finding["values"]],
            "indicators": [catalogue.by_code[c].text if c in catalogue.by_code else c
                           for c in finding["indicators"]],
        })
    return {
        "screening": screening, "elements": elements, "result": result,
        "assessed_as": AGE_GROUPS.get(result.get("assessed_as", ""), result.get("assessed_as")),
        "exploitation": EXPLOITATION.get(screening.exploitation_type,
                                         screening.exploitation_type),
        "same_rules": screening.engine_version == rules.engine_version,
        "observed": [catalogue.by_code[c].text if c in catalogue.by_code else c
                     for c in screening.indicators],
        "can_decide": policy_for(Screening).allows(request.user, "decide", screening)
        and not screening.decision,
        "can_refer": policy_for(Screening).allows(request.user, "refer", screening)
        and screening.decision == Screening.Decision.REFER and screening.report_id is None,
        "decision_form": DecisionForm(initial={"decision": screening.recommendation}),
        "cases": visible(request.user, screening.cases.all()),
        "report_visible": screening.report_id is not None
        and visible(request.user, Report).filter(pk=screening.report_id).exists(),
    }


@require_http_methods(["GET", "POST"])
def screening_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    screening = get_visible(request.user, Screening.objects.select_related("official", "agency"),
                            pk=pk)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        form = DecisionForm(request.POST)
        with refusal_kept() as refused:
            if action == "decide" and form.is_valid():
                services.screening_decide(screening=screening, actor=request.user,
                                          decision=form.cleaned_data["decision"],
                                          note=form.cleaned_data["note"])
                messages.success(request, _("Decision recorded.") + (
                    " " + _("Referred to the triage queue as %(reference)s.")
                    % {"reference": screening.report.reference} if screening.report else ""))
                return redirect("intake:screening_detail", pk=screening.pk)
            if action == "refer":
                report = services.screening_refer(screening=screening, actor=request.user)
                messages.success(request, _("Referred to the triage queue as %(reference)s.")
                                 % {"reference": report.reference})
                return redirect("intake:screening_detail", pk=screening.pk)
            error = _("Please correct the form.")
        error = refused.reason or error
    context = _screening_context(request, screening)
    audit_read(actor=request.user, objects=screening, purpose="frontline screening")
    context["error"] = error
    return render(request, "intake/screening.html", context, status=400 if error else 200)


def _guide_csp(html: str) -> dict[str, Any]:
    """The guide is one self-contained page with an inline stylesheet: allow exactly that
    stylesheet (by hash) and nothing else inline."""
    styles = re.findall(r"<style>(.*?)</style>", html, flags=re.DOTALL)
    hashes = [f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
              for s in styles]
    policy: dict[str, Any] = dict(settings.SECURE_CSP)
    policy["style-src"] = [CSP.SELF, *hashes]
    policy["script-src"] = [CSP.NONE]
    return policy


@require_GET
def guide_view(request: HttpRequest) -> HttpResponse:
    """The printable indicator guide (seed 002 items 1-2), generated from the same data
    files the screening engine uses."""
    _require_roles(request, SCREENING_ROLES | READ_ROLES | COUNTS_ROLES)
    html = render_guide(ruleset())
    return csp_override(_guide_csp(html))(lambda _request: HttpResponse(html))(request)


# --------------------------------------------------------------------------- translations


@require_GET
def translations_view(request: HttpRequest) -> HttpResponse:
    _require_roles(request, TRANSLATION_ROLES)
    rows = [(c, i18n.is_reviewed(c)) for c in i18n.catalogues().values()]
    return render(request, "intake/translations.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def translation_view(request: HttpRequest, language: str) -> HttpResponse:
    _require_roles(request, TRANSLATION_ROLES)
    catalogue = i18n.catalogues().get(language)
    if catalogue is None:
        raise NotVisible("not found")
    form = ApproveTranslationForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        with refusal_kept() as refused:
            services.catalogue_approve(actor=request.user, language=language,
                                       reviewer_name=form.cleaned_data["reviewer_name"],
                                       fluent=form.cleaned_data["fluent"],
                                       note=form.cleaned_data["note"])
            messages.success(request, _("%(language)s approved.")
                                 % {"language": catalogue.english_name})
            return redirect("intake:translation", language=language)
        error = refused.reason or error
    source = i18n.get(i18n.SOURCE_LANGUAGE)
    strings = [(key, source.strings[key], catalogue.strings[key], key in catalogue.missing)
               for key in source.strings]
    reviews = CatalogueReview.objects.filter(language=language)
    return render(request, "intake/translation.html", {
        "catalogue": catalogue, "reviewed": i18n.is_reviewed(catalogue), "strings": strings,
        "form": form, "error": error, "reviews": reviews,
    }, status=400 if request.method == "POST" else 200)
