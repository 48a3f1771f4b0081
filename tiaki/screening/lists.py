"""The border alerts queue as a listing (``tiaki.core.listing``)."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tiaki.core.listing import Column, Filter, Listing
from tiaki.core.policy import visible
from tiaki.screening.models import Post


def _posts(user: Any) -> list[tuple[str, str]]:
    return [(p.code, p.name) for p in visible(user, Post).order_by("code")]


def _show(alerts: QuerySet[Any], value: str, user: Any) -> QuerySet[Any]:
    return alerts.filter(decided=False) if value == "open" else alerts


def _search(alerts: QuerySet[Any], query: str, user: Any) -> QuerySet[Any]:
    rule = (Q(traveller__full_name__icontains=query)
            | Q(traveller__document_number__iexact=query))
    digits = query.lstrip("#")
    if digits.isdigit():
        rule |= Q(pk=int(digits))
    return alerts.filter(rule)


def _disposition(alert: Any) -> Any:
    # An open alert has no disposition row: reading the reverse one-to-one raises then.
    disposition = getattr(alert, "disposition", None)
    return disposition.get_outcome_display() if disposition is not None else _("Open")


ALERTS = Listing(
    name="alerts",
    title=_("Border alerts"),
    columns=[
        Column("raised", _("Raised"), "created_at", sort=("created_at",)),
        Column("traveller", _("Traveller"),
               lambda a: a.traveller.full_name or a.traveller.document_number,
               sort=("traveller__full_name",),
               link=lambda a: reverse("screening:alert", args=[a.pk])),
        Column("arrival", _("Arrival"),
               lambda a: f"{a.traveller.arrival_port or ''} {a.traveller.arrival_date or ''}"
               .strip(), sort=("traveller__arrival_date",)),
        Column("fired_by", _("Fired by"), lambda a: f"{a.get_source_display()}: {a.fired_by}",
               sort=("source",)),
        Column("queue", _("Queue"), "post.code", sort=("post__code",)),
        Column("disposition", _("Disposition"), _disposition, sort=("disposition__outcome",)),
    ],
    # Open alerts oldest first: the queue is worked in arrival order.
    default_sort="raised",
    search_label=_("Traveller's name, document number or alert number"),
    search_with=_search,
    filters=[
        Filter("show", _("Show"), [("open", _("Open alerts")), ("all", _("Open and decided"))],
               apply=_show, default="open"),
        Filter("post", _("Queue"), _posts, apply=lambda qs, v, u: qs.filter(post__code=v),
               all_label=_("All my queues")),
    ],
)
# Investigators have no queue of their own: the alerts reported to them all carry a
# disposition, so their list shows decided alerts by default.
ALERTS_REPORTED = dataclasses.replace(ALERTS, filters=[
    dataclasses.replace(ALERTS.filters[0], default="all"), *ALERTS.filters[1:]])
