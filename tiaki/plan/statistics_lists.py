"""The statistics release log and the annual report's builds as listings
(``tiaki.core.listing``): each paged, sorted and exported (audited)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tiaki.core.listing import Column, Filter, Listing
from tiaki.plan.report_models import StatisticsRelease


def _parameters(release: Any) -> str:
    return "; ".join(f"{k}: {v}" for k, v in release.parameters.items())


RELEASES = Listing(
    name="statistics-releases",
    title=_("Release log"),
    columns=[
        Column("released", _("Released"), "published_at", sort=("published_at",)),
        Column("what", _("What"), str, sort=("kind",),
               link=lambda r: reverse("plan:statistics_release", args=[r.pk])),
        Column("parameters", _("Parameters"), _parameters),
        Column("sha256", _("SHA-256"), "sha256"),
    ],
    default_sort="-released",
    filters=[Filter("kind", _("Kind"), StatisticsRelease.Kind.choices, all_label=_("Any"))],
    per_page=25,
    prefix="releases-",
)


def _build_label(build: Any) -> str:
    return str(_("Build %(pk)s") % {"pk": build.pk})


def _signed_off(build: Any) -> Any:
    return build.signed_off_at if build.frozen else ""


# The report page's builds of the period shown: every build, newest first, paged.
REPORT_BUILDS = Listing(
    name="report-builds",
    title=_("Builds of this period"),
    columns=[
        Column("build", _("Build"), _build_label, sort=("pk",),
               link=lambda b: reverse("plan:report_build", args=[b.pk])),
        Column("requested", _("Requested"), "requested_at", sort=("requested_at",)),
        Column("status", _("Status"), "get_status_display", sort=("status",)),
        Column("signed_off", _("Signed off"), _signed_off, sort=("signed_off_at",)),
    ],
    default_sort="-requested",
    per_page=10,
    prefix="builds-",
)
