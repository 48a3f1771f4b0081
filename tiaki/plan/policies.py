"""Who may see the Plan and record progress on its items.

The Plan and its progress are shared across government: every signed-in staff member may
read them. Recording progress belongs to the agencies responsible for an item (seed 002:
"each agency will report on progress"), including the agencies that took over a 2009
agency's functions (DoL -> MBIE), and to the working group's secretariat.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from tiaki.accounts.roles import PLAN_REPORTING_ROLES, Role
from tiaki.core.policy import Policy, register
from tiaki.plan.models import ActionItem, Evidence, Plan, ProgressUpdate

REPORT = "record progress on"


def _is_staff_member(user: Any) -> bool:
    return bool(user.role_codes()) or user.is_superuser


@register
class PlanPolicy(Policy[Plan]):
    model = Plan

    def scope(self, user: Any, queryset: models.QuerySet[Plan]) -> models.QuerySet[Plan]:
        return queryset if _is_staff_member(user) else queryset.none()


@register
class ActionItemPolicy(Policy[ActionItem]):
    model = ActionItem

    def scope(
        self, user: Any, queryset: models.QuerySet[ActionItem]
    ) -> models.QuerySet[ActionItem]:
        return queryset if _is_staff_member(user) else queryset.none()

    def refusal(self, user: Any, action: str, obj: ActionItem) -> str | None:
        if action != REPORT:
            return f"you may not {action} an action item"
        if user.has_role(Role.SECRETARIAT):
            return None
        if not user.has_role(*PLAN_REPORTING_ROLES):
            return "your role does not record progress on the Plan"
        if user.agency is None:
            return "you do not belong to an agency"
        responsible = set(obj.agency_links.values_list("agency_id", flat=True))
        if responsible & user.agency.lineage_ids():
            return None
        names = ", ".join(obj.agency_codes())
        return f"{user.agency} is not responsible for item {obj.number} (responsible: {names})"


@register
class ProgressUpdatePolicy(Policy[ProgressUpdate]):
    model = ProgressUpdate

    def scope(
        self, user: Any, queryset: models.QuerySet[ProgressUpdate]
    ) -> models.QuerySet[ProgressUpdate]:
        return queryset if _is_staff_member(user) else queryset.none()


@register
class EvidencePolicy(Policy[Evidence]):
    model = Evidence

    def scope(self, user: Any, queryset: models.QuerySet[Evidence]) -> models.QuerySet[Evidence]:
        return queryset if _is_staff_member(user) else queryset.none()


class PlanWidePolicy(Policy[Any]):
    """Read by every staff member, like the Plan itself."""

    def scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return queryset if _is_staff_member(user) else queryset.none()


class StructuredRecordPolicy(PlanWidePolicy):
    """Agencies' structured records (``tiaki.plan.records``): read by all staff like the
    Plan itself; filed by staff in a Plan-reporting role, for their own agency."""

    def refusal(self, user: Any, action: str, obj: Any) -> str | None:
        if action != RECORD:
            return f"you may not {action} this record"
        if not (user.has_role(*PLAN_REPORTING_ROLES) or user.is_superuser):
            return "your role does not record the Plan's measures"
        if user.agency is None:
            return "you do not belong to an agency"
        return None


RECORD = "record"


def _register_record_policies() -> None:
    from tiaki.plan import records

    for model in (records.TrainingSession, records.AwarenessSurvey, records.Campaign,
                  records.ResearchProject, records.EngagementEvent, records.DevelopmentGrant,
                  records.PolicyDecision, records.Feedback, records.InformationActivity):
        register(type(f"{model.__name__}Policy", (StructuredRecordPolicy,), {"model": model}))


_register_record_policies()


def _register_report_policy() -> None:
    from tiaki.plan.report_models import ReportBuild, StatisticsRelease
    from tiaki.plan.working_group import Meeting, WorkingGroupAction

    for model in (Meeting, WorkingGroupAction, StatisticsRelease):
        # The working group's meetings and actions are read by all staff, like the Plan.
        register(type(f"{model.__name__}Policy", (PlanWidePolicy,), {"model": model}))

    @register
    class ReportBuildPolicy(Policy[ReportBuild]):
        """Built reports are read by all staff, like the Plan they report on."""

        model = ReportBuild

        def scope(self, user: Any,
                  queryset: models.QuerySet[ReportBuild]) -> models.QuerySet[ReportBuild]:
            return queryset if _is_staff_member(user) else queryset.none()


_register_report_policy()
