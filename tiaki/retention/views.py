"""The retention page: the schedule, what is due (a dry run), legal holds and past runs.

Open to administrators (``tiaki.retention.policies``); each form makes one service call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tiaki.administration.policies import is_platform_admin
from tiaki.core.exports import export_response
from tiaki.core.listing import Listed
from tiaki.core.policy import get_visible, visible
from tiaki.core.refusals import refusal_kept
from tiaki.retention import services
from tiaki.retention.classes import RECORD_CLASSES
from tiaki.retention.lists import DISPOSALS, RELEASED_HOLDS, RUNS
from tiaki.retention.models import Disposal, DisposalRun, LegalHold
from tiaki.retention.policies import may_manage_retention
from tiaki.retention.schedule import schedule


def _manager(request: HttpRequest) -> Any:
    if not may_manage_retention(request.user):
        raise PermissionDenied("retention is managed by administrators")
    return request.user


def _page(request: HttpRequest, actor: Any, *, error: str = "", status: int = 200,
          form: dict[str, str] | None = None) -> HttpResponse:
    sched = schedule()
    holds = visible(actor, LegalHold).select_related("placed_by", "released_by")
    context: dict[str, Any] = {
        "schedule": sched,
        "due": services.retention_due(now=timezone.now()),
        "open_holds": holds.filter(released_at__isnull=True),
        "released_holds": RELEASED_HOLDS.run(request, holds.filter(released_at__isnull=False)),
        "runs": RUNS.run(request, visible(actor, DisposalRun)),
        # Only platform administrators see what was disposed of (the policy lets managers
        # run disposal; the list of disposed records is the administrators').
        "disposals": (DISPOSALS.run(request, visible(actor, Disposal))
                      if is_platform_admin(actor) else None),
        "holdable": [(c.code, c.label) for c in RECORD_CLASSES.values() if c.holdable],
        "error": error,
        "form": form or {},
    }
    if request.method == "GET":
        lists: list[Listed | None] = [context["released_holds"], context["runs"],
                                      context["disposals"]]
        for listed in lists:
            if listed is not None and (exported := export_response(request, listed)) is not None:
                return exported
    return render(request, "retention/index.html", context, status=status)


@require_GET
def index_view(request: HttpRequest) -> HttpResponse:
    return _page(request, _manager(request))


@require_POST
def hold_new_view(request: HttpRequest) -> HttpResponse:
    actor = _manager(request)
    data = {k: request.POST.get(k, "")[:500] for k in ("record_class", "reference", "reason",
                                                       "authority")}
    with refusal_kept() as refused:
        hold = services.hold_place(actor=actor, record_class=data["record_class"],
                                   reference=data["reference"], reason=data["reason"],
                                   authority=data["authority"])
        messages.success(request, _("Legal hold placed on %(reference)s.")
                         % {"reference": hold.reference})
        return redirect("retention:index")
    return _page(request, actor, error=refused.reason, status=400, form=data)


@require_POST
def hold_release_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _manager(request)
    hold = get_visible(actor, LegalHold, pk=pk)
    with refusal_kept() as refused:
        services.hold_release(actor=actor, hold=hold, reason=request.POST.get("reason", "")[:500])
        messages.success(request, _("Legal hold on %(reference)s released.")
                         % {"reference": hold.reference})
        return redirect("retention:index")
    return _page(request, actor, error=refused.reason, status=400)
