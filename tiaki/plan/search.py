"""Global search over the Plan's action items (number, objective or action)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tiaki.core.policy import visible
from tiaki.core.search import LIMIT, Found, Hit, register
from tiaki.plan.models import ActionItem


@register
def plan_items(user: Any, query: str) -> Found | None:
    rule = Q(objective__icontains=query) | Q(action__icontains=query)
    number = query.lower().removeprefix("item").strip()
    if number.isdigit():
        rule |= Q(number=int(number))
    rows = list(visible(user, ActionItem).filter(rule).order_by("number", "pk")[:LIMIT])
    if not rows:
        return None
    return Found(_("Plan items"), [
        Hit(str(item.number), item.action[:120], reverse("plan:item", args=[item.number]))
        for item in rows], order=60)
