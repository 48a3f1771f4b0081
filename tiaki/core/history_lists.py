"""A record's history (case, investigation, privacy request, breach) as a listing.

Every such history is rows with ``at``, ``actor`` and ``summary``; the detail page hands the
listing that record's own history (already behind the record's policy), so it pages through
all of it instead of showing the latest fifty, and exports it (audited) like any list. Its
query-string keys start "history-" so it shares the detail page with anything else.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tiaki.core.listing import Column, Listing


def _by(event: Any) -> str:
    return str(event.actor.username) if event.actor is not None else ""


def _what(event: Any) -> str:
    # A case's events read in the page's language (``CaseEvent.shown``); others as written.
    return str(getattr(event, "shown", "") or event.summary)


HISTORY = Listing(
    name="history",
    title=_("History"),
    columns=[
        Column("when", _("When"), "at", sort=("at",)),
        Column("what", _("What happened"), _what, sort=("summary",)),
        Column("by", _("By"), _by, sort=("actor__username",)),
    ],
    default_sort="-when",
    search=("summary",),
    search_label=_("Words in the history"),
    per_page=25,
    prefix="history-",
)
