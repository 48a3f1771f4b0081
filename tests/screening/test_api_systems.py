"""Systems that connect to screening: a carrier's passenger list by upload, and the
Idempotency-Key on the alert disposition and visa-file creates (tiaki.core.idempotency)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from tests.screening.conftest import PAXLST_AKL
from tiaki.accounts.models import ApiToken, User
from tiaki.audit.models import AuditEvent
from tiaki.core.models import IdempotencyKey
from tiaki.screening import services
from tiaki.screening.models import Disposition, IngestBatch, Traveller

pytestmark = pytest.mark.django_db


def _bearer(user: User) -> dict[str, str]:
    _, raw = ApiToken.issue(user=user, name="carrier system")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _upload(client: Any, headers: dict[str, str], data: str, name: str = "TA101.edi",
            **extra: str) -> Any:
    return client.post("/api/screening/passenger-lists",
                       {"file": SimpleUploadedFile(name, data.encode()), **extra},
                       **headers)


def test_carrier_uploads_a_paxlst_and_a_retry_changes_nothing(
        client: Any, analyst: User, officer: User) -> None:
    services.lost_document_record(actor=analyst, number="X1234567", issuer="THA")
    headers = {**_bearer(officer), "HTTP_IDEMPOTENCY_KEY": "TA101-20260301"}
    with TestCase.captureOnCommitCallbacks(execute=True):
        first = _upload(client, headers, PAXLST_AKL)
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["format"] == "paxlst" and body["added"] == 2 and body["rejected"] == 0
    # Screened through the same service as the upload page: the lost passport raised an alert.
    assert Traveller.objects.filter(batch_id=body["id"]).count() == 2
    assert Traveller.objects.get(document_number="X1234567").alerts.count() == 1
    again = _upload(client, headers, PAXLST_AKL)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == body
    assert IngestBatch.objects.count() == 1
    assert AuditEvent.objects.filter(summary__startswith="Ingested TA101.edi").count() == 1
    # The same key with another file is a different request: refused, nothing read.
    other = _upload(client, headers, PAXLST_AKL.replace("DOE:JANE", "DOE:JOAN"))
    assert other.status_code == 422
    assert "different request" in other.json()["detail"]
    assert IngestBatch.objects.count() == 1


def test_passenger_list_csv_and_bad_rows(client: Any, officer: User) -> None:
    csv = ("family_name,given_names,date_of_birth,nationality,document_number,arrival_port\n"
           "Lee,Min,1999-02-01,KOR,M1234567,AKL\n"
           "Park,,not-a-date,KOR,M7654321,AKL\n")
    response = _upload(client, _bearer(officer), csv, name="manifest.csv")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["format"] == "csv" and body["read"] == 2
    assert body["problems"] and all("line" in p for p in body["problems"])


def test_passenger_list_refused_outside_screening(client: Any, personas: Any) -> None:
    response = _upload(client, {**_bearer(personas["police"]), "HTTP_IDEMPOTENCY_KEY": "k1"},
                       PAXLST_AKL)
    assert response.status_code == 403
    assert "border or visa officers" in response.json()["detail"]
    # A refused create releases its key: nothing was applied, so a retry may run.
    assert not IdempotencyKey.objects.exists() and not IngestBatch.objects.exists()


def test_disposition_with_a_key_is_recorded_once(client: Any, analyst: User,
                                                 officer: User) -> None:
    services.lost_document_record(actor=analyst, number="P0001", issuer="FJI")
    services.record_screen(actor=officer, fields={"family_name": "Tora", "document_number":
                                                  "P0001", "document_issuer": "FJI"},
                           kind="traveller")
    headers = {**_bearer(officer), "HTTP_IDEMPOTENCY_KEY": "disp-1"}
    [alert] = client.get("/api/screening/alerts", **headers).json()
    url = f"/api/screening/alerts/{alert['id']}/disposition"
    body = {"outcome": "referred", "note": "to document fraud team"}
    first = client.post(url, body, content_type="application/json", **headers)
    assert first.status_code == 201, first.content
    second = client.post(url, body, content_type="application/json", **headers)
    assert second.status_code == 201 and second.json() == first.json()
    assert Disposition.objects.count() == 1
    # Without the header a second disposition is the service's own refusal.
    third = client.post(url, body, content_type="application/json", **_bearer(officer))
    assert third.status_code == 403


def test_visa_applications_with_a_key(client: Any, visa_officer: User) -> None:
    headers = {**_bearer(visa_officer), "HTTP_IDEMPOTENCY_KEY": "visa-batch-7"}
    body = {"applications": [{"application_id": "V1", "family_name": "Lee",
                              "given_names": "Min", "nationality": "KOR"}]}
    first = client.post("/api/screening/visa-applications", body,
                        content_type="application/json", **headers)
    second = client.post("/api/screening/visa-applications", body,
                         content_type="application/json", **headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert IngestBatch.objects.count() == 1
