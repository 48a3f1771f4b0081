"""The investigations list as a listing (``tiaki.core.listing``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tiaki.core.listing import Column, Filter, Listing
from tiaki.investigations.models import Communication, Investigation

INVESTIGATIONS = Listing(
    name="investigations",
    title=_("Investigations"),
    columns=[
        Column("reference", _("Reference"), sort=("reference",),
               link=lambda i: reverse("investigations:detail", args=[i.reference])),
        Column("title", _("Title"), sort=("title",)),
        Column("lead", _("Lead agency"), "lead_agency.code", sort=("lead_agency__code",)),
        Column("senior", _("Senior officer"), "senior_officer.username",
               sort=("senior_officer__username",)),
        Column("opened", _("Opened"), "opened_at", sort=("opened_at",)),
        Column("status", _("Status"), "get_status_display", sort=("status",)),
    ],
    default_sort="-opened",
    search_label=_("Title or reference"),
    search_with=lambda qs, q, user: qs.filter(Q(title__icontains=q) | Q(reference__icontains=q)),
    filters=[Filter("status", _("Show"), [*Investigation.Status.choices, ("all", _("All"))],
                    apply=lambda qs, v, u: qs if v == "all" else qs.filter(status=v),
                    default="open")],
)


def _by(row: Any) -> str:
    return str(row.actor.username) if row.actor is not None else ""


# The investigation page's communications log; it shares the page with the history, so its
# query-string keys start "comms-".
COMMUNICATIONS = Listing(
    name="communications",
    title=_("Communication log"),
    columns=[
        Column("when", _("When"), "at", sort=("at",)),
        Column("direction", _("Direction"), "get_direction_display", sort=("direction",)),
        Column("agency", _("Agency"), "agency.code", sort=("agency__code",)),
        Column("channel", _("Channel"), sort=("channel",)),
        Column("summary", _("Summary")),
        Column("by", _("By"), _by, sort=("actor__username",)),
    ],
    default_sort="-when",
    search=("summary", "channel"),
    search_label=_("Words in the log"),
    filters=[Filter("direction", _("Direction"), Communication.Direction.choices,
                    all_label=_("Any"))],
    per_page=25,
    prefix="comms-",
)
