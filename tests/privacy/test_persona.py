"""The demo's privacy officer signs in, finds the waiting request on the queue and opens it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.conftest import login
from tests.privacy.conftest import TODAY
from tiaki.accounts.models import User

pytestmark = pytest.mark.django_db


def test_privacy_officer_persona_opens_a_request_from_the_queue(
        settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.TIAKI_DEMO = True
    settings.TIAKI_POW_BITS = 4
    monkeypatch.setattr("tiaki.privacy.demo._today", lambda: TODAY)
    from tiaki.demo.orchestrate import load_demo

    load_demo()
    officer = User.objects.get(username="privacy")
    assert officer.has_role("privacy_officer") and officer.agency.code == "POLICE"
    client = login(Client(), officer)
    home = client.get("/").content.decode()
    assert 'href="/privacy/"' in home  # the nav offers the queue to this role only
    queue = client.get("/privacy/")
    assert queue.status_code == 200
    links = re.findall(r'href="(/privacy/requests/PR-[^"/]+/)"', queue.content.decode())
    assert len(links) == 1
    page = client.get(links[0])
    assert page.status_code == 200
    text = page.content.decode()
    assert "Acknowledge" in text and "VC-" in text
    acknowledged = client.post(links[0] + "acknowledge/", {"acknowledge-on": TODAY.isoformat()})
    assert acknowledged.status_code == 302
    other = login(Client(), User.objects.get(username="investigator"))
    assert 'href="/privacy/"' not in other.get("/").content.decode()
    assert other.get(links[0]).status_code == 404
