"""Who may see and act on investigations (one policy per model; see tiaki.core.policy).

Need to know: an investigation is seen by its team (members, from whichever agencies) and
its senior officer, and by no one else, whatever their role or agency. Its parts (tasks,
suspects, exhibits, ...) are seen by whoever sees the investigation. Linked records keep
their own policies: being on an investigation never opens a victim case, a report or an
alert to someone who could not see it already.

Seed 002: suspected trafficking is "dealt with by senior officials", so charging needs a
senior officer on the investigation, and only the senior officer closes it.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from tiaki.accounts.roles import Role
from tiaki.core.policy import Policy, register
from tiaki.investigations.models import (
    Appeal,
    Charge,
    Communication,
    CustodyEntry,
    Disclosure,
    Event,
    Exhibit,
    Hearing,
    Interview,
    Investigation,
    Link,
    Member,
    ProtocolStep,
    ReparationOrder,
    Sentence,
    Suspect,
    Task,
)

# Who may open an investigation and be its senior officer.
OPEN_ROLES = (Role.INVESTIGATOR, Role.SENIOR_OFFICER)
# Who may see the anonymous law-enforcement figures (TIP, UNODC; items 23-24 measures).
FIGURES_ROLES = (Role.SECRETARIAT, Role.MINISTER_OFFICE, Role.SENIOR_OFFICER,
                 Role.ADMINISTRATOR, Role.INTELLIGENCE_ANALYST, Role.AUDITOR)

VIEW = "view"
EDIT = "update"
CHARGE = "charge a suspect on"
CLOSE = "close"
SUPERVISE = "supervise"


def investigation_scope(user: Any, queryset: models.QuerySet[Investigation]
                        ) -> models.QuerySet[Investigation]:
    rule = models.Q(members__user=user) | models.Q(senior_officer=user)
    return queryset.filter(pk__in=Investigation.objects.filter(rule).values("pk"))


def visible_investigations(user: Any) -> models.QuerySet[Investigation]:
    return investigation_scope(user, Investigation.objects.all())


def on_team(user: Any, investigation: Investigation) -> bool:
    return investigation.senior_officer_id == user.pk or Member.objects.filter(
        investigation=investigation, user=user).exists()


def may_supervise(user: Any, investigation: Investigation) -> str | None:
    """Why ``user`` may not be this investigation's senior officer, or None."""
    if not user.is_active or not user.has_role(Role.SENIOR_OFFICER):
        return _("%(username)s is not a senior officer") % {"username": user.username}
    agency = getattr(user, "agency", None)
    if agency is None or investigation.lead_agency_id not in agency.lineage_ids():
        return (_("the senior officer must come from the lead agency, %(lead_agency)s")
                % {"lead_agency": investigation.lead_agency})
    return None


@register
class InvestigationPolicy(Policy[Investigation]):
    model = Investigation

    def scope(self, user: Any, queryset: models.QuerySet[Investigation]
              ) -> models.QuerySet[Investigation]:
        return investigation_scope(user, queryset)

    def refusal(self, user: Any, action: str, obj: Investigation) -> str | None:
        if not on_team(user, obj):
            return _("only the investigation team may do this")
        if action == VIEW:
            return None
        if not obj.is_open:
            return _("investigation %(reference)s is closed") % {"reference": obj.reference}
        if action == CHARGE and obj.senior_officer_id is None:
            return (_("no senior officer is assigned to this investigation: suspected "
                      "trafficking is dealt with by senior officials (Plan of Action), so a "
                      "senior officer must be assigned before anyone is charged"))
        if action == CLOSE and obj.senior_officer_id != user.pk:
            return _("only the investigation's senior officer may close it")
        return None


class _PartPolicy[M: models.Model](Policy[M]):
    """Parts of an investigation are seen by whoever sees the investigation."""

    path: str = "investigation"

    def scope(self, user: Any, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
        return queryset.filter(**{f"{self.path}__in": visible_investigations(user)})

    def refusal(self, user: Any, action: str, obj: M) -> str | None:
        investigation = obj
        for attr in self.path.split("__"):
            investigation = getattr(investigation, attr)
        assert isinstance(investigation, Investigation)
        return InvestigationPolicy().refusal(user, action, investigation)


def _part(model: type[models.Model], path: str = "investigation") -> None:
    policy = type(f"{model.__name__}Policy", (_PartPolicy,), {"model": model, "path": path})
    register(policy)


for _model in (Member, ProtocolStep, Task, Communication, Link, Interview, Suspect, Hearing,
               Exhibit, Disclosure, Event):
    _part(_model)
_part(Charge, "suspect__investigation")
_part(Sentence, "charge__suspect__investigation")
_part(Appeal, "charge__suspect__investigation")
_part(CustodyEntry, "exhibit__investigation")


@register
class ReparationOrderPolicy(Policy[ReparationOrder]):
    """The investigation team sees the orders it recorded; the victim's case team sees the
    orders made for its victim (they belong to the case as much as to the prosecution)."""

    model = ReparationOrder

    def scope(self, user: Any, queryset: models.QuerySet[ReparationOrder]
              ) -> models.QuerySet[ReparationOrder]:
        from tiaki.cases.models import VictimCase
        from tiaki.core.policy import visible

        return queryset.filter(
            models.Q(sentence__charge__suspect__investigation__in=visible_investigations(user))
            | models.Q(case__in=visible(user, VictimCase)))


def may_see_figures(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(*FIGURES_ROLES))
