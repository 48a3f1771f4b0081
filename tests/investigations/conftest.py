"""Fixtures for investigations: a joint Police/MBIE team, a victim case both may see."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cases.conftest import field_keys, open_case  # noqa: F401 - fixture re-used
from tests.conftest import MakeUser
from tiaki.accounts.models import User
from tiaki.accounts.roles import Role
from tiaki.cases import services as case_services
from tiaki.cases.models import VictimCase
from tiaki.investigations import services
from tiaki.investigations.models import Investigation


@pytest.fixture
def people(make_user: MakeUser) -> dict[str, User]:
    return {
        "police": make_user("det_ana", "POLICE", [Role.INVESTIGATOR]),
        "senior": make_user("dss_hone", "POLICE", [Role.SENIOR_OFFICER]),
        "mbie": make_user("inv_mere", "MBIE", [Role.INVESTIGATOR]),
        "mbie_senior": make_user("mgr_tui", "MBIE", [Role.SENIOR_OFFICER]),
        "outsider": make_user("det_other", "POLICE", [Role.INVESTIGATOR, Role.SENIOR_OFFICER]),
        "moj": make_user("adviser", "MOJ", [Role.SERVICE_PROVIDER]),
        "customs": make_user("cust_intel", "CUSTOMS", [Role.INTELLIGENCE_ANALYST]),
        "secretariat": make_user("secr", "MBIE", [Role.SECRETARIAT]),
    }


@pytest.fixture
def investigation(people: dict[str, User]) -> Investigation:
    inv = services.investigation_open(actor=people["police"], title="Orchard labour ring",
                                      exploitation_types=["ForcedLabour"])
    services.member_add(investigation=inv, actor=people["police"], username="inv_mere",
                        role="MBIE lead")
    return inv


@pytest.fixture
def shared_case(people: dict[str, User], investigation: Investigation) -> VictimCase:
    """A Police case with the MBIE investigator on its team: both may see it."""
    case: VictimCase = open_case(people["police"])
    case_services.member_add(case=case, actor=people["police"], username="inv_mere")
    return case


def charged(investigation: Investigation, people: dict[str, User], case: VictimCase) -> Any:
    import datetime as dt

    from django.utils import timezone

    services.senior_assign(investigation=investigation, actor=people["police"],
                           senior=people["senior"])
    services.link_add(investigation=investigation, actor=people["police"], kind="case",
                      target=case)
    suspect = services.suspect_add(investigation=investigation, actor=people["police"],
                                   kind="person", name="Rex Sample", sex="male", age=48)
    charge = services.charge_lay(suspect=suspect, actor=people["police"],
                                 offence_code="nz.crimes.s98d",
                                 laid_on=timezone.localdate() - dt.timedelta(days=200),
                                 aggravating_factors=["s98e_1_b_organised_crime"],
                                 victims=[case])
    return suspect, charge
