"""The case policy's filter returns exactly the cases its rule names, for every persona.

The rule (``tiaki.cases.policies``, issue 4): people with a case role see the cases of their
agency and of every agency it succeeded; anyone added to a case team sees that case. The
filter is written for the planner (``agency_id IN (...) OR id IN (...)``, issue 16); this
checks it against the rule evaluated in Python over every case, for each persona of the
case fixtures, with memberships across agencies and a case held by a predecessor agency,
both with the memberships inlined and with them read in a sub-select. The policies built on
it (certifications, referrals, child notices) must agree with it too.
"""

from __future__ import annotations

import pytest

from tests.cases.conftest import certify, consent_all, open_case
from tiaki.accounts.models import Agency, User
from tiaki.cases import policies, services
from tiaki.cases.models import (
    CaseMember,
    Certification,
    ChildInvolvement,
    Referral,
    VictimCase,
)
from tiaki.core.policy import visible

pytestmark = pytest.mark.django_db


def _expected(user: User) -> set[int]:
    """The rule, in Python, over every case."""
    lineage = user.agency.lineage_ids() if user.agency is not None else set()
    has_case_role = user.has_role(*policies.CASE_ROLES)
    members = set(CaseMember.objects.filter(user=user).values_list("case_id", flat=True))
    return {case.pk for case in VictimCase.objects.all()
            if (has_case_role and case.agency_id in lineage) or case.pk in members}


def _world(team: dict[str, User]) -> list[VictimCase]:
    police = [open_case(team["investigator"]) for _ in range(3)]
    mbie = [open_case(team["mbie_cm"]) for _ in range(2)]
    child = open_case(team["investigator"], age=15, apparent_child=True)
    # A case the Department of Labour held before MBIE took over its functions.
    dol = open_case(team["mbie_cm"])
    VictimCase.objects.filter(pk=dol.pk).update(agency=Agency.objects.get(code="DOL"))
    # Team members across agencies: a provider (no case role) on one Police case, MBIE's
    # case manager on another, a Police officer on an MBIE case.
    services.member_add(case=police[0], actor=team["investigator"], username="health")
    services.member_add(case=police[1], actor=team["investigator"], username="mbiecm")
    services.member_add(case=mbie[0], actor=team["mbie_cm"], username="snr")
    # A referral to Health NZ: its staff see the referral, never the case.
    certify(police[2], team)
    consent_all(police[2], team["investigator"])
    services.referral_create(case=police[2], actor=team["investigator"], service="health",
                             agency_code="HEALTH_NZ")
    return [*police, *mbie, child, dol]


@pytest.mark.parametrize("inline", [True, False], ids=["memberships inlined", "sub-select"])
def test_case_policy_returns_the_rules_cases_for_every_persona(
        team: dict[str, User], monkeypatch: pytest.MonkeyPatch, inline: bool) -> None:
    cases = _world(team)
    if not inline:
        monkeypatch.setattr(policies, "INLINE_MEMBERSHIPS", 0)
    seen_by_someone: set[int] = set()
    for name, user in team.items():
        expected = _expected(user)
        got = set(visible(user, VictimCase).values_list("pk", flat=True))
        assert got == expected, name
        # The same rows, each once, when the filter is combined with a join (the case list
        # selects the agency and orders and counts).
        listed = list(visible(user, VictimCase).select_related("agency")
                      .order_by("-created_at", "-pk"))
        assert len(listed) == len(expected) == visible(user, VictimCase).count(), name
        for case in cases:
            assert policies.on_case_team(user, case) == (case.pk in expected), (name, case)
        # Policies built on the case scope see what hangs off those cases.
        certs = set(visible(user, Certification).values_list("case_id", flat=True))
        assert certs <= expected, name
        referrals = visible(user, Referral)
        assert {r.case_id for r in referrals if r.agency_id not in user.agency.lineage_ids()
                } <= expected, name
        children = set(visible(user, ChildInvolvement).values_list("case_id", flat=True))
        if name != "ot":
            assert children == expected & set(
                ChildInvolvement.objects.values_list("case_id", flat=True)), name
        seen_by_someone |= got
    # The world exercises every branch: each case is seen, the predecessor's case by MBIE's
    # case manager, the memberships by people outside the owning agency.
    assert seen_by_someone == {c.pk for c in cases}
    assert cases[-1].pk in _expected(team["mbie_cm"])
    assert cases[-1].pk not in _expected(team["investigator"])
    assert _expected(team["health"]) == {cases[0].pk}
    assert cases[1].pk in _expected(team["mbie_cm"])
    assert cases[3].pk in _expected(team["senior"])
