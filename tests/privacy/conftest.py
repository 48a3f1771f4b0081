"""Fixtures for privacy obligations: privacy officers in two agencies, a Police case team,
two Police cases with identifying details, and the NZ rules file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.fernet import Fernet

from tests.conftest import MakeUser
from tiaki.accounts.models import User
from tiaki.accounts.roles import Role
from tiaki.cases import services as case_services
from tiaki.cases.models import VictimCase
from tiaki.core import crypto

IDENTITY_A = {"given_names": "Losana Mereoni", "family_name": "Vakaloloma-Tui",
              "phone": "+64 21 555 0147", "address": "3 Puriri Lane, Mangere"}
IDENTITY_B = {"given_names": "Dariusz Kazimierz", "family_name": "Wiśniewski-Halloran",
              "phone": "+64 22 555 0911"}
SECRETS_B = ["Dariusz", "Halloran", "555 0911"]
# A fixed "today" for every test: no test reads the wall clock.
TODAY = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def field_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    key = Fernet.generate_key().decode()
    monkeypatch.setenv(crypto.ENV_VAR, key)
    crypto.reset_keys()
    yield key
    crypto.reset_keys()


@pytest.fixture
def people(make_user: MakeUser) -> dict[str, User]:
    return {
        "officer": make_user("priv", "POLICE", [Role.PRIVACY_OFFICER]),
        "officer2": make_user("priv2", "POLICE", [Role.PRIVACY_OFFICER]),
        "mbie_officer": make_user("mbiepriv", "MBIE", [Role.PRIVACY_OFFICER]),
        "investigator": make_user("inv", "POLICE", [Role.INVESTIGATOR]),
        "auditor": make_user("aud", "DIA", [Role.AUDITOR]),
    }


@pytest.fixture
def cases(people: dict[str, User]) -> dict[str, VictimCase]:
    inv = people["investigator"]
    a = case_services.case_open(actor=inv, identity=IDENTITY_A, nationality="Fiji",
                                languages="Fijian", exploitation_types=["ForcedLabour"],
                                events=[{"kind": "exploitation", "place": "Pukekohe",
                                         "country": "NZ"}])
    case_services.consent_record(case=a, actor=inv, purpose="htcds_export", granted=True,
                                 how_obtained="Explained with an interpreter")
    b = case_services.case_open(actor=inv, identity=IDENTITY_B, nationality="Poland",
                                languages="Polish", exploitation_types=["ForcedLabour"],
                                events=[{"kind": "exploitation", "place": "Blenheim",
                                         "country": "NZ"}])
    return {"a": a, "b": b}


@pytest.fixture
def rules() -> Any:
    from tiaki.privacy.rules import privacy_rules

    privacy_rules.cache_clear()
    return privacy_rules()
