from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tiaki.accounts.roles import Role
from tiaki.core.exports import Table, export_response, table_response
from tiaki.core.policy import get_visible, policy_for, visible
from tiaki.core.refusals import refusal_kept
from tiaki.plan import selectors
from tiaki.plan.charts import STATUS_ORDER, stacked_bars
from tiaki.plan.forms import ProgressUpdateForm, ReportPeriodForm
from tiaki.plan.key_measures import key_measures
from tiaki.plan.models import ActionItem, Plan, ProgressStatus
from tiaki.plan.policies import REPORT
from tiaki.plan.report import annual_report, plan_year_of
from tiaki.plan.report_models import ReportBuild
from tiaki.plan.services import progress_update_record
from tiaki.plan.statistics_lists import REPORT_BUILDS


def _plan(request: HttpRequest) -> Plan:
    plan = selectors.current_plan(request.user, request.GET.get("plan"))
    if plan is None:
        raise Http404("no plan is loaded")
    return plan


@require_GET
def dashboard_view(request: HttpRequest) -> HttpResponse:
    plan = _plan(request)
    board = selectors.dashboard(request.user, plan)
    if (exported := table_response(request, _dashboard_table(request, plan, board))) is not None:
        return exported
    return render(request, "plan/dashboard.html", {
        "plan": plan,
        "board": board,
        "goal_chart": stacked_bars(board.by_goal),
        "agency_chart": stacked_bars(board.by_agency),
        "legend": [(str(s), str(ProgressStatus(s).label)) for s in STATUS_ORDER],
        "status_counts": [
            (str(ProgressStatus(s).label), board.by_status.get(s, 0)) for s in STATUS_ORDER
        ],
        "key_measures": key_measures(request.user, plan),
    })


_ITEM_HEADERS = (_("No."), _("Section"), _("Action"), _("Agencies"), _("Due"), _("Status"),
                 _("Overdue"), _("Last update"))


def _item_rows(states: list[selectors.ItemState]) -> list[list[Any]]:
    return [[s.item.number, s.item.section.title, s.item.action, ", ".join(s.agencies), s.due,
             s.status_label, s.overdue, s.last_update.reported_on if s.last_update else None]
            for s in states]


def _dashboard_table(request: HttpRequest, plan: Plan, board: selectors.Dashboard) -> Table:
    """The dashboard's table asked for by ``?table=``: all items, the overdue ones, or the
    status counts by goal or by agency (the charts' figures)."""
    which = request.GET.get("table", "items")
    if which in {"goals", "agencies"}:
        counts = board.by_goal if which == "goals" else board.by_agency
        headers = [_("Goal") if which == "goals" else _("Agency"),
                   *(str(ProgressStatus(s).label) for s in STATUS_ORDER)]
        rows = [[name, *(counter.get(s, 0) for s in STATUS_ORDER)] for name, counter in counts]
        return Table(name=f"plan-{which}", title=str(_("Plan status by %(what)s") % {
            "what": _("goal") if which == "goals" else _("agency")}),
            headers=headers, rows=rows, filters={"plan": plan.code, "table": which})
    states = board.overdue if which == "overdue" else board.states
    return Table(name=f"plan-{'overdue' if which == 'overdue' else 'items'}",
                 title=str(_("Overdue action items") if which == "overdue"
                           else _("Action items")),
                 headers=_ITEM_HEADERS, rows=_item_rows(states), model=ActionItem,
                 references=[str(s.item.number) for s in states],
                 filters={"plan": plan.code, "table": which})


@require_GET
def todo_view(request: HttpRequest) -> HttpResponse:
    plan = _plan(request)
    states = selectors.agency_todo(request.user, plan)
    table = Table(name="agency-todo", title=str(_("Action items of my agency")),
                  headers=_ITEM_HEADERS, rows=_item_rows(states), model=ActionItem,
                  references=[str(s.item.number) for s in states], filters={"plan": plan.code})
    if (exported := table_response(request, table)) is not None:
        return exported
    return render(request, "plan/todo.html", {"plan": plan, "states": states})


@require_http_methods(["GET", "POST"])
def item_view(request: HttpRequest, number: int) -> HttpResponse:
    plan = _plan(request)
    item = get_visible(request.user, selectors.items_for(request.user, plan), number=number)
    can_report = policy_for(ActionItem).allows(request.user, REPORT, item)
    form = ProgressUpdateForm(request.POST or None, request.FILES or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        with refusal_kept() as refused:
            progress_update_record(
                item=item, actor=request.user, status=form.cleaned_data["status"],
                narrative=form.cleaned_data["narrative"],
                reported_on=form.cleaned_data["reported_on"],
                files=form.cleaned_data["evidence"],
            )
            messages.success(request, _("Progress on item %(number)s recorded.") % {
                                          "number": item.number})
            return redirect("plan:item", number=item.number)
        error = refused.reason or error
    item = get_visible(request.user, selectors.items_for(request.user, plan), number=number)
    partial = bool(getattr(request, "htmx", False)) and request.method == "GET"
    template = "plan/_history.html" if partial else "plan/item.html"
    return render(request, template, {
        "plan": plan, "state": selectors.item_state(item), "item": item, "form": form,
        "can_report": can_report, "error": error,
    }, status=400 if error or form.errors else 200)


@require_GET
def report_view(request: HttpRequest) -> HttpResponse:
    """A plan year's report (``?year=N``, the current year by default) or any period's
    (``?start=YYYY-MM-DD&last=YYYY-MM-DD``, both days included)."""
    plan = _plan(request)
    latest = plan_year_of(plan, timezone.localdate())
    period_form = ReportPeriodForm(request.GET if "start" in request.GET else None)
    items = visible(request.user, ActionItem).filter(plan=plan)
    if period_form.is_bound and period_form.is_valid():
        report = annual_report(plan=plan, period=period_form.period(), items=items)
        builds = visible(request.user, ReportBuild).filter(
            plan=plan, start=report.start, end=report.end)
    else:
        try:
            year = int(request.GET.get("year", latest))
        except ValueError:
            year = latest
        year = min(max(year, 1), latest)
        report = annual_report(plan=plan, year=year, items=items)
        builds = visible(request.user, ReportBuild).filter(plan=plan, year=year)
    listed_builds = REPORT_BUILDS.run(request, builds)
    if (exported := export_response(request, listed_builds)) is not None:
        return exported
    return render(request, "plan/report.html", {
        "plan": plan, "report": report, "years": range(1, latest + 1),
        "period_form": period_form,
        "goal_chart": stacked_bars(report.grouped("goal")),
        "principle_chart": stacked_bars(report.grouped("principle")),
        "legend": [(str(s), str(ProgressStatus(s).label)) for s in STATUS_ORDER],
        "builds": listed_builds,
        "can_build": request.user.has_role(Role.SECRETARIAT),  # type: ignore[union-attr]
    }, status=400 if period_form.is_bound and not period_form.is_valid() else 200)


@require_GET
def evidence_view(request: HttpRequest, pk: int) -> FileResponse:
    evidence = selectors.evidence_download(request.user, pk)
    return FileResponse(evidence.file.open("rb"), as_attachment=True,
                        filename=evidence.original_name, content_type=evidence.content_type)
