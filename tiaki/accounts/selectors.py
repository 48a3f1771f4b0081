"""Reading people: who, in which agencies, holds which roles."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from tiaki.accounts.models import Agency, User


def staff_of(agencies: Iterable[Agency], roles: Iterable[str]) -> QuerySet[User]:
    """Active users of these agencies, or of agencies whose functions they took over
    (DoL's staff are MBIE's today), who hold any of ``roles``."""
    ids: set[int] = set()
    for agency in agencies:
        ids |= agency.lineage_ids()
    return User.objects.filter(
        agency_id__in=ids, is_active=True, role_grants__role__in=list(roles)
    ).distinct()
