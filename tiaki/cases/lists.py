"""The cases list as a listing (``tiaki.core.listing``): pages, search, filters, sort, export."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tiaki.cases import selectors
from tiaki.cases.models import CaseStatus
from tiaki.core.listing import Column, Filter, Listing


def _open_or_closed(cases: QuerySet[Any], value: str, user: Any) -> QuerySet[Any]:
    return selectors.by_state(cases, value)


CASES = Listing(
    name="cases",
    title=_("Victim cases"),
    columns=[
        Column("reference", _("Reference"), sort=("reference",),
               link=lambda c: reverse("cases:detail", args=[c.reference])),
        Column("opened", _("Opened"), "created_at", sort=("created_at",)),
        Column("agency", _("Agency"), "agency.code", sort=("agency__code",)),
        Column("nationality", _("Nationality"), sort=("nationality",)),
        Column("child", _("Child"), "is_child", sort=("is_child",)),
        Column("status", _("Status"), "get_status_display", sort=("status",)),
    ],
    default_sort="-opened",
    search_label=_("Case reference, nationality, report or screening reference"),
    search_hint=_("Names and documents are encrypted and cannot be searched: reveal them "
                  "from a case."),
    search_with=lambda cases, query, user: selectors.case_search(cases, query),
    filters=[
        Filter("status", _("Show"), [("open", _("Open cases")), ("closed", _("Closed cases")),
                                     ("all", _("All cases"))],
               apply=_open_or_closed, default="open"),
        Filter("case_status", _("Case status"), CaseStatus.choices, lookup="status",
               all_label=_("Any")),
        Filter("child", _("Children"), [("yes", _("Children only")), ("no", _("Adults only"))],
               apply=lambda qs, v, u: qs.filter(is_child=v == "yes"), all_label=_("Anyone")),
    ],
)
