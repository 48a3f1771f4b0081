"""A person's notifications as a listing (``tiaki.core.listing``): their own only, newest first."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tiaki.core.listing import Column, Filter, Listing
from tiaki.core.notifications import Kind


def _show(found: QuerySet[Any], value: str, user: Any) -> QuerySet[Any]:
    return found if value == "all" else found.filter(read_at__isnull=True)


NOTIFICATIONS = Listing(
    name="notifications",
    title=_("Notifications"),
    columns=[
        Column("notice", _("Notice"), "subject", sort=("subject",),
               link=lambda n: reverse("core:notification_open", args=[n.pk])),
        Column("kind", _("Kind"), "get_kind_display", sort=("kind",)),
        Column("when", _("When"), "created_at", sort=("created_at",)),
        Column("read", _("Read"), "read_at", sort=("read_at",)),
    ],
    default_sort="-when",
    search=("subject", "body"),
    search_label=_("Words in the notice"),
    filters=[
        Filter("show", _("Show"), [("unread", _("Unread only")), ("all", _("All"))],
               apply=_show, default="unread"),
        Filter("kind", _("Kind"), Kind.choices, all_label=_("Any")),
    ],
)
