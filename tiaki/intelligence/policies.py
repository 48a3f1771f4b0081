"""Who may see intelligence: ONE rule, applied by every page, the API, search, the graph and
every export (they all read through ``visible_reports`` or the policies below).

A report is seen by a signed-in user who
- holds an intelligence-reading role (analyst, investigator, senior officer),
- is inside its release scope: "originating agency only" means the agency (or an agency
  whose functions it now holds); "New Zealand agencies only" and "releasable to named
  partners" mean any New Zealand government agency (partners receive material only through
  an approved dissemination, never by signing in), and
- holds every caveat on it (``CaveatGrant``).

Entities, links and judgements are seen exactly when their report(s) are: a hidden report
hides its entities and edges too. Seed 002: agencies "share this information in an
effective and lawful way", internationally "within the parameters of privacy and
legislative obligations".
"""

from __future__ import annotations

from typing import Any

from django.db import models

from tiaki.accounts.roles import Role
from tiaki.core.policy import Policy, register
from tiaki.intelligence.models import (
    Caveat,
    Dissemination,
    Entity,
    GradingScheme,
    Judgement,
    Link,
    Report,
    Requirement,
    SharingPackage,
    WatchlistNomination,
)

READ_ROLES = (Role.INTELLIGENCE_ANALYST, Role.INVESTIGATOR, Role.SENIOR_OFFICER)
# Who writes reports, judges entities and keeps the collection plan.
WRITE_ROLES = (Role.INTELLIGENCE_ANALYST,)
# Who approves a dissemination to a partner (a senior officer, seed 002).
APPROVE_ROLES = (Role.SENIOR_OFFICER,)

VIEW = "view"
EDIT = "update"


def may_read_intelligence(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and user.is_active and user.has_role(*READ_ROLES))


def report_rule(user: Any) -> models.Q:
    """The release-scope part of the rule as a filter on reports."""
    agency = getattr(user, "agency", None)
    if agency is None:
        return models.Q(pk__in=[])
    rule = models.Q(release=Report.Release.AGENCY, agency_id__in=agency.lineage_ids())
    if agency.country == "NZ" and agency.kind == "government":
        rule |= models.Q(release__in=[Report.Release.NZ, Report.Release.PARTNERS])
    return rule


def report_scope(user: Any, queryset: models.QuerySet[Report]) -> models.QuerySet[Report]:
    if not may_read_intelligence(user):
        return queryset.none()
    lacking = Caveat.objects.exclude(grants__user=user)
    return queryset.filter(report_rule(user)).exclude(caveats__in=lacking)


def visible_reports(user: Any) -> models.QuerySet[Report]:
    return report_scope(user, Report.objects.all())


@register
class ReportPolicy(Policy[Report]):
    model = Report

    def scope(self, user: Any, queryset: models.QuerySet[Report]) -> models.QuerySet[Report]:
        return report_scope(user, queryset)

    def refusal(self, user: Any, action: str, obj: Report) -> str | None:
        if not visible_reports(user).filter(pk=obj.pk).exists():
            return "you may not see this report"
        if action == VIEW:
            return None
        if not user.has_role(*WRITE_ROLES):
            return "only intelligence analysts may change intelligence"
        return None


@register
class EntityPolicy(Policy[Entity]):
    model = Entity

    def scope(self, user: Any, queryset: models.QuerySet[Entity]) -> models.QuerySet[Entity]:
        return queryset.filter(report__in=visible_reports(user))

    def refusal(self, user: Any, action: str, obj: Entity) -> str | None:
        return ReportPolicy().refusal(user, action, obj.report)


@register
class LinkPolicy(Policy[Link]):
    model = Link

    def scope(self, user: Any, queryset: models.QuerySet[Link]) -> models.QuerySet[Link]:
        return queryset.filter(report__in=visible_reports(user))


@register
class JudgementPolicy(Policy[Judgement]):
    """A judgement is seen only by someone who may see both of its entities."""

    model = Judgement

    def scope(self, user: Any, queryset: models.QuerySet[Judgement]
              ) -> models.QuerySet[Judgement]:
        reports = visible_reports(user)
        return queryset.filter(left__report__in=reports, right__report__in=reports)


@register
class RequirementPolicy(Policy[Requirement]):
    """The collection plan (what is asked for, not what was found) is open to intelligence
    readers; its reports keep their own policy."""

    model = Requirement

    def scope(self, user: Any, queryset: models.QuerySet[Requirement]
              ) -> models.QuerySet[Requirement]:
        return queryset if may_read_intelligence(user) else queryset.none()

    def refusal(self, user: Any, action: str, obj: Requirement) -> str | None:
        if not may_read_intelligence(user):
            return "you may not see the collection plan"
        if action != VIEW and not user.has_role(*WRITE_ROLES):
            return "only intelligence analysts may change the collection plan"
        return None


@register
class GradingSchemePolicy(Policy[GradingScheme]):
    model = GradingScheme

    def scope(self, user: Any, queryset: models.QuerySet[GradingScheme]
              ) -> models.QuerySet[GradingScheme]:
        return queryset if may_read_intelligence(user) else queryset.none()


@register
class CaveatPolicy(Policy[Caveat]):
    model = Caveat

    def scope(self, user: Any, queryset: models.QuerySet[Caveat]) -> models.QuerySet[Caveat]:
        return queryset if may_read_intelligence(user) else queryset.none()


def package_scope(user: Any, queryset: models.QuerySet[SharingPackage]
                  ) -> models.QuerySet[SharingPackage]:
    """A sharing package is seen only by an intelligence reader who may see every report
    selected for it (a hidden report hides the package that names it)."""
    if not may_read_intelligence(user):
        return queryset.none()
    hidden = Report.objects.exclude(pk__in=visible_reports(user).values("pk"))
    return queryset.exclude(reports__in=hidden)


@register
class SharingPackagePolicy(Policy[SharingPackage]):
    model = SharingPackage

    def scope(self, user: Any, queryset: models.QuerySet[SharingPackage]
              ) -> models.QuerySet[SharingPackage]:
        return package_scope(user, queryset)

    def refusal(self, user: Any, action: str, obj: SharingPackage) -> str | None:
        if not package_scope(user, SharingPackage.objects.filter(pk=obj.pk)).exists():
            return "you may not see this package"
        return None


@register
class DisseminationPolicy(Policy[Dissemination]):
    """The dissemination log: seen by whoever may see the package."""

    model = Dissemination

    def scope(self, user: Any, queryset: models.QuerySet[Dissemination]
              ) -> models.QuerySet[Dissemination]:
        return queryset.filter(package__in=package_scope(user, SharingPackage.objects.all()))


@register
class WatchlistNominationPolicy(Policy[WatchlistNomination]):
    """A nomination is seen by whoever may see its entity; a border officer sees only the
    watchlist entry, which says it came from intelligence."""

    model = WatchlistNomination

    def scope(self, user: Any, queryset: models.QuerySet[WatchlistNomination]
              ) -> models.QuerySet[WatchlistNomination]:
        return queryset.filter(entity__report__in=visible_reports(user))
