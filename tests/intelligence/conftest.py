"""Fixtures for intelligence: grading loaded, an MBIE analyst holding the HTX caveat, one
without it, a Police analyst, and a report marked HTX."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import MakeUser
from tiaki.accounts.models import User
from tiaki.accounts.roles import Role
from tiaki.intelligence import services
from tiaki.intelligence.grading import default_paths, grading_load
from tiaki.intelligence.models import Caveat, CaveatGrant, GradingScheme, Report


@pytest.fixture
def grading(db: Any) -> dict[str, GradingScheme]:
    grading_load(paths=default_paths())
    return {s.code: s for s in GradingScheme.objects.all()}


@pytest.fixture
def analysts(make_user: MakeUser, grading: Any) -> dict[str, User]:
    people = {
        "cleared": make_user("an_cleared", "MBIE", [Role.INTELLIGENCE_ANALYST]),
        "uncleared": make_user("an_plain", "MBIE", [Role.INTELLIGENCE_ANALYST]),
        "police": make_user("an_police", "POLICE", [Role.INTELLIGENCE_ANALYST]),
        "frontline": make_user("fl_customs", "CUSTOMS", [Role.FRONTLINE]),
    }
    htx = Caveat.objects.get(code="HTX")
    for key in ("cleared", "police"):
        CaveatGrant.objects.create(user=people[key], caveat=htx)
    return people


def make_report(author: User, *, caveats: tuple[str, ...] = ("HTX",),
                release: str = Report.Release.NZ, **extra: Any) -> Report:
    values: dict[str, Any] = {
        "title": "Orchard workers' passports held", "text": "Source reports passports held.",
        "scheme": GradingScheme.objects.get(code="uk-3x5x2"), "source_grade": "2",
        "information_grade": "B", "handling_code": "P", "release": release,
        "caveats": list(Caveat.objects.filter(code__in=caveats))}
    values.update(extra)
    return services.report_create(actor=author, **values)


@pytest.fixture
def report(analysts: dict[str, User]) -> Report:
    return make_report(analysts["cleared"])


@pytest.fixture
def senior(make_user: MakeUser, analysts: dict[str, User]) -> User:
    user = make_user("so_mbie", "MBIE", [Role.SENIOR_OFFICER])
    for code in ("HTX", "PARTNER"):
        CaveatGrant.objects.create(user=user, caveat=Caveat.objects.get(code=code))
    CaveatGrant.objects.create(user=analysts["cleared"],
                               caveat=Caveat.objects.get(code="PARTNER"))
    return user


@pytest.fixture
def material(analysts: dict[str, User]) -> dict[str, Any]:
    actor = analysts["cleared"]
    shareable = make_report(actor, release=Report.Release.PARTNERS, partners=["AU"])
    rex = services.entity_add(actor=actor, report=shareable, schema="Person",
                              properties={"name": "Rex Sample", "phone": "+64 21 555 0101",
                                          "idNumber": "ID-998"})
    victim = services.entity_add(actor=actor, report=shareable, schema="Person",
                                 properties={"name": "Ana Worker"})
    passport = services.entity_add(actor=actor, report=shareable, schema="Passport",
                                   properties={"number": "WS123456", "holder": rex.ftm_id})
    link = services.entity_add(actor=actor, report=shareable, schema="Associate",
                               properties={"person": rex.ftm_id, "associate": victim.ftm_id})
    nz_only = make_report(actor, title="Domestic only")
    return {"shareable": shareable, "nz_only": nz_only, "rex": rex, "victim": victim,
            "passport": passport, "link": link}
