"""The privacy request queue and the breaches list as listings (``tiaki.core.listing``).

The view narrows by its own "show" choice (awaiting a decision, overdue, all) and hands
over the privacy officer's policy-filtered rows; each page shown is an audited read
(``selectors.requests_listed``) and each export is audited as an export.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tiaki.core.listing import Column, Filter, Listing
from tiaki.privacy.models import AccessRequest, Breach

PRIVACY_REQUESTS = Listing(
    name="privacy-requests",
    title=_("Privacy requests"),
    columns=[
        Column("reference", _("Reference"), sort=("reference",)),
        Column("case", _("Case"), "case.reference", sort=("case__reference",)),
        Column("kind", _("Kind"), "get_kind_display", sort=("kind",)),
        Column("received", _("Received"), "received_on", sort=("received_on",)),
        Column("due", _("Decision due"), "deadline", sort=("deadline_on",)),
        Column("status", _("Status"), "get_status_display", sort=("status",)),
    ],
    default_sort="due",
    search=("reference__iexact", "case__reference__iexact"),
    search_label=_("Reference"),
    filters=[Filter("kind", _("Kind"), AccessRequest.Kind.choices, all_label=_("Any"))],
)

BREACHES = Listing(
    name="privacy-breaches",
    title=_("Privacy breaches"),
    columns=[
        Column("reference", _("Reference"), sort=("reference",)),
        Column("kind", _("Kind"), "get_kind_display", sort=("kind",)),
        Column("found", _("Found"), "found_at", sort=("found_at",)),
        Column("notifiable", _("Notifiable"), "notifiable", sort=("notifiable",)),
        Column("status", _("Status"), "get_status_display", sort=("status",)),
    ],
    default_sort="-found",
    search=("reference__iexact",),
    search_label=_("Reference"),
    filters=[Filter("kind", _("Kind"), Breach.Kind.choices, all_label=_("Any"))],
)
