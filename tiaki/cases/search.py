"""Global search over victim cases (by reference: names are encrypted); the hits are a read
of victim-case data, audited as the case list's are."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tiaki.audit.reads import audit_read
from tiaki.cases import selectors
from tiaki.cases.models import VictimCase
from tiaki.core.search import LIMIT, Found, Hit, register


@register
def cases(user: Any, query: str) -> Found | None:
    rows = list(selectors.cases_for(user, query, "all").order_by("-created_at", "-pk")[:LIMIT])
    if not rows:
        return None
    audit_read(actor=user, objects=rows, purpose="case search", model=VictimCase)
    return Found(_("Victim cases"), [
        Hit(c.reference, f"{c.agency.code} · {c.get_status_display()}",
            reverse("cases:detail", args=[c.reference])) for c in rows],
        more_url=reverse("cases:list") + "?" + urlencode({"q": query, "status": "all"}),
        order=10)
