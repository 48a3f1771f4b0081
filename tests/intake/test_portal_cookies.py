"""The public portal leaves nothing on a reporter's device that outlives the browser session.

A reporter may use a shared or watched device: a cookie that lasts a year would show a later
viewer of the browser's storage that someone used the reporting portal.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.intake.conftest import challenge_from, receipt_from, solved, submit_report
from tiaki.accounts.models import Agency

pytestmark = pytest.mark.django_db


def _persistent(response: Any) -> list[str]:
    """Cookies the response sets that would survive closing the browser."""
    found = []
    for name, morsel in response.cookies.items():
        if morsel["max-age"] in ("", None) and not morsel["expires"]:
            continue
        if str(morsel["max-age"]) == "0":
            continue  # a deletion
        found.append(f"{name} (max-age={morsel['max-age']!r}, expires={morsel['expires']!r})")
    return found


def test_no_portal_response_sets_a_persistent_cookie(client: Client,
                                                     agencies: dict[str, Agency]) -> None:
    responses: list[tuple[str, Any]] = []

    def seen(label: str, response: Any) -> Any:
        responses.append((label, response))
        return response

    seen("GET /report/", client.get("/report/"))
    seen("GET /report/?lang=mi", client.get("/report/?lang=mi"))
    done = seen("POST /report/", submit_report(client))
    code = receipt_from(done.content.decode())
    seen("POST /report/ (bad)", client.post("/report/", {"what_seen": ""}))
    seen("GET /report/follow-up/", client.get("/report/follow-up/"))
    seen("POST /report/follow-up/", client.post("/report/follow-up/",
                                                {"action": "open", "code": code, "lang": "en"}))
    seen("GET /victims-information/", client.get("/victims-information/"))
    challenge = seen("GET /api/public/challenge", client.get("/api/public/challenge")).json()
    token = challenge.get("token") or challenge_from(
        f'name="pow_token" value="{challenge.get("pow_token", "")}"')
    body = {"what_seen": "Workers locked in at night on the farm.", "region": "hawkes_bay",
            "pow_token": token, "pow_nonce": solved(token)}
    seen("POST /api/public/reports",
         client.post("/api/public/reports", json.dumps(body), content_type="application/json"))
    offending = {label: _persistent(r) for label, r in responses if _persistent(r)}
    assert not offending, offending
    assert any(r.cookies for _, r in responses), "the test saw no cookie at all"
