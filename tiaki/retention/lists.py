"""The retention page's lists (``tiaki.core.listing``): released holds, past disposal runs
and the records disposed of. They share one page, so each has its own query-string prefix;
each pages, searches by reference, sorts and exports (audited) what the policy shows."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tiaki.core.listing import Column, Listing


def _username(user: Any) -> str:
    return str(user.username) if user is not None else ""


RELEASED_HOLDS = Listing(
    name="released-holds",
    title=_("Released holds"),
    columns=[
        Column("reference", _("Reference"), sort=("reference",)),
        Column("record_class", _("Record class"), sort=("record_class",)),
        Column("reason", _("Reason")),
        Column("released", _("Released"), "released_at", sort=("released_at",)),
        Column("by", _("By"), lambda h: _username(h.released_by),
               sort=("released_by__username",)),
        Column("release_reason", _("Why released"), "release_reason"),
    ],
    default_sort="-released",
    search=("reference__iexact", "reason"),
    search_label=_("Reference"),
    per_page=25,
    prefix="released-",
)

RUNS = Listing(
    name="disposal-runs",
    title=_("Past runs"),
    columns=[
        Column("run", _("Run"), "pk", sort=("pk",)),
        Column("as_of", _("As of"), sort=("as_of",)),
        Column("status", _("Status"), "get_status_display", sort=("status",)),
        Column("disposed", _("Disposed of"), "total"),
        Column("error", _("Error"), "error"),
    ],
    default_sort="-run",
    per_page=25,
    prefix="runs-",
)

DISPOSALS = Listing(
    name="disposals",
    title=_("Records disposed of"),
    columns=[
        Column("reference", _("Reference"), sort=("reference",)),
        Column("record_class", _("Record class"), sort=("record_class",)),
        Column("action", _("Action"), sort=("action",)),
        Column("at", _("When"), sort=("at",)),
        Column("run", _("Run"), "run_id", sort=("run_id",)),
    ],
    default_sort="-at",
    search=("reference__iexact",),
    search_label=_("Reference"),
    per_page=50,
    prefix="disposed-",
)
