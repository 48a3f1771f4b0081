"""Who administers whom (one policy per model; see ``tiaki.core.policy``).

An agency's administrator (role ``administrator``) manages the people of that agency (and of
the agencies whose functions it took over: DoL's staff are MBIE's today), their roles, second
factors and API tokens, and the agency's border posts. A platform administrator manages every
agency's people, the agencies themselves and the scheduled jobs. Nobody else administers
anything, and a record outside an administrator's reach answers exactly like a missing one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from tiaki.accounts.models import Agency, ApiToken, User
from tiaki.accounts.roles import Role
from tiaki.core.policy import Policy, register

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MANAGE = "manage"


def is_platform_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active
                and user.has_role(Role.PLATFORM_ADMINISTRATOR))


def is_agency_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active
                and user.has_role(Role.ADMINISTRATOR) and user.agency_id is not None)


def is_admin(user: Any) -> bool:
    return is_platform_admin(user) or is_agency_admin(user)


def administered_agency_ids(user: Any) -> set[int] | None:
    """The agencies whose people ``user`` manages; None means every agency."""
    if is_platform_admin(user):
        return None
    if is_agency_admin(user):
        ids: set[int] = user.agency.lineage_ids()
        return ids
    return set()


def administrable_agencies(user: Any) -> models.QuerySet[Agency]:
    ids = administered_agency_ids(user)
    agencies = Agency.objects.all()
    return agencies if ids is None else agencies.filter(pk__in=ids)


def grantable_roles(user: Any) -> list[tuple[str, StrOrPromise]]:
    """The roles ``user`` may give: everything but the platform role, unless they hold it.
    Labels stay lazy, so a form shows them in the reader's language."""
    return [(code, label) for code, label in Role.choices
            if code != Role.PLATFORM_ADMINISTRATOR or is_platform_admin(user)]


@register
class UserPolicy(Policy[User]):
    model = User

    def scope(self, user: Any, queryset: models.QuerySet[User]) -> models.QuerySet[User]:
        ids = administered_agency_ids(user)
        if ids is None:
            return queryset
        return queryset.filter(agency_id__in=ids)

    def refusal(self, user: Any, action: str, obj: User) -> str | None:
        if not is_admin(user):
            return "only administrators manage users"
        ids = administered_agency_ids(user)
        if ids is not None and obj.agency_id not in ids:
            return "you manage only the people of your own agency"
        if (obj.has_role(Role.PLATFORM_ADMINISTRATOR) and not is_platform_admin(user)):
            return "only a platform administrator may change a platform administrator"
        return None


@register
class AgencyPolicy(Policy[Agency]):
    model = Agency

    def scope(self, user: Any, queryset: models.QuerySet[Agency]) -> models.QuerySet[Agency]:
        ids = administered_agency_ids(user)
        if ids is None:
            return queryset
        return queryset.filter(pk__in=ids)

    def refusal(self, user: Any, action: str, obj: Agency) -> str | None:
        if action == MANAGE and not is_platform_admin(user):
            return "only a platform administrator changes agencies and their successors"
        return None


@register
class ApiTokenPolicy(Policy[ApiToken]):
    model = ApiToken

    def scope(self, user: Any, queryset: models.QuerySet[ApiToken]) -> models.QuerySet[ApiToken]:
        return queryset.filter(user__in=UserPolicy().scope(user, User.objects.all()))
