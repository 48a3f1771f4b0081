"""Global search over intelligence reports, through the caveat policy; every hit listed is
audited as the intelligence list's are."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tiaki.core.search import LIMIT, Found, Hit, register
from tiaki.intelligence import selectors, services
from tiaki.intelligence.policies import may_read_intelligence


@register
def intelligence_reports(user: Any, query: str) -> Found | None:
    if not may_read_intelligence(user):
        return None
    rows = list(selectors.reports_for(user, query).order_by("-created_at", "-pk")[:LIMIT])
    if not rows:
        return None
    services.reports_listed(actor=user, reports=rows, channel=f"global search {query!r}")
    return Found(_("Intelligence reports"), [
        Hit(r.reference, r.title, reverse("intelligence:report", args=[r.reference]))
        for r in rows],
        more_url=reverse("intelligence:list") + "?" + urlencode({"q": query}), order=50)
