"""Fixtures for border screening: an analyst, border and visa officers, and small files."""

from __future__ import annotations

from typing import Any

import pytest

from tiaki.accounts.models import User
from tiaki.accounts.roles import Role
from tiaki.screening.loader import posts_load

# A minimal PAXLST message (WCO/IATA API guide layout) arriving in Auckland: two
# passengers, one of them holding a document on the lost/stolen register.
PAXLST_AKL = (
    "UNA:+.? 'UNB+UNOA:4+TESTAIR:ZZ+NZCS:ZZ+260301:0900+0001++APIS'"
    "UNG+PAXLST+TEST AIRLINES+NZCS+260301:0900+1+UN+D:02B'"
    "UNH+M1+PAXLST:D:02B:UN:IATA+TA0101/260301/0900+01:F'BGM+745'"
    "NAD+MS+++TEST AIR OPS'TDT+20+TA101+++TA'LOC+125+SIN'DTM+189:2603010100:201'"
    "LOC+87+AKL'DTM+232:2603011200:201'"
    "NAD+FL+++DOE:JANE'ATT+2++F'DTM+329:070514'NAT+2+THA'"
    "DOC+P+X1234567'DTM+36:300101'LOC+91+THA'"
    "NAD+FL+++ROE:RICHARD'ATT+2++M'DTM+329:800101'NAT+2+GBR'"
    "DOC+P+510O12345'DTM+36:300101'LOC+91+GBR'"
    "CNT+42:2'UNT+24+M1'UNE+1+1'UNZ+1+0001'"
)


@pytest.fixture
def analyst(make_user: Any) -> User:
    return make_user("analyst", "CUSTOMS", [Role.INTELLIGENCE_ANALYST])


@pytest.fixture
def officer(make_user: Any) -> User:
    return make_user("officer", "CUSTOMS", [Role.FRONTLINE])


@pytest.fixture
def visa_officer(make_user: Any) -> User:
    return make_user("visa", "MBIE", [Role.FRONTLINE])


@pytest.fixture
def posts(agencies: Any) -> dict[str, Any]:
    return {p.code: p for p in posts_load()}
