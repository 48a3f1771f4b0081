"""Global search over border alerts (the traveller's name or the alert's number), through
the alerts policy; reading travellers' names is audited as the alert pages do."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tiaki.audit.reads import audit_read
from tiaki.core.search import LIMIT, Found, Hit, register
from tiaki.screening import selectors
from tiaki.screening.models import Alert


@register
def alerts(user: Any, query: str) -> Found | None:
    rule = Q(traveller__full_name__icontains=query)
    digits = query.lower().removeprefix("alert").strip().lstrip("#")
    if digits.isdigit():
        rule |= Q(pk=int(digits))
    rows = list(selectors.alerts_for(user).filter(rule).order_by("-pk")[:LIMIT])
    if not rows:
        return None
    audit_read(actor=user, objects=rows, purpose="alert search", model=Alert)
    return Found(_("Border alerts"), [
        Hit(f"#{a.pk}", f"{a.traveller} · {a.post.code}", reverse("screening:alert", args=[a.pk]))
        for a in rows], order=35)
