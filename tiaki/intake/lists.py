"""The triage queue and the screenings list as listings (``tiaki.core.listing``)."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tiaki.core.listing import Column, Filter, Listing
from tiaki.intake.models import Region, Report, Screening

_REFERENCE = re.compile(r"^\s*R-?0*(\d+)\s*$", re.IGNORECASE)


def report_search(reports: QuerySet[Any], query: str, user: Any) -> QuerySet[Any]:
    """A report's reference (R-000123 is report 123), or words from its place or people."""
    rule = Q(place__icontains=query) | Q(people__icontains=query)
    match = _REFERENCE.match(query)
    if match:
        rule |= Q(pk=int(match.group(1)))
    return reports.filter(rule)


def _status(reports: QuerySet[Any], value: str, user: Any) -> QuerySet[Any]:
    if value == "open":
        return reports.exclude(status=Report.Status.CLOSED)
    if value == "all":
        return reports
    return reports.filter(status=value)


TRIAGE_LIST = Listing(
    name="triage",
    title=_("Reports to triage"),
    columns=[
        Column("report", _("Report"), "reference", sort=("id",),
               link=lambda r: reverse("intake:triage_detail", args=[r.pk])),
        Column("priority", _("Priority"), "get_priority_display", sort=("priority", "received_at")),
        Column("received", _("Received"), "received_at", sort=("received_at",)),
        Column("channel", _("Channel"), "get_channel_display", sort=("channel",)),
        Column("region", _("Region"), "get_region_display", sort=("region",)),
        Column("children", _("Children"), "get_children_display", sort=("children",)),
        Column("status", _("Status"), "get_status_display", sort=("status",)),
        Column("assignee", _("Assignee"), "assignee.username", sort=("assignee__username",)),
    ],
    # Risk to life first, then oldest first (the queue's order before it paged).
    default_sort="priority",
    search_label=_("Report reference, place or people"),
    search_with=report_search,
    filters=[
        Filter("status", _("Show"), [("open", _("Open")), *Report.Status.choices,
                                     ("all", _("All"))], apply=_status, default="open"),
        Filter("mine", _("Assigned to"), [("1", _("Me"))], all_label=_("Anyone"),
               apply=lambda qs, v, user: qs.filter(assignee=user)),
        Filter("priority", _("Priority"), Report.Priority.choices, all_label=_("Any")),
        Filter("region", _("Region"), Region.choices, all_label=_("Any")),
    ],
)


_SCREENING_REFERENCE = re.compile(r"^\s*S-?0*(\d+)\s*$", re.IGNORECASE)


def screening_search(screenings: QuerySet[Any], query: str, user: Any) -> QuerySet[Any]:
    """A screening's reference (S-000045 is screening 45) or the person's label."""
    rule = Q(subject_label__icontains=query)
    match = _SCREENING_REFERENCE.match(query)
    if match:
        rule |= Q(pk=int(match.group(1)))
    return screenings.filter(rule)


SCREENINGS = Listing(
    name="screenings",
    title=_("Screenings"),
    columns=[
        Column("screening", _("Screening"), "reference", sort=("id",)),
        Column("person", _("Person"), "subject_label", sort=("subject_label",)),
        Column("official", _("Official"), "official.username", sort=("official__username",)),
        Column("agency", _("Agency"), "agency.code", sort=("agency__code",)),
        Column("recommendation", _("Engine recommends"), sort=("recommendation",)),
        Column("decision", _("Decision"), "get_decision_display", sort=("decision",)),
        Column("referred", _("Referred"),
               lambda s: f"R-{s.report_id:06d}" if s.report_id else ""),
        Column("created", _("Screened"), "created_at", sort=("created_at",)),
    ],
    default_sort="-created",
    search_label=_("Screening reference or person"),
    search_with=screening_search,
    filters=[
        Filter("decision", _("Decision"), [("none", _("Not yet decided")),
                                           *Screening.Decision.choices],
               apply=lambda qs, v, u: qs.filter(decision="" if v == "none" else v),
               all_label=_("Any")),
    ],
)
