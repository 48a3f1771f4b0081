"""Template helpers for lists: links that keep the current search, filters and sort."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with ``changes`` applied (``None`` or "" drops a key).

    Changing anything but the page goes back to the first page, so a new filter never
    lands on a page that no longer exists.
    """
    query = context["request"].GET.copy()
    if "page" not in changes:
        query.pop("page", None)
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = str(value)
    return str(query.urlencode())
