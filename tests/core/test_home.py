"""The home page opens on each role's work, and every card opens for that role."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import MakeUser, login
from tiaki.accounts.roles import Role
from tiaki.core.home import cards_for

pytestmark = pytest.mark.django_db

# One person per role, in the agency that role works in.
PEOPLE = {
    "investigator": ("POLICE", [Role.INVESTIGATOR]),
    "senior": ("POLICE", [Role.SENIOR_OFFICER, Role.INVESTIGATOR]),
    "casemanager": ("POLICE", [Role.CASE_MANAGER]),
    "provider": ("MSD", [Role.SERVICE_PROVIDER]),
    "border": ("CUSTOMS", [Role.FRONTLINE]),
    "analyst": ("MBIE", [Role.INTELLIGENCE_ANALYST]),
    "secretariat": ("MBIE", [Role.SECRETARIAT]),
    "minister": ("MBIE", [Role.MINISTER_OFFICE]),
    "auditor": ("DIA", [Role.AUDITOR]),
    "admin": ("MBIE", [Role.ADMINISTRATOR]),
    "socialworker": ("ORANGA_TAMARIKI", [Role.CASE_MANAGER]),
}

EXPECTED = {
    "investigator": {"Reports to triage", "Victim cases", "Investigations"},
    "provider": {"Referrals to your agency"},
    "border": {"Border alerts"},
    "analyst": {"Border alerts", "Investigations"},
    "secretariat": {"Your agency's items", "Working group"},
    "minister": {"Case notices"},
    "socialworker": {"Children in cases", "Victim cases"},
}


@pytest.mark.parametrize("who", sorted(PEOPLE))
def test_every_card_opens_for_its_role(who: str, make_user: MakeUser, nz_plan: Any) -> None:
    agency, roles = PEOPLE[who]
    user = make_user(who, agency, roles)
    client = login(Client(), user)
    page = client.get(reverse("core:home"))
    assert page.status_code == 200
    titles = {card.title for card in cards_for(user)}
    assert EXPECTED.get(who, set()) <= titles
    links = re.findall(r'<li class="card[^"]*">\s*<a href="([^"]+)"', page.content.decode())
    assert len(links) == len(cards_for(user)) and links
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, (who, link)


def test_queues_come_first_for_a_border_officer(make_user: MakeUser, nz_plan: Any) -> None:
    user = make_user("border", "CUSTOMS", [Role.FRONTLINE])
    assert cards_for(user)[0].title == "Border alerts"
    # Plan pages are still there, after the work.
    assert "Plan of Action dashboard" in [card.title for card in cards_for(user)]


@pytest.fixture
def demo(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    from cryptography.fernet import Fernet

    from tiaki.core import crypto
    from tiaki.demo.orchestrate import load_demo

    monkeypatch.setenv(crypto.ENV_VAR, Fernet.generate_key().decode())
    crypto.reset_keys()
    settings.TIAKI_DEMO = True
    settings.TIAKI_POW_BITS = 4
    made = load_demo()
    yield made
    crypto.reset_keys()


def test_every_demo_persona_opens_each_of_its_cards(demo: Any) -> None:
    seen_counts = 0
    for persona, user in demo:
        client = login(Client(), user)
        page = client.get(reverse("core:home"))
        assert page.status_code == 200, persona.username
        cards = cards_for(user)
        for card in cards:
            assert client.get(card.url).status_code == 200, (persona.username, card.url)
            seen_counts += bool(card.count)
    # The demo has work waiting somewhere: at least one card counts something.
    assert seen_counts > 0
