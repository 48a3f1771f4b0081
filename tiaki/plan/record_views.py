"""Pages for filing and reading the agencies' structured records (one per kind)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tiaki.core.exports import export_response
from tiaki.core.policy import Refused, policy_for, visible
from tiaki.plan import selectors
from tiaki.plan.metrics import known_metrics
from tiaki.plan.models import ActionItem
from tiaki.plan.policies import RECORD
from tiaki.plan.record_kinds import HELP_TEXTS, KINDS, LABELS, RecordKind
from tiaki.plan.record_lists import record_listing
from tiaki.plan.services import plan_record_create


def _form_class(kind: RecordKind) -> type[forms.ModelForm[Any]]:
    widgets: dict[str, type[forms.Widget] | forms.Widget] = {
        name: forms.DateInput(attrs={"type": "date"}) for name in kind.fields
        if kind.model._meta.get_field(name).get_internal_type() == "DateField"}
    return forms.modelform_factory(
        kind.model, fields=kind.fields, widgets=widgets,
        labels={f: str(LABELS[f]) for f in kind.fields if f in LABELS},
        help_texts={f: str(HELP_TEXTS[f]) for f in kind.fields if f in HELP_TEXTS})


@require_GET
def records_index_view(request: HttpRequest) -> HttpResponse:
    if not visible(request.user, ActionItem).exists():
        raise Http404("no plan is loaded")
    rows = [(kind, visible(request.user, kind.model).count()) for kind in KINDS.values()]
    return render(request, "plan/records_index.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def records_view(request: HttpRequest, slug: str) -> HttpResponse:
    kind = KINDS.get(slug)
    if kind is None:
        raise Http404("no such kind of record")
    plan = selectors.current_plan(request.user)
    if plan is None:
        raise Http404("no plan is loaded")
    form = _form_class(kind)(request.POST or None)
    if "item" in form.fields:
        form.fields["item"].queryset = visible(request.user, ActionItem).filter(plan=plan)  # type: ignore[attr-defined]
    can_record = policy_for(kind.model).allows(request.user, RECORD, kind.model())
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            record = plan_record_create(actor=request.user, model=kind.model,
                                        values=dict(form.cleaned_data))
        except Refused as refusal:
            error = refusal.reason
        else:
            messages.success(request, _("Recorded: %(record)s.") % {"record": record})
            return redirect("plan:records", slug=slug)
    metrics = known_metrics()
    items = [i.number for i in plan.items.all() if set(i.metrics) & set(kind.metrics)]
    listed = record_listing(slug).run(
        request, visible(request.user, kind.model).select_related("agency"))
    if request.method == "GET" and (exported := export_response(request, listed)) is not None:
        return exported
    return render(request, "plan/records.html", {
        "kind": kind, "form": form, "listed": listed, "can_record": can_record, "error": error,
        "metric_labels": [metrics[c].label for c in kind.metrics if c in metrics],
        "items": items, "plan": plan,
    }, status=400 if error or form.errors else 200)
