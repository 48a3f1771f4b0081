"""The intelligence reports list as a listing (``tiaki.core.listing``); every row still comes
through the caveat policy (``intelligence.policies``) and every page and export is audited."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tiaki.core.listing import Column, Filter, Listing
from tiaki.core.policy import visible
from tiaki.intelligence import selectors
from tiaki.intelligence.models import Dissemination, Entity, Report, SharingPackage

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


def _partners(user: Any) -> list[tuple[str, str]]:
    codes = visible(user, SharingPackage).order_by("partner").values_list(
        "partner", flat=True).distinct()
    return [(code, code) for code in codes]


def _username(user: Any) -> str:
    return str(user.username) if user is not None else ""


PACKAGES = Listing(
    name="sharing-packages",
    title=_("Packages"),
    columns=[
        Column("reference", _("Reference"), sort=("reference",),
               link=lambda p: reverse("intelligence:package", args=[p.reference])),
        Column("partner", _("Partner"), sort=("partner",)),
        Column("status", _("Status"), "get_status_display", sort=("status",)),
        Column("requester", _("Prepared by"), lambda p: _username(p.requester),
               sort=("requester__username",)),
        Column("decided_by", _("Decided by"), lambda p: _username(p.decided_by),
               sort=("decided_by__username",)),
        Column("prepared", _("Prepared"), "created_at", sort=("created_at",)),
    ],
    default_sort="-prepared",
    search=("reference__iexact", "purpose", "authority"),
    search_label=_("Reference, purpose or authority"),
    filters=[Filter("status", _("Status"), SharingPackage.Status.choices, all_label=_("Any")),
             Filter("partner", _("Partner"), _partners, all_label=_("Any"))],
    per_page=25,
)

# The log shares the sharing page with the packages: its query-string keys start "log-".
DISSEMINATIONS = Listing(
    name="dissemination-log",
    title=_("Dissemination log"),
    columns=[
        Column("when", _("When"), "at", sort=("at",)),
        Column("package", _("Package"), "package.reference", sort=("package__reference",)),
        Column("partner", _("To"), sort=("partner",)),
        Column("format", _("Format"), "get_format_display", sort=("format",)),
        Column("authority", _("Authority"), sort=("authority",)),
        Column("sent_by", _("Sent by"), lambda d: _username(d.sent_by),
               sort=("sent_by__username",)),
        Column("approved_by", _("Approved by"), lambda d: _username(d.approved_by),
               sort=("approved_by__username",)),
        Column("references", _("What went"), lambda d: ", ".join(d.references)),
        Column("sha256", "SHA-256", "sha256"),
    ],
    default_sort="-when",
    search=("package__reference__iexact", "authority"),
    search_label=_("Package reference or authority"),
    filters=[Filter("partner", _("To"), _partners, all_label=_("Any")),
             Filter("format", _("Format"), Dissemination.Format.choices, all_label=_("Any"))],
    per_page=25,
    prefix="log-",
)


def _schemas(user: Any) -> list[tuple[str, str]]:
    codes = visible(user, Entity).order_by("schema").values_list("schema", flat=True).distinct()
    return [(code, code) for code in codes]


# The entities whose names match the reports list's search, under it on the same page: the
# search box is the reports', so this list has none of its own (its keys start "ent-").
ENTITIES = Listing(
    name="intelligence-entities",
    title=_("Entities"),
    columns=[
        Column("entity", _("Entity"), "caption", sort=("caption",),
               link=lambda e: reverse("intelligence:entity", args=[e.ftm_id])),
        Column("kind", _("Kind"), "schema", sort=("schema",)),
        Column("report", _("Report"), "report.reference", sort=("report__reference",)),
    ],
    default_sort="entity",
    filters=[Filter("kind", _("Kind"), _schemas, lookup="schema", all_label=_("Any"))],
    per_page=25,
    prefix="ent-",
)
