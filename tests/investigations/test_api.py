"""Investigations API: same policies as the pages, audited reads, refusals with reasons."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tiaki.accounts.models import ApiToken, User
from tiaki.audit.models import AuditEvent
from tiaki.cases.models import VictimCase
from tiaki.investigations.models import Investigation

pytestmark = pytest.mark.django_db
People = dict[str, User]


def _bearer(user: User) -> dict[str, str]:
    _, raw = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _post(client: Client, path: str, body: dict[str, Any], user: User) -> Any:
    return client.post(path, body, content_type="application/json", **_bearer(user))


def test_prosecution_through_the_api(client: Client, people: People,
                                     investigation: Investigation,
                                     shared_case: VictimCase) -> None:
    base = f"/api/investigations/{investigation.reference}"
    mbie = people["mbie"]
    assert client.get(base, **_bearer(people["outsider"])).status_code == 404
    assert client.get("/api/investigations/INV-1999-0001",
                      **_bearer(mbie)).status_code == 404
    body = client.get(base, **_bearer(mbie)).json()
    assert body["lead_agency"] == "POLICE" and body["steps"][0]["agency"] == "MBIE"
    assert AuditEvent.objects.filter(action="read", actor_username="inv_mere",
                                     summary__contains="api").exists()
    suspect = _post(client, f"{base}/suspects", {"kind": "person", "name": "Rex Sample",
                                                 "sex": "male"}, mbie).json()
    charge_path = f"{base}/suspects/{suspect['id']}/charges"
    laid = (timezone.localdate() - dt.timedelta(days=100)).isoformat()
    refused = _post(client, charge_path, {"offence_code": "nz.crimes.s98d", "laid_on": laid},
                    mbie)
    assert refused.status_code == 403 and "senior officer" in refused.json()["detail"]
    assert _post(client, f"{base}/senior", {"username": "dss_hone"},
                 people["police"]).status_code == 200
    assert _post(client, f"{base}/links", {"kind": "case", "reference": shared_case.reference},
                 mbie).status_code == 201
    charge = _post(client, charge_path, {"offence_code": "nz.crimes.s98d", "laid_on": laid,
                                         "victim_cases": [shared_case.reference]}, mbie).json()
    today = timezone.localdate().isoformat()
    cpath = f"{base}/charges/{charge['id']}"
    assert _post(client, f"{cpath}/consent", {"on": laid}, mbie).status_code == 200
    assert _post(client, f"{cpath}/outcome", {"status": "convicted", "on": today},
                 mbie).json()["status"] == "convicted"
    sentence = _post(client, f"{cpath}/sentence", {
        "kind": "imprisonment", "months": 30, "imposed_on": today,
        "reparations": [{"case": shared_case.reference, "amount_nzd": "9000.00"}]}, mbie)
    assert sentence.status_code == 201, sentence.content
    figures = client.get("/api/investigations/figures", **_bearer(people["secretariat"])).json()
    assert figures["by_form"]["Forced labour"]["convicted"] == 1
    assert client.get("/api/investigations/figures", **_bearer(mbie)).status_code == 404
    close = _post(client, f"{base}/close", {"reason": "prosecution_concluded"}, mbie)
    assert close.status_code == 403 and "senior officer" in close.json()["detail"]
