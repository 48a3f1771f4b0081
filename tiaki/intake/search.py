"""Global search over triage reports and frontline screenings, through their policies."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tiaki.audit.reads import audit_read
from tiaki.core.policy import visible
from tiaki.core.search import LIMIT, Found, Hit, register
from tiaki.intake.lists import report_search, screening_search
from tiaki.intake.models import Report, Screening


@register
def reports(user: Any, query: str) -> Found | None:
    rows = list(report_search(visible(user, Report), query, user)
                .order_by("-received_at", "-pk")[:LIMIT])
    if not rows:
        return None
    return Found(_("Reports to triage"), [
        Hit(r.reference, f"{r.get_region_display()} · {r.get_status_display()}",
            reverse("intake:triage_detail", args=[r.pk])) for r in rows],
        more_url=reverse("intake:triage") + "?" + urlencode({"q": query, "status": "all"}),
        order=20)


@register
def screenings(user: Any, query: str) -> Found | None:
    rows = list(screening_search(visible(user, Screening), query, user)
                .order_by("-created_at", "-pk")[:LIMIT])
    if not rows:
        return None
    # The screening list audits what it shows (a person's label); so does its search.
    audit_read(actor=user, objects=rows, purpose="screening search", model=Screening)
    return Found(_("Screenings"), [
        Hit(s.reference, s.subject_label, reverse("intake:screening_detail", args=[s.pk]))
        for s in rows],
        more_url=reverse("intake:screening_list") + "?" + urlencode({"q": query}), order=30)
