"""The Working Group's meetings as a listing (``tiaki.core.listing``): every meeting of the
Plan, paged, searched by title or agenda, sorted and exported (audited)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tiaki.core.listing import Column, Listing

MEETINGS = Listing(
    name="working-group-meetings",
    title=_("Meetings"),
    columns=[
        Column("held_on", _("Held on"), sort=("held_on",),
               link=lambda m: reverse("plan:meeting", args=[m.pk])),
        Column("title", _("Title"), sort=("title",)),
    ],
    default_sort="-held_on",
    search=("title", "agenda", "minutes"),
    search_label=_("Search"),
    per_page=25,
    prefix="meetings-",
)
