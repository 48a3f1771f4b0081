"""Pages for intelligence: validate, make one call, render. Every read goes through the
caveat policy (``policies``) and is audited (``services.report_read`` and friends)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tiaki.core.exports import export_response
from tiaki.core.policy import get_visible, visible
from tiaki.core.refusals import refusal_kept
from tiaki.intelligence import (
    forms,
    graph,
    imports,
    resolution,
    selectors,
    services,
    sharing,
    watchlist,
)
from tiaki.intelligence.lists import DISSEMINATIONS, ENTITIES, PACKAGES, REPORTS
from tiaki.intelligence.models import (
    Dissemination,
    Entity,
    Judgement,
    Report,
    SharingPackage,
    WatchlistNomination,
)
from tiaki.intelligence.policies import APPROVE_ROLES, WRITE_ROLES, may_read_intelligence


def _writes(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(user.is_authenticated and user.has_role(*WRITE_ROLES))


def _reader(request: HttpRequest) -> None:
    if not may_read_intelligence(request.user):
        raise PermissionDenied("intelligence is not open to your role")


@require_GET
def list_view(request: HttpRequest) -> HttpResponse:
    _reader(request)
    listed = REPORTS.run(request, selectors.reports_for(request.user))
    if (exported := export_response(request, listed)) is not None:
        return exported
    query = listed.query
    services.reports_listed(actor=request.user, reports=listed.rows,
                            channel=f"search {query!r}" if query else "list")
    entities = (ENTITIES.run(request, selectors.entities_for(request.user, query),
                             narrowed={"q": query}) if query else None)
    if entities is not None and (exported := export_response(request, entities)) is not None:
        return exported
    return render(request, "intelligence/list.html", {
        "listed": listed, "entities": entities, "q": query,
        "may_write": _writes(request)})


@require_http_methods(["GET", "POST"])
def new_view(request: HttpRequest) -> HttpResponse:
    _reader(request)
    form = forms.ReportForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_kept() as refused:
            report = services.report_create(
                actor=request.user, title=data["title"], text=data["text"],
                scheme=data["scheme"], source_grade=data["source_grade"].strip().upper(),
                information_grade=data["information_grade"].strip().upper(),
                handling_code=data["handling_code"].strip().upper(), release=data["release"],
                partners=forms.partners_list(data["partners"]), tlp=data["tlp"],
                caveats=data["caveats"], requirements=data["requirements"])
            messages.success(request, _("Report %(reference)s recorded.") % {
                                          "reference": report.reference})
            return redirect("intelligence:report", reference=report.reference)
        error = refused.reason
    return render(request, "intelligence/new.html", {"form": form, "error": error},
                  status=400 if error or form.errors else 200)


@require_GET
def report_view(request: HttpRequest, reference: str) -> HttpResponse:
    report = services.report_read(actor=request.user, reference=reference)
    return render(request, "intelligence/report.html", _report_context(request, report))


def _report_context(request: HttpRequest, report: Report, **extra: object) -> dict[str, object]:
    entities = list(report.entities.all())
    shown = selectors.shown_properties_for(request.user, entities)
    for entity in entities:
        entity.shown = shown[entity.pk]  # type: ignore[attr-defined]
    context: dict[str, object] = {
        "report": report, "entities": entities,
        "caveats": report.caveats.all(), "requirements": report.requirements.all(),
        "entity_form": forms.EntityForm(), "error": "",
        "may_write": _writes(request)}
    context.update(extra)
    return context


@require_POST
def entity_add_view(request: HttpRequest, reference: str) -> HttpResponse:
    report = get_visible(request.user, Report, reference=reference)
    form = forms.EntityForm(request.POST)
    error = ""
    if form.is_valid():
        with refusal_kept() as refused:
            entity = services.entity_add(actor=request.user, report=report,
                                         schema=form.cleaned_data["schema"],
                                         properties=form.cleaned_data["properties"])
            messages.success(request, _("%(schema)s %(caption)s added.") % {
                                          "schema": entity.schema, "caption": entity.caption})
            return redirect("intelligence:report", reference=report.reference)
        error = refused.reason
    return render(request, "intelligence/report.html",
                  _report_context(request, report, entity_form=form, error=error), status=400)


@require_GET
def entity_view(request: HttpRequest, ftm_id: str) -> HttpResponse:
    entity = services.entity_read(actor=request.user, ftm_id=ftm_id)
    return render(request, "intelligence/entity.html", {"entity": entity,
                                                         **_entity_extra(request, entity)})


def _entity_extra(request: HttpRequest, entity: Entity, **extra: object) -> dict[str, object]:
    ledger_rows = visible(request.user, Judgement).filter(
        Q(left=entity) | Q(right=entity)).select_related("left", "right", "actor", "undoes")
    undone = set(visible(request.user, Judgement).filter(
        verdict=Judgement.Verdict.UNDO).values_list("undoes_id", flat=True))
    cluster = next((c for c in resolution.clusters_for(request.user) if entity in c), [])
    context: dict[str, object] = {
        "shown": selectors.shown_properties_for(request.user, [entity])[entity.pk],
        "candidates": resolution.candidates(request.user, entity=entity),
        "judgements": ledger_rows, "undone": undone, "cluster": cluster, "error": "",
        "nominations": visible(request.user, WatchlistNomination).filter(entity=entity)
        .select_related("added_by", "withdrawn_by"), "today": timezone.localdate(),
        "nomination_form": forms.NominationForm(),
        "nominable": entity.schema in watchlist.NOMINABLE,
        "may_write": _writes(request)}
    context.update(extra)
    return context


@require_POST
def judge_view(request: HttpRequest, ftm_id: str) -> HttpResponse:
    entity = get_visible(request.user, Entity, ftm_id=ftm_id)
    with refusal_kept() as refused:
        other = get_visible(request.user, Entity, ftm_id=request.POST.get("other", ""))
        score = request.POST.get("score") or None
        resolution.judgement_record(actor=request.user, left=entity, right=other,
                                    verdict=request.POST.get("verdict", ""),
                                    reason=request.POST.get("reason", ""),
                                    score=float(score) if score else None)
        messages.success(request, _("Judgement recorded."))
        return redirect("intelligence:entity", ftm_id=entity.ftm_id)
    return render(request, "intelligence/entity.html",
                  {"entity": entity, **_entity_extra(request, entity, error=refused.reason)},
                  status=400)


@require_POST
def undo_view(request: HttpRequest, pk: int) -> HttpResponse:
    judgement = get_visible(request.user, Judgement, pk=pk)
    entity = get_visible(request.user, Entity, pk=judgement.left_id)
    with refusal_kept() as refused:
        resolution.judgement_undo(actor=request.user, judgement=judgement,
                                  reason=request.POST.get("reason", ""))
        messages.success(request, _("Judgement undone; later judgements stand."))
        return redirect("intelligence:entity", ftm_id=entity.ftm_id)
    return render(request, "intelligence/entity.html",
                  {"entity": entity, **_entity_extra(request, entity, error=refused.reason)},
                  status=400)


def _graph_params(request: HttpRequest, name: str, default: int, top: int) -> int:
    try:
        return max(1, min(top, int(request.GET.get(name, default))))
    except ValueError:
        return default


@require_GET
def network_view(request: HttpRequest) -> HttpResponse:
    """An entity's neighbourhood (``node``) or the shortest path between ``from`` and
    ``to``: an interactive graph, the same as a table without JavaScript, or JSON."""
    _reader(request)
    node, start, goal = (request.GET.get(k, "").strip() for k in ("node", "from", "to"))
    hops = _graph_params(request, "hops", 2, 3)
    if start and goal:
        found = graph.shortest_path(request.user, start, goal,
                                    max_hops=_graph_params(request, "max", 4, 6))
        what = f"path {start} → {goal}"
    elif node:
        found = graph.neighbourhood(request.user, node, hops=hops,
                                    cap=_graph_params(request, "cap", 500, 500))
        what = f"neighbourhood of {node}"
    else:
        found = graph.Graph()
        what = ""
    if what:
        services.graph_read(actor=request.user, what=what, nodes=list(found.nodes))
    data = found.as_json()
    if request.GET.get("format") == "json":
        return JsonResponse(data)
    return render(request, "intelligence/network.html", {
        "data": data, "node": node, "start": start, "goal": goal, "hops": hops,
        "what": what, "labels": {n["id"]: n["label"] for n in data["nodes"]}})


@require_http_methods(["GET", "POST"])
def plan_view(request: HttpRequest) -> HttpResponse:
    _reader(request)
    form = forms.RequirementForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_kept() as refused:
            requirement = services.requirement_create(
                actor=request.user, code=data["code"], title=data["title"],
                description=data["description"], priority=data["priority"],
                owner=request.user, review_on=data["review_on"],
                recent_days=data["recent_days"])
            messages.success(request, _("Requirement %(code)s added.") % {
                                          "code": requirement.code})
            return redirect("intelligence:plan")
        error = refused.reason
    return render(request, "intelligence/plan.html", {
        "rows": selectors.collection_plan(request.user, now=timezone.now()), "form": form,
        "error": error, "may_write": _writes(request)},
        status=400 if error or form.errors else 200)


# --- lawful sharing ------------------------------------------------------------------


@require_GET
def sharing_view(request: HttpRequest) -> HttpResponse:
    """Packages prepared for partners and the dissemination log, through the policy."""
    _reader(request)
    packages = PACKAGES.run(request, visible(request.user, SharingPackage).select_related(
        "requester", "decided_by"))
    log = DISSEMINATIONS.run(request, visible(request.user, Dissemination).select_related(
        "package", "sent_by", "approved_by"))
    for listed in (packages, log):
        if (exported := export_response(request, listed)) is not None:
            return exported
    if log.rows:
        sharing.log_listed(actor=request.user, rows=log.rows)
    return render(request, "intelligence/sharing.html", {
        "packages": packages, "log": log, "may_write": _writes(request)})


@require_http_methods(["GET", "POST"])
def package_new_view(request: HttpRequest) -> HttpResponse:
    _reader(request)
    initial = {"reports": request.GET.getlist("report")}
    form = forms.PackageForm(request.POST or None, user=request.user, initial=initial)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_kept() as refused:
            entities = [get_visible(request.user, Entity, ftm_id=key)
                        for key in request.POST.getlist("entity")]
            package = sharing.package_create(
                actor=request.user, partner=data["partner"], purpose=data["purpose"],
                authority=data["authority"], reports=data["reports"], entities=entities,
                withhold=data["withhold"])
            messages.success(request, _("Package %(reference)s prepared; a senior officer "
                                        "must approve it before it can go.") % {
                                          "reference": package.reference})
            return redirect("intelligence:package", reference=package.reference)
        error = refused.reason
    return render(request, "intelligence/package_new.html", {"form": form, "error": error},
                  status=400 if error or form.errors else 200)


def _package_page(request: HttpRequest, package: SharingPackage, *, error: str = "",
                  status: int = 200) -> HttpResponse:
    user: Any = request.user
    return render(request, "intelligence/package.html", {
        "package": package, "items": package.manifest.get("items", []),
        "log": package.disseminations.select_related("sent_by", "approved_by"),
        "may_decide": (user.has_role(*APPROVE_ROLES) and user.pk != package.requester_id
                       and package.status == SharingPackage.Status.PENDING),
        "may_export": (package.status == SharingPackage.Status.APPROVED
                       and user.has_role(*WRITE_ROLES, *APPROVE_ROLES)),
        "decision_form": forms.DecisionForm(), "error": error}, status=status)


@require_GET
def package_view(request: HttpRequest, reference: str) -> HttpResponse:
    package = sharing.package_read(actor=request.user, reference=reference)
    return _package_page(request, package)


@require_POST
def package_decide_view(request: HttpRequest, reference: str) -> HttpResponse:
    package = get_visible(request.user, SharingPackage, reference=reference)
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        return _package_page(request, package, error=_("choose approve or decline"), status=400)
    with refusal_kept() as refused:
        sharing.package_decide(actor=request.user, package=package,
                               approve=form.cleaned_data["decision"] == "approve",
                               note=form.cleaned_data["note"])
        done = (_("Package %(reference)s approved.")
                if form.cleaned_data["decision"] == "approve"
                else _("Package %(reference)s declined."))
        messages.success(request, done % {"reference": package.reference})
        return redirect("intelligence:package", reference=package.reference)
    package.refresh_from_db()
    return _package_page(request, package, error=refused.reason, status=400)


@require_POST
def package_export_view(request: HttpRequest, reference: str) -> HttpResponse:
    package = get_visible(request.user, SharingPackage, reference=reference)
    with refusal_kept() as refused:
        row = sharing.package_export(actor=request.user, package=package,
                                     fmt=request.POST.get("format", ""))
        suffix, kind = (("jsonl", "application/x-ndjson") if row.format == "ftm"
                        else ("json", "application/stix+json"))
        response = HttpResponse(row.content, content_type=kind)
        response["Content-Disposition"] = (f'attachment; filename="{package.reference}-'
                                           f'{package.partner}.{suffix}"')
        return response
    return _package_page(request, package, error=refused.reason, status=400)


@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    _reader(request)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            text = data["file"].read().decode("utf-8")
        except UnicodeDecodeError:
            text = None
            error = "the file is not UTF-8 text; nothing was imported"
        if text is not None:
            with refusal_kept() as refused:
                report = imports.partner_import(
                    actor=request.user, partner=data["partner"], fmt=data["format"],
                    content=text, tlp=data["tlp"], title=data["title"])
                messages.success(request, _("Imported as report %(reference)s.") % {
                                              "reference": report.reference})
                return redirect("intelligence:report", reference=report.reference)
            error = refused.reason
    return render(request, "intelligence/import.html", {"form": form, "error": error},
                  status=400 if error or form.errors else 200)


# --- watchlist from intelligence -------------------------------------------------------


@require_POST
def nominate_view(request: HttpRequest, ftm_id: str) -> HttpResponse:
    entity = get_visible(request.user, Entity, ftm_id=ftm_id)
    form = forms.NominationForm(request.POST)
    error = "give a reason and an expiry date"
    if form.is_valid():
        with refusal_kept() as refused:
            nomination = watchlist.watchlist_nominate(
                actor=request.user, entity=entity, reason=form.cleaned_data["reason"],
                expires_on=form.cleaned_data["expires_on"], phone=form.cleaned_data["phone"],
                today=timezone.localdate())
            messages.success(request, _("On the border watchlist as %(external_id)s until "
                                        "%(expires_on)s.") % {
                                          "external_id": nomination.external_id,
                                          "expires_on": format(nomination.expires_on, '%d %b %Y')})
            return redirect("intelligence:entity", ftm_id=entity.ftm_id)
        error = refused.reason
    return render(request, "intelligence/entity.html",
                  {"entity": entity, **_entity_extra(request, entity, error=error)},
                  status=400)


@require_POST
def withdraw_view(request: HttpRequest, external_id: str) -> HttpResponse:
    """Take an intelligence nomination off the border watchlist, with the reason."""
    nomination = watchlist.nomination_for(request.user, external_id)
    entity = nomination.entity
    with refusal_kept() as refused:
        watchlist.watchlist_withdraw(actor=request.user, nomination=nomination,
                                     reason=request.POST.get("reason", ""),
                                     today=timezone.localdate())
        messages.success(request, _("%(external_id)s withdrawn from the border watchlist.") % {
                                      "external_id": nomination.external_id})
        return redirect("intelligence:entity", ftm_id=entity.ftm_id)
    return render(request, "intelligence/entity.html",
                  {"entity": entity, **_entity_extra(request, entity, error=refused.reason)},
                  status=400)


@require_GET
def nomination_view(request: HttpRequest, external_id: str) -> HttpResponse:
    """From a border alert on an intelligence watchlist entry back to the entity (404 for
    whoever may not see its report)."""
    _reader(request)
    nomination = watchlist.nomination_for(request.user, external_id)
    return redirect("intelligence:entity", ftm_id=nomination.entity.ftm_id)
