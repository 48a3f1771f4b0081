"""Administration's lists as listings (``tiaki.core.listing``): people, border posts, agencies.

Each view hands the listing the queryset the administrator may see (the ``User`` and
``Agency`` policies, the posts of the agencies they administer), so paging, search, filters,
sort and the CSV/XLSX export (``tiaki.core.exports``, audited) never reach past it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tiaki.accounts.models import Agency
from tiaki.accounts.roles import Role
from tiaki.core.listing import Column, Filter, Listing
from tiaki.core.policy import visible


def _agency_choices(user: Any) -> list[tuple[str, Any]]:
    return [(a.code, str(a)) for a in visible(user, Agency).order_by("code")]


def _roles(person: Any) -> str:
    # role_grants is prefetched by the view, so this reads no row per person.
    return ", ".join(str(g.get_role_display()) for g in person.role_grants.all())


def _active(users: QuerySet[Any], value: str, user: Any) -> QuerySet[Any]:
    return users.filter(is_active=value == "active")


def person_search(users: QuerySet[Any], query: str, user: Any) -> QuerySet[Any]:
    """A username, a first or last name, a full name ("Aroha Ngata") or an email address."""
    rule = (Q(username__icontains=query) | Q(first_name__icontains=query)
            | Q(last_name__icontains=query) | Q(email__icontains=query))
    first, _space, last = query.partition(" ")
    if last.strip():
        rule |= Q(first_name__icontains=first.strip(), last_name__icontains=last.strip())
    return users.filter(rule)


USERS = Listing(
    name="people",
    title=_("People"),
    columns=[
        Column("username", _("Username"), sort=("username",),
               link=lambda u: reverse("administration:user", args=[u.pk])),
        Column("name", _("Name"), "get_full_name", sort=("last_name", "first_name")),
        Column("email", _("Email"), sort=("email",)),
        Column("agency", _("Agency"), "agency.code", sort=("agency__code",)),
        Column("roles", _("Roles"), _roles),
        Column("status", _("Status"),
               lambda u: _("Active") if u.is_active else _("Deactivated"),
               sort=("-is_active",)),
        Column("last_login", _("Last signed in"), sort=("last_login",)),
    ],
    default_sort="username",
    search_label=_("Name, username or email"),
    search_with=person_search,
    filters=[
        Filter("status", _("Status"), [("active", _("Active")),
                                       ("deactivated", _("Deactivated"))],
               apply=_active, all_label=_("Everyone")),
        Filter("role", _("Role"), Role.choices, all_label=_("Any"),
               apply=lambda qs, v, u: qs.filter(role_grants__role=v)),
        Filter("agency", _("Agency"), _agency_choices, lookup="agency__code",
               all_label=_("Any")),
    ],
)


POSTS = Listing(
    name="border-posts",
    title=_("Border posts"),
    columns=[
        Column("code", _("Code"), sort=("code",),
               link=lambda p: reverse("administration:post", args=[p.pk])),
        Column("name", _("Name"), sort=("name",)),
        Column("agency", _("Agency"), "agency.code", sort=("agency__code",)),
        Column("ports", _("Ports"), lambda p: ", ".join(p.ports)),
        Column("visas", _("Handles visas"), "handles_visas", sort=("handles_visas",)),
        Column("default", _("Default post"), "is_default", sort=("is_default",)),
        Column("officers", _("Officers"), "officer_count", sort=("officer_count",)),
    ],
    default_sort="code",
    search=("code", "name"),
    search_label=_("Code or name"),
    filters=[
        Filter("agency", _("Agency"), _agency_choices, lookup="agency__code",
               all_label=_("Any")),
        Filter("visas", _("Visas"), [("yes", _("Handles visas")), ("no", _("No visas"))],
               apply=lambda qs, v, u: qs.filter(handles_visas=v == "yes"), all_label=_("Any")),
    ],
)


AGENCIES = Listing(
    name="agencies",
    title=_("Agencies"),
    columns=[
        Column("code", _("Code"), sort=("code",),
               link=lambda a: reverse("administration:agency", args=[a.pk])),
        Column("name", _("Name"), sort=("name",)),
        Column("kind", _("Kind"), "get_kind_display", sort=("kind",)),
        Column("status", _("Status"),
               lambda a: _("Active") if a.active else _("Not active"), sort=("-active",)),
        Column("successor", _("Work done today by"), "successor.code",
               sort=("successor__code",)),
    ],
    default_sort="code",
    search=("code", "name", "short"),
    search_label=_("Code or name"),
    filters=[
        Filter("status", _("Status"), [("active", _("Active")), ("inactive", _("Not active"))],
               apply=lambda qs, v, u: qs.filter(active=v == "active"), all_label=_("Any")),
        Filter("kind", _("Kind"), Agency.Kind.choices, all_label=_("Any")),
    ],
)
