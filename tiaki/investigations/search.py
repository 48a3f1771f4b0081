"""Global search over investigations (title or reference), through their policy."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tiaki.core.search import LIMIT, Found, Hit, register
from tiaki.investigations import selectors


@register
def investigations(user: Any, query: str) -> Found | None:
    rows = list(selectors.investigations_for(user, query, "all")
                .order_by("-opened_at", "-pk")[:LIMIT])
    if not rows:
        return None
    return Found(_("Investigations"), [
        Hit(i.reference, i.title, reverse("investigations:detail", args=[i.reference]))
        for i in rows],
        more_url=reverse("investigations:list") + "?" + urlencode({"q": query, "status": "all"}),
        order=40)
