"""The border alerts queue as a listing (``tiaki.core.listing``)."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tiaki.core.listing import Column, Filter, Listing
from tiaki.core.policy import visible
from tiaki.screening.models import IngestBatch, LostDocument
from tiaki.screening.selectors import posts_visible


def _posts(user: Any) -> list[tuple[str, str]]:
    return [(p.code, p.name) for p in posts_visible(user)]


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
        Column("fired_by", _("Fired by"), lambda a: f"{a.source_label}: {a.fired_by}",
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


def _batch_alerts_show(alerts: QuerySet[Any], value: str, user: Any) -> QuerySet[Any]:
    return alerts.filter(decided=value == "decided")


# One file's alerts on its batch page: every alert it raised, in the order they were raised.
BATCH_ALERTS = dataclasses.replace(
    ALERTS, name="batch-alerts", title=_("Alerts raised by this file"),
    columns=[c for c in ALERTS.columns if c.key != "arrival"],
    filters=[Filter("show", _("Show"), [("open", _("Open alerts")),
                                        ("decided", _("Decided"))],
                    apply=_batch_alerts_show, all_label=_("All")),
             ALERTS.filters[1]])


def _batch_status(batch: Any) -> Any:
    return batch.get_status_display()


BATCHES = Listing(
    name="ingested-files",
    title=_("Files ingested"),
    columns=[
        Column("file", _("File"), "file_name", sort=("file_name",),
               link=lambda b: reverse("screening:batch", args=[b.pk])),
        Column("received", _("Received"), "created_at", sort=("created_at",)),
        Column("format", _("Format"), sort=("format",)),
        Column("read", _("Read"), "read_count", sort=("read_count",)),
        Column("added", _("Added"), "added_count", sort=("added_count",)),
        Column("present", _("Already present"), "present_count", sort=("present_count",)),
        Column("rejected", _("Rejected"), "rejected_count", sort=("rejected_count",)),
        Column("alerts", _("Alerts"), "alert_count", sort=("alert_count",)),
        Column("status", _("Screening"), _batch_status, sort=("status",)),
    ],
    default_sort="-received",
    search=("file_name", "sha256__iexact"),
    search_label=_("File name or SHA-256"),
    filters=[Filter("status", _("Screening"), IngestBatch.Status.choices,
                    all_label=_("Any"))],
    per_page=25,
)


def _document_search(documents: QuerySet[Any], query: str, user: Any) -> QuerySet[Any]:
    # Numbers are matched as the register stores them (spaces and dashes dropped, upper case).
    from tiaki.screening.parsers.documents import normalise_number

    rule = Q(reference__icontains=query)
    number = normalise_number(query)
    if number:
        rule |= Q(number_normalised__icontains=number)
    return documents.filter(rule)


def _issuers(user: Any) -> list[tuple[str, str]]:
    codes = visible(user, LostDocument).filter(active=True).order_by("issuer").values_list(
        "issuer", flat=True).distinct()
    return [(code, code) for code in codes]


LOST_DOCUMENTS = Listing(
    name="lost-documents",
    title=_("Lost and stolen travel documents"),
    columns=[
        Column("issuer", _("Issuer"), sort=("issuer", "number_normalised")),
        Column("number", _("Number"), sort=("number_normalised",)),
        Column("type", _("Type"), "doc_type", sort=("doc_type",)),
        Column("status", _("Status"), "get_status_display", sort=("status",)),
        Column("reference", _("Reference"), sort=("reference",)),
        Column("reported", _("Reported"), "reported_on", sort=("reported_on",)),
    ],
    default_sort="issuer",
    search_label=_("Find a document number"),
    search_hint=_("A document number or the register's reference."),
    search_with=_document_search,
    filters=[
        Filter("status", _("Status"), LostDocument.Status.choices, all_label=_("Any")),
        Filter("issuer", _("Issuer"), _issuers, all_label=_("Any")),
    ],
)
