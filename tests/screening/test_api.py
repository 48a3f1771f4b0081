"""The screening API: synchronous screening, visa applications, the document register."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import TestCase

from tiaki.accounts.models import ApiToken, User
from tiaki.screening import services
from tiaki.screening.models import Alert, LostDocument, Traveller

pytestmark = pytest.mark.django_db


def _bearer(user: User) -> dict[str, str]:
    _, raw = ApiToken.issue(user=user, name="test system")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_screen_one_record_returns_its_alerts(client: Any, analyst: User, officer: User) -> None:
    services.watchlist_import(
        actor=analyst, list_name="Suspects", reason="Named by Police", file_name="w.csv",
        data="id,full_name,date_of_birth,nationality\n7,Иван Петров,1985-03-02,RUS\n".encode())
    body = {"kind": "visa_application",
            "record": {"family_name": "Petrov", "given_names": "Ivan",
                       "date_of_birth": "1985-03-02", "nationality": "RUS",
                       "passport_number": "71 2345678", "issuing_country": "RUS"}}
    response = client.post("/api/screening/screen", body, content_type="application/json",
                           **_bearer(officer))
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["created"] is True and data["post"] == "INZ-VISA"
    [alert] = data["alerts"]
    assert alert["source"] == "watchlist" and alert["watchlist"] == "Suspects"
    assert alert["score"] >= 0.5 and alert["explanation"]
    again = client.post("/api/screening/screen", body, content_type="application/json",
                        **_bearer(officer)).json()
    assert again["created"] is False and again["record_id"] == data["record_id"]
    assert Alert.objects.count() == 1


def test_screen_refuses_people_outside_screening(client: Any, personas: Any) -> None:
    body = {"record": {"family_name": "Roe"}}
    response = client.post("/api/screening/screen", body, content_type="application/json",
                           **_bearer(personas["police"]))
    assert response.status_code == 403
    assert "border or visa officers" in response.json()["detail"]
    assert not Traveller.objects.exists()


def test_ingest_visa_applications(client: Any, visa_officer: User) -> None:
    body = {"applications": [
        {"application_id": "V1", "family_name": "Lee", "given_names": "Min",
         "date_of_birth": "1999-02", "nationality": "KOR",
         "sponsor": {"name": "Kiwi Jobs Ltd", "phone": "+64 9 555 0100"}},
        {"application_id": "V2"},
    ]}
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/api/screening/visa-applications", body,
                               content_type="application/json", **_bearer(visa_officer))
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["read"], data["added"], data["rejected"]) == (2, 1, 1)
    assert data["problems"][0]["rejected"] is True
    assert Traveller.objects.get().party("sponsor") == "Kiwi Jobs Ltd"


def test_register_endpoints(client: Any, analyst: User, officer: User) -> None:
    headers = _bearer(analyst)
    created = client.post("/api/screening/lost-documents",
                          {"number": "LA1O0456", "issuer": "NZ", "status": "stolen"},
                          content_type="application/json", **headers)
    assert created.status_code == 201, created.content
    assert created.json()["issuer"] == "NZL"
    refused = client.post("/api/screening/lost-documents", {"number": "X", "issuer": "NZL"},
                          content_type="application/json", **_bearer(officer))
    assert refused.status_code == 403
    hits = client.get("/api/screening/lost-documents/check",
                      {"number": "LAIOO456", "issuer": "NZL"}, **_bearer(officer)).json()
    assert len(hits) == 1 and hits[0]["match"] == "confusable"
    assert "I→1 at position 3" in hits[0]["explanation"]
    doc_id = created.json()["id"]
    gone = client.post(f"/api/screening/lost-documents/{doc_id}/withdraw",
                       {"reason": "found by owner"}, content_type="application/json", **headers)
    assert gone.status_code == 200 and gone.json()["active"] is False
    assert not LostDocument.objects.filter(active=True).exists()


def test_alert_queue_and_disposition(client: Any, analyst: User, officer: User,
                                     visa_officer: User) -> None:
    services.lost_document_record(actor=analyst, number="P0001", issuer="FJI")
    services.record_screen(actor=officer, fields={"family_name": "Tora", "document_number":
                                                  "P0001", "document_issuer": "FJI"},
                           kind="traveller")
    [alert] = client.get("/api/screening/alerts", **_bearer(officer)).json()
    assert alert["source"] == "lost_document"
    assert client.get("/api/screening/alerts", **_bearer(visa_officer)).json() == []
    hidden = client.post(f"/api/screening/alerts/{alert['id']}/disposition",
                         {"outcome": "cleared"}, content_type="application/json",
                         **_bearer(visa_officer))
    assert hidden.status_code == 404
    done = client.post(f"/api/screening/alerts/{alert['id']}/disposition",
                       {"outcome": "referred", "note": "to document fraud team"},
                       content_type="application/json", **_bearer(officer))
    assert done.status_code == 201 and done.json()["outcome"] == "referred"


def test_review_endpoint(client: Any, analyst: User, officer: User) -> None:
    profile = services.profile_create(actor=analyst, name="Route", description="",
                                      expression='"DXB" in route')
    services.profile_test_add(actor=analyst, profile=profile, label="via Dubai",
                              facts="route: MNL DXB AKL", must_hit=True)
    version = profile.latest()
    assert version is not None
    services.profile_publish(actor=analyst, version=version)
    services.record_screen(actor=officer, kind="traveller", fields={
        "family_name": "Cruz", "itinerary": "EK433 MNL-DXB 2026-03-01; EK448 DXB-AKL"})
    data = client.get("/api/screening/review", **_bearer(analyst)).json()
    assert data["border_staff_reports"] == 0
    assert data["versions"] == [{"profile": "Route", "version": 1, "status": "published",
                                 "alerts": 1, "decided": 0, "referred_or_reported": 0,
                                 "precision": None}]
