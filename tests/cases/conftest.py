"""Fixtures for victim cases: a Police case team, providers in other agencies, a case."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.fernet import Fernet

from tests.conftest import MakeUser
from tiaki.accounts.models import User
from tiaki.accounts.roles import Role
from tiaki.cases import services
from tiaki.cases.models import Certification, VictimCase
from tiaki.core import crypto

# Identifying strings: none may ever be found in clear text in the database.
IDENTITY = {
    "given_names": "Analyn Marisol",
    "family_name": "Quisumbing-Tavita",
    "other_names": "Lyn Santos",
    "date_of_birth": "1996-03-14",
    "documents": [{"type": "passport", "number": "P9X4417203", "country": "Philippines"}],
    "phone": "+64 21 555 0192",
    "email": "analyn.q@example.net",
    "address": "17 Kowhai Street, Otahuhu, Auckland",
}
SECRETS = ["Analyn", "Quisumbing", "Lyn Santos", "1996-03-14", "P9X4417203", "555 0192",
           "analyn.q@example.net", "Kowhai Street"]
ASSESSMENT = {
    "act": {"findings": ["recruitment", "harbouring"],
            "evidence": "Recruited online for orchard work; housed by the employer."},
    "means": {"findings": ["deception", "coercion"],
              "evidence": "Pay promised was never paid; passport held by the employer."},
    "purpose": {"findings": ["forced_labour_or_services"],
                "evidence": "Worked 14-hour days with no pay and could not leave."},
}


@pytest.fixture(autouse=True)
def field_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    key = Fernet.generate_key().decode()
    monkeypatch.setenv(crypto.ENV_VAR, key)
    crypto.reset_keys()
    yield key
    crypto.reset_keys()


@pytest.fixture
def team(make_user: MakeUser) -> dict[str, User]:
    return {
        "investigator": make_user("inv", "POLICE", [Role.INVESTIGATOR]),
        "senior": make_user("snr", "POLICE", [Role.SENIOR_OFFICER]),
        "senior2": make_user("snr2", "POLICE", [Role.SENIOR_OFFICER, Role.INVESTIGATOR]),
        "mbie_cm": make_user("mbiecm", "MBIE", [Role.CASE_MANAGER]),
        "health": make_user("health", "HEALTH_NZ", [Role.SERVICE_PROVIDER]),
        "acc": make_user("acc", "ACC", [Role.SERVICE_PROVIDER]),
        "housing": make_user("housing", "KAINGA_ORA", [Role.SERVICE_PROVIDER]),
        "msd": make_user("msd", "MSD", [Role.SERVICE_PROVIDER]),
        "moj": make_user("moj", "MOJ", [Role.SERVICE_PROVIDER]),
        "inz": make_user("inz", "MBIE", [Role.SERVICE_PROVIDER]),
        "mfat": make_user("mfat", "MFAT", [Role.SERVICE_PROVIDER]),
        "ot": make_user("ot", "ORANGA_TAMARIKI", [Role.SERVICE_PROVIDER]),
        "minister": make_user("minoff", "MBIE", [Role.MINISTER_OFFICE]),
        "secretariat": make_user("secr", "MBIE", [Role.SECRETARIAT]),
    }


def open_case(actor: User, **overrides: Any) -> VictimCase:
    fields: dict[str, Any] = {
        "identity": IDENTITY, "gender": "Feminine", "nationality": "Philippines",
        "languages": "Tagalog, English", "interpreter_needed": True,
        "exploitation_types": ["ForcedLabour"], "methods_of_control": ["WithholdsDocuments",
                                                                       "DebtBondage"],
        "recruitment_methods": ["ThroughAnOnlineAdvertisement"],
        "relationship_to_trafficker": "Unaquainted", "source_report": "R-2026-0007",
        "events": [{"kind": "recruitment", "place": "Manila", "country": "Philippines"},
                   {"kind": "exploitation", "place": "Hawke's Bay", "country": "New Zealand"}],
    }
    fields.update(overrides)
    return services.case_open(actor=actor, **fields)


def certify(case: VictimCase, team: dict[str, User]) -> Certification:
    cert = services.certification_request(case=case, actor=team["investigator"],
                                          assessment=ASSESSMENT)
    return services.certification_endorse(certification=cert, actor=team["senior"])


def consent_all(case: VictimCase, actor: User) -> None:
    from tiaki.cases import catalogue

    for purpose in catalogue.catalogue().purposes():
        services.consent_record(case=case, actor=actor, purpose=purpose, granted=True,
                                how_obtained="in person, with a Tagalog interpreter")


@pytest.fixture
def case(team: dict[str, User]) -> VictimCase:
    return open_case(team["investigator"])
