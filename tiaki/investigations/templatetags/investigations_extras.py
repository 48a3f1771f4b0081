"""Template tags that show a prosecution's outcomes on other apps' pages (the victim case)."""

from __future__ import annotations

from typing import Any

from django import template

from tiaki.investigations import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def case_reparations(context: dict[str, Any], case: Any) -> list[Any]:
    """Reparation orders made for the victim of ``case``, as the viewer may see them."""
    request = context.get("request")
    if request is None:
        return []
    return list(selectors.reparations_for_case(request.user, case))
