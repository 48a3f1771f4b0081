"""The intelligence reports list as a listing (``tiaki.core.listing``); every row still comes
through the caveat policy (``intelligence.policies``) and every page and export is audited."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tiaki.core.listing import Column, Filter, Listing
from tiaki.intelligence import selectors
from tiaki.intelligence.models import Report

REPORTS = Listing(
    name="intelligence-reports",
    title=_("Intelligence reports"),
    columns=[
        Column("reference", _("Reference"), sort=("reference",),
               link=lambda r: reverse("intelligence:report", args=[r.reference])),
        Column("title", _("Title"), sort=("title",)),
        Column("agency", _("Agency"), "agency.code", sort=("agency__code",)),
        Column("grade", _("Grade"), lambda r: f"{r.grade} ({r.scheme.code})",
               sort=("source_grade", "information_grade")),
        Column("release", _("Release"),
               lambda r: f"{r.get_release_display()} · {r.get_tlp_display()}",
               sort=("release",)),
        Column("recorded", _("Recorded"), "created_at", sort=("created_at",)),
    ],
    default_sort="-recorded",
    search_label=_("Words, a reference or an entity's name"),
    search_with=selectors.report_search,
    filters=[Filter("release", _("Release"), Report.Release.choices,
                    all_label=_("Any"))],
)
