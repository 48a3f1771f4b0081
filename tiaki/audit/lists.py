"""The audit trail's search page as a listing (``tiaki.core.listing``) that never counts it all.

The trail only grows (millions of rows within a few years, issue 16), so the page counts at
most ``COUNT_CAP`` matching rows (``COUNT`` over a ``LIMIT``, ``CappedPaginator``), says
"more than" beyond that and pages through those; a narrower search reaches older rows. It
sorts only by the indexed row number and time. The page's own search form (username,
agency, action, record, dates) narrows the policy's queryset first (``audit_search``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tiaki.core.listing import Column, Listing

COUNT_CAP = 10_000


def _who(event: object) -> str:
    name = getattr(event, "actor_username", "") or str(_("(public)"))
    agency = getattr(event, "actor_agency", "")
    return f"{name} · {agency}" if agency else name


def _record(event: object) -> str:
    kind = getattr(event, "object_type", "")
    ident = getattr(event, "object_id", "")
    return f"{kind}:{ident}" if ident else kind


AUDIT_TRAIL = Listing(
    name="audit-trail",
    title=_("Audit trail"),
    columns=[
        Column("number", "#", "pk", sort=("id",)),
        Column("when", _("When"), "at", sort=("at",)),
        Column("who", _("Who"), _who),
        Column("roles", _("Roles"), "actor_roles"),
        Column("action", _("Action"), "get_action_display"),
        Column("record", _("Record"), _record),
        Column("summary", _("Summary")),
        Column("reason", _("Reason")),
    ],
    default_sort="-number",
    count_cap=COUNT_CAP,
)
