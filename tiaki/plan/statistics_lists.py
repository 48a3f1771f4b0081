"""The statistics release log as a listing (``tiaki.core.listing``): every release, paged,
filtered by kind, sorted and exported (audited)."""

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
