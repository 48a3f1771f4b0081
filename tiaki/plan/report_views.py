"""Pages for building, following, downloading and signing off the annual report."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tiaki.accounts.roles import Role
from tiaki.audit.services import Action, audit_record
from tiaki.core.policy import Refused, get_visible
from tiaki.plan.forms import ReportPeriodForm
from tiaki.plan.report_models import ReportBuild
from tiaki.plan.report_publish import report_build_request, report_sign_off
from tiaki.plan.views import _plan


def _is_secretariat(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "has_role", None)) and request.user.has_role(  # type: ignore[union-attr]
        Role.SECRETARIAT)


@require_POST
def report_build_view(request: HttpRequest) -> HttpResponse:
    plan = _plan(request)
    period_form = ReportPeriodForm(request.POST if "start" in request.POST else None)
    try:
        if period_form.is_bound:
            if not period_form.is_valid():
                raise Refused(" ".join(str(e) for errors in period_form.errors.values()
                                       for e in errors))
            build = report_build_request(actor=request.user, plan=plan,
                                         period=period_form.period())
        else:
            year = int(request.POST.get("year", "1"))
            build = report_build_request(actor=request.user, plan=plan, year=year)
    except (Refused, ValueError) as refusal:
        messages.error(request, refusal.reason if isinstance(refusal, Refused)
                       else _("Choose a plan year (a whole number from 1)."))
        return redirect("plan:report")
    return redirect("plan:report_build", pk=build.pk)


@require_GET
def report_build_page(request: HttpRequest, pk: int) -> HttpResponse:
    build = get_visible(request.user, ReportBuild, pk=pk)
    partial = bool(getattr(request, "htmx", False))
    template = "plan/_report_build.html" if partial else "plan/report_build.html"
    return render(request, template, {
        "build": build, "perms_sign": _is_secretariat(request)})


@require_POST
def report_sign_off_view(request: HttpRequest, pk: int) -> HttpResponse:
    build = get_visible(request.user, ReportBuild, pk=pk)
    try:
        report_sign_off(actor=request.user, build=build)
    except Refused as refusal:
        messages.error(request, refusal.reason)
    else:
        messages.success(request, _("Report signed off; it is now frozen."))
    return redirect("plan:report_build", pk=pk)


@require_GET
def report_download_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in {"pdf", "html"}:
        raise Http404("download the report as pdf or html")
    build = get_visible(request.user, ReportBuild, pk=pk, status=ReportBuild.Status.DONE)
    name = f"{build.plan.code}-progress-report-{build.slug}"
    audit_record(actor=request.user, action=Action.EXPORT, obj=build,
                 summary=f"Downloaded {name}.{kind}")
    if kind == "pdf":
        response = HttpResponse(bytes(build.pdf), content_type="application/pdf")
    else:
        response = HttpResponse(build.html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response
