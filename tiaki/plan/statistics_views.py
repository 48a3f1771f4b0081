"""The safe statistics page: tables as they would be released, publishing, the release log."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tiaki.core.exports import export_response
from tiaki.core.policy import Refused, get_visible, visible
from tiaki.plan.metrics import Period
from tiaki.plan.report_models import StatisticsRelease
from tiaki.plan.statistics import aggregate_tables, readable, statistics_release
from tiaki.plan.statistics_lists import RELEASES


def _calendar_year(request: HttpRequest) -> Period:
    try:
        year = int(request.POST.get("year") or request.GET.get("year") or
                   timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    return Period(dt.date(year, 1, 1), dt.date(year + 1, 1, 1))


@require_http_methods(["GET", "POST"])
def statistics_view(request: HttpRequest) -> HttpResponse:
    releases = visible(request.user, StatisticsRelease)
    period = _calendar_year(request)
    if request.method == "POST":
        try:
            release = statistics_release(actor=request.user, kind=request.POST.get("kind", ""),
                                         period=period)
        except Refused as refusal:
            messages.error(request, refusal.reason)
        else:
            messages.success(request, _("Released: %(release)s.") % {"release": release})
        return redirect(f"{request.path}?year={period.start.year}")
    listed = RELEASES.run(request, releases)
    if (exported := export_response(request, listed)) is not None:
        return exported
    preview = aggregate_tables(period)
    law = preview["law_enforcement"]
    return render(request, "plan/statistics.html", {
        "period": period, "preview": preview, "releases": listed,
        "law_totals": [(readable(k), v) for k, v in law["totals"].items()],
        "law_tables": [(readable(k), v) for k, v in law["tables"].items()],
        "base": settings.TIAKI_STATS_ROUNDING_BASE,
    })


@require_GET
def statistics_release_view(request: HttpRequest, pk: int) -> JsonResponse:
    release = get_visible(request.user, StatisticsRelease, pk=pk)
    return JsonResponse({"kind": release.kind, "start": release.start.isoformat(),
                         "end": release.end.isoformat(), "parameters": release.parameters,
                         "sha256": release.sha256, "content": release.content},
                        json_dumps_params={"ensure_ascii": False})
