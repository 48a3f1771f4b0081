"""Who may see and act on victim cases (one policy per model; see tiaki.core.policy).

Need to know (issue 4; seed 002, "protect the human rights of victims"):
- the case team sees a case: people with a case role (investigator, senior officer, case
  manager) in the owning agency (or an agency it succeeded), and people added to the team;
- an agency receiving a referral sees that referral, and through it only the fields its
  service needs (``data/nz/services.yaml``), never the case itself;
- Oranga Tamariki sees the notice of a case with a child, so it can acknowledge it;
- the Minister's office sees anonymised notices only.
Certifying is Police's: an investigator requests, a different senior officer endorses.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from tiaki.accounts.roles import Role
from tiaki.cases.models import (
    CaseMember,
    Certification,
    ChildInvolvement,
    MinisterNotice,
    Referral,
    VictimCase,
)
from tiaki.core.policy import Policy, register

CASE_ROLES = (Role.INVESTIGATOR, Role.SENIOR_OFFICER, Role.CASE_MANAGER)
PROVIDER_ROLES = (Role.SERVICE_PROVIDER, Role.CASE_MANAGER, Role.SENIOR_OFFICER,
                  Role.INVESTIGATOR)
MEASURE_ROLES = (Role.SECRETARIAT, Role.MINISTER_OFFICE, Role.SENIOR_OFFICER,
                 Role.ADMINISTRATOR)
POLICE = "POLICE"
ORANGA_TAMARIKI = "ORANGA_TAMARIKI"

VIEW = "view"
REVEAL = "see the identifying details of"
EDIT = "update"
REQUEST_CERT = "request certification for"
ENDORSE = "endorse"
REVOKE = "revoke"
RESPOND = "respond to"
WITHDRAW = "withdraw"
ACKNOWLEDGE = "acknowledge"


def _lineage(user: Any) -> set[int]:
    agency = getattr(user, "agency", None)
    return agency.lineage_ids() if agency is not None else set()


def _in_agency(user: Any, code: str) -> bool:
    agency = getattr(user, "agency", None)
    return agency is not None and agency.current().code == code


# Beyond this many memberships the policy asks the database for them in a sub-select.
INLINE_MEMBERSHIPS = 1_000


def case_scope(user: Any, queryset: models.QuerySet[VictimCase]) -> models.QuerySet[VictimCase]:
    # A plain ``agency_id IN (...) OR id IN (cases I was added to)`` on the case row itself,
    # not a join to the members (which repeats a case once per member, so it needed an
    # ``id IN`` sub-select of the whole table): at 100,000 cases that sub-select was most of
    # the case list's time (issue 16). The memberships are read first (few, and indexed by
    # user), so with none the rule is ``agency_id IN (...)`` alone and a count of the open
    # cases reads one small index (``case_open_agency_idx``).
    member_of: Any = list(CaseMember.objects.filter(user=user).order_by()
                          .values_list("case_id", flat=True)[: INLINE_MEMBERSHIPS + 1])
    if len(member_of) > INLINE_MEMBERSHIPS:
        member_of = CaseMember.objects.filter(user=user).values("case_id")
    rule = models.Q(pk__in=member_of)
    if user.has_role(*CASE_ROLES):
        rule |= models.Q(agency_id__in=_lineage(user))
    return queryset.filter(rule)


def on_case_team(user: Any, case: VictimCase) -> bool:
    # The scope's rule for one case in hand: its agency is known, so only a membership
    # needs the database (and not even that for the owning agency's case team).
    if user.has_role(*CASE_ROLES) and case.agency_id in _lineage(user):
        return True
    return CaseMember.objects.filter(case_id=case.pk, user=user).exists()


@register
class VictimCasePolicy(Policy[VictimCase]):
    model = VictimCase

    def scope(
        self, user: Any, queryset: models.QuerySet[VictimCase]
    ) -> models.QuerySet[VictimCase]:
        return case_scope(user, queryset)

    def refusal(self, user: Any, action: str, obj: VictimCase) -> str | None:
        if not on_case_team(user, obj):
            return _("only the case team may do this")
        if action == REVEAL and not user.has_role(*CASE_ROLES):
            return _("identifying details are shown only to investigators and case managers")
        if action in {VIEW, REVEAL}:
            return None
        if obj.is_closed:
            return _("case %(reference)s is closed") % {"reference": obj.reference}
        if action == REQUEST_CERT and not (
            _in_agency(user, POLICE) and user.has_role(Role.INVESTIGATOR)
        ):
            return _("only a Police investigator may request a certification")
        return None


@register
class CertificationPolicy(Policy[Certification]):
    model = Certification

    def scope(
        self, user: Any, queryset: models.QuerySet[Certification]
    ) -> models.QuerySet[Certification]:
        return queryset.filter(case__in=case_scope(user, VictimCase.objects.all()))

    def refusal(self, user: Any, action: str, obj: Certification) -> str | None:
        if obj.status == Certification.Status.REVOKED:
            return (_("certification %(reference)s was revoked; nothing more can be done with it")
                    % {"reference": obj.reference})
        if action in {ENDORSE, REVOKE}:
            if not (_in_agency(user, POLICE) and user.has_role(Role.SENIOR_OFFICER)):
                return (_("only a senior Police officer may %(action)s a certification")
                        % {"action": action})
            if action == ENDORSE:
                if obj.status != Certification.Status.REQUESTED:
                    return _("certification %(reference)s is %(status)s") % {
                        "reference": obj.reference,
                        "status": obj.get_status_display().lower()}
                if obj.requested_by_id == user.pk:
                    return _("you requested this certification: a different senior officer must "
                             "endorse it (Plan of Action)")
            if action == REVOKE and obj.status != Certification.Status.ISSUED:
                return (_("certification %(reference)s has not been issued")
                        % {"reference": obj.reference})
            return None
        return _("you may not %(action)s a certification") % {"action": action}


@register
class ReferralPolicy(Policy[Referral]):
    model = Referral

    def scope(self, user: Any, queryset: models.QuerySet[Referral]) -> models.QuerySet[Referral]:
        rule = models.Q(case__in=case_scope(user, VictimCase.objects.all()))
        if user.has_role(*PROVIDER_ROLES):
            rule |= models.Q(agency_id__in=_lineage(user))
        return queryset.filter(rule)

    def refusal(self, user: Any, action: str, obj: Referral) -> str | None:
        if action == RESPOND:
            if obj.agency_id not in _lineage(user) or not user.has_role(*PROVIDER_ROLES):
                return (_("only %(agency)s staff may respond to this referral")
                        % {"agency": obj.agency})
            return None
        if action == WITHDRAW:
            if not on_case_team(user, obj.case):
                return _("only the case team may withdraw a referral")
            if not obj.is_open:
                return _("the referral is already %(status)s") % {
                    "status": obj.get_status_display().lower()}
            return None
        return _("you may not %(action)s a referral") % {"action": action}


@register
class ChildInvolvementPolicy(Policy[ChildInvolvement]):
    model = ChildInvolvement

    def scope(
        self, user: Any, queryset: models.QuerySet[ChildInvolvement]
    ) -> models.QuerySet[ChildInvolvement]:
        rule = models.Q(case__in=case_scope(user, VictimCase.objects.all()))
        if _in_agency(user, ORANGA_TAMARIKI) and user.has_role(*PROVIDER_ROLES):
            rule |= models.Q(pk__isnull=False)
        return queryset.filter(rule)

    def refusal(self, user: Any, action: str, obj: ChildInvolvement) -> str | None:
        if action != ACKNOWLEDGE:
            return _("you may not %(action)s this notice") % {"action": action}
        if not (_in_agency(user, ORANGA_TAMARIKI) and user.has_role(*PROVIDER_ROLES)):
            return _("only Oranga Tamariki staff may acknowledge a child case")
        if obj.acknowledged_at is not None:
            return _("Oranga Tamariki has already acknowledged this case")
        return None


@register
class MinisterNoticePolicy(Policy[MinisterNotice]):
    model = MinisterNotice

    def scope(
        self, user: Any, queryset: models.QuerySet[MinisterNotice]
    ) -> models.QuerySet[MinisterNotice]:
        return queryset if user.has_role(Role.MINISTER_OFFICE) else queryset.none()


def may_see_measures(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(*MEASURE_ROLES))
