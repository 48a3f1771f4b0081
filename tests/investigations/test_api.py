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


def test_interviews_evidence_disclosure_and_appeals_through_the_api(
        client: Client, people: People, investigation: Investigation,
        shared_case: VictimCase) -> None:
    from tests.investigations.conftest import charged

    suspect, charge = charged(investigation, people, shared_case)
    base = f"/api/investigations/{investigation.reference}"
    police, mbie, outsider = people["police"], people["mbie"], people["outsider"]
    now = timezone.now()

    planned = _post(client, f"{base}/interviews", {
        "case": shared_case.reference, "planned_for": (now + dt.timedelta(days=2)).isoformat(),
        "support_person": True, "interpreter_language": "Tongan"}, police)
    assert planned.status_code == 201, planned.content
    interview = planned.json()
    assert interview["held_at"] is None and interview["case"] == shared_case.reference
    future = _post(client, f"{base}/interviews/{interview['id']}/held", {
        "held_at": (now + dt.timedelta(days=1)).isoformat(), "statement": "taken"}, police)
    assert future.status_code == 403 and future.json()["detail"][0].isupper()
    held = _post(client, f"{base}/interviews/{interview['id']}/held", {
        "held_at": (now - dt.timedelta(hours=1)).isoformat(), "support_person_present": True,
        "interpreter_present": True,
        "breaks_taken": True, "statement": "taken"}, police)
    assert held.status_code == 200 and held.json()["held_at"] is not None

    exhibit = _post(client, f"{base}/exhibits", {
        "reference": "EX-9", "description": "Wage book",
        "seized_at": (now - dt.timedelta(hours=3)).isoformat(), "location": "Locker 4"},
        police)
    assert exhibit.status_code == 201
    eid = exhibit.json()["id"]
    # Only the holder hands it on; the refusal says why.
    assert _post(client, f"{base}/exhibits/{eid}/custody", {
        "to": "inv_mere", "location": "Lab", "purpose": "Analysis"}, mbie).status_code == 403
    moved = _post(client, f"{base}/exhibits/{eid}/custody", {
        "to": "inv_mere", "location": "MBIE lab", "purpose": "Handwriting analysis"}, police)
    assert [c["holder"] for c in moved.json()["custody"]] == ["det_ana", "inv_mere"]

    withheld = _post(client, f"{base}/suspects/{suspect.pk}/disclosures", {
        "item": "Victim's address", "stage": "full", "decision": "withheld",
        "ground": "protected_witness", "reason": "Her safety",
        "on": timezone.localdate().isoformat()}, police)
    assert withheld.status_code == 201
    assert withheld.json()["ground_label"].startswith("Identity or address")
    assert _post(client, f"{base}/suspects/{suspect.pk}/disclosures", {
        "item": "Notes", "stage": "full", "decision": "withheld", "ground": "made_up",
        "reason": "r", "on": timezone.localdate().isoformat()}, police).status_code == 403

    today = timezone.localdate().isoformat()
    assert _post(client, f"{base}/charges/{charge.pk}/consent",
                 {"on": (timezone.localdate() - dt.timedelta(days=150)).isoformat()},
                 police).status_code == 200
    assert _post(client, f"{base}/charges/{charge.pk}/outcome",
                 {"status": "convicted", "on": today}, police).status_code == 200
    appeal = _post(client, f"{base}/charges/{charge.pk}/appeals", {
        "against": "conviction", "court": "Court of Appeal", "lodged_on": today}, police)
    assert appeal.status_code == 201, appeal.content
    decided = _post(client, f"{base}/appeals/{appeal.json()['id']}/decision", {
        "outcome": "dismissed", "decided_on": today}, police)
    assert decided.status_code == 200 and decided.json()["outcome"] == "dismissed"

    # Someone outside the team finds none of it, as if it did not exist.
    for path, body in ((f"{base}/exhibits/{eid}/custody",
                        {"to": "det_ana", "location": "x", "purpose": "y"}),
                       (f"{base}/interviews/{interview['id']}/held",
                        {"held_at": now.isoformat(), "statement": "taken"})):
        assert _post(client, path, body, outsider).status_code == 404
