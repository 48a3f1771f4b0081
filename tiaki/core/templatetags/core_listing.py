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


# A list's parts (``tiaki.core.listing.Listed``): the search form, the "n of N" line with
# the export links, the sortable headings and the page links. A page lays them out
# around its own rows, or includes ``core/listing/table.html`` for a plain table.
@register.inclusion_tag("core/listing/controls.html")
def listing_controls(listed: Any) -> dict[str, Any]:
    return {"listed": listed}


@register.inclusion_tag("core/listing/summary.html")
def listing_summary(listed: Any, export: bool = True) -> dict[str, Any]:
    return {"listed": listed, "export": export}


@register.inclusion_tag("core/listing/head.html")
def listing_head(listed: Any) -> dict[str, Any]:
    return {"listed": listed}


@register.inclusion_tag("core/listing/pages.html")
def listing_pages(listed: Any) -> dict[str, Any]:
    return {"listed": listed}


@register.inclusion_tag("core/listing/export_links.html", takes_context=True)
def export_links(context: dict[str, Any], fragment: str = "") -> dict[str, Any]:
    """CSV and XLSX links for a table that is not a listing (``?export=`` on this page)."""
    request = context["request"]
    links = {}
    for fmt in ("csv", "xlsx"):
        query = request.GET.copy()
        query["export"] = fmt
        if fragment:
            query["table"] = fragment
        links[fmt] = "?" + query.urlencode()
    return {"links": links}
