"""Disclosure to a receiving agency ends with the referral, the consent or the case.

Every read (page, API) is checked against the referral's, the consent's and the case's
current rows, not the objects the reader loaded earlier (issue 15, item 3).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.cases.conftest import IDENTITY, consent_all
from tests.conftest import login
from tiaki.accounts.models import User
from tiaki.cases import services
from tiaki.cases.models import CaseStatus, Referral, VictimCase
from tiaki.core.policy import Refused

pytestmark = pytest.mark.django_db
Team = dict[str, User]
NAME = IDENTITY["given_names"]


def _housing(case: VictimCase, team: Team) -> Referral:
    consent_all(case, team["investigator"])
    return services.referral_create(case=case, actor=team["investigator"],
                                    service="housing", agency_code="KAINGA_ORA")


def _seen(client: Any, referral: Referral) -> tuple[str, dict[str, Any]]:
    page = client.get(f"/cases/referrals/{referral.pk}/").content.decode()
    api = client.get(f"/api/cases/referrals/{referral.pk}").json()
    return page, api


def test_withdrawn_referral_shows_no_name_on_page_or_api(client: Any, case: VictimCase,
                                                         team: Team) -> None:
    referral = _housing(case, team)
    login(client, team["housing"])
    page, api = _seen(client, referral)
    assert NAME in page and NAME in api["shared"]["names"]
    stale = Referral.objects.get(pk=referral.pk)  # loaded before the withdrawal
    services.referral_withdraw(referral=referral, actor=team["investigator"],
                               reason="Housing found through family")
    page, api = _seen(client, referral)
    assert NAME not in page and "withdrawn; nothing more is shared" in page
    assert api["shared"] is None and NAME not in str(api)
    assert "withdrawn" in api["withheld"]
    with pytest.raises(Refused, match="withdrawn"):
        services.referral_disclose(referral=stale, actor=team["housing"])


def test_withdrawn_consent_ends_disclosure_on_page_and_api(client: Any, case: VictimCase,
                                                           team: Team) -> None:
    referral = _housing(case, team)
    services.consent_record(case=case, actor=team["investigator"], purpose="housing",
                            granted=False)
    login(client, team["housing"])
    page, api = _seen(client, referral)
    assert NAME not in page and "withdrew consent" in page
    assert api["shared"] is None and "withdrew consent" in api["withheld"]


def test_declined_or_completed_referral_discloses_nothing(case: VictimCase,
                                                         team: Team) -> None:
    referral = _housing(case, team)
    services.referral_respond(referral=referral, actor=team["housing"], step="decline",
                              outcome="No capacity this month")
    assert services.referral_disclosure_refusal(referral) is not None
    with pytest.raises(Refused, match="declined"):
        services.referral_disclose(referral=referral, actor=team["housing"])


def test_closed_case_ends_disclosure_even_with_an_open_referral(case: VictimCase,
                                                                team: Team) -> None:
    referral = _housing(case, team)
    assert services.referral_disclosure_refusal(referral) is None
    # A closure that left a referral open (an import, an older release) still ends it.
    VictimCase.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    assert "closed" in (services.referral_disclosure_refusal(referral) or "")
    with pytest.raises(Refused, match="is closed"):
        services.referral_disclose(referral=referral, actor=team["housing"])
