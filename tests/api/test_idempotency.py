"""Idempotency-Key on the API's creates: one mechanism (tiaki.core.idempotency)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import RequestFactory

from tests.api.test_api import _bearer
from tiaki.accounts.models import User
from tiaki.core import idempotency
from tiaki.core.models import IdempotencyKey
from tiaki.plan.models import Plan, ProgressUpdate

URL = "/api/plan/nz-2009/items/10/updates"
BODY = {"status": "in_progress", "narrative": "Targeting profile redrafted"}


def _post(client: Any, user: User, key: str, body: dict[str, Any] = BODY) -> Any:
    return client.post(URL, body, content_type="application/json",
                       HTTP_IDEMPOTENCY_KEY=key, **_bearer(user))


def test_a_retry_returns_the_first_response_and_creates_nothing(
        client: Any, nz_plan: Plan, personas: dict[str, User]) -> None:
    first = _post(client, personas["customs"], "b3c1f0d2")
    assert first.status_code == 201, first.content
    assert "Idempotent-Replayed" not in first
    retry = _post(client, personas["customs"], "b3c1f0d2")
    assert retry.status_code == 201 and retry["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert ProgressUpdate.objects.count() == 1
    record = IdempotencyKey.objects.get()
    assert record.user == personas["customs"] and record.operation == f"POST {URL}"
    assert record.status_code == 201 and len(record.fingerprint) == 64


def test_a_different_body_under_a_used_key_is_refused(
        client: Any, nz_plan: Plan, personas: dict[str, User]) -> None:
    assert _post(client, personas["customs"], "k-1").status_code == 201
    other = _post(client, personas["customs"], "k-1", {**BODY, "narrative": "Other"})
    assert other.status_code == 422
    assert "already used for a different request" in other.json()["detail"]
    assert ProgressUpdate.objects.count() == 1


def test_keys_belong_to_their_caller(client: Any, nz_plan: Plan,
                                     personas: dict[str, User]) -> None:
    """Another system using the same key gets its own create, never the first one's answer."""
    assert _post(client, personas["customs"], "shared").status_code == 201
    secretariat = _post(client, personas["secretariat"], "shared")
    assert secretariat.status_code == 201 and "Idempotent-Replayed" not in secretariat
    assert ProgressUpdate.objects.count() == 2


def test_a_refused_create_releases_its_key(client: Any, nz_plan: Plan,
                                           personas: dict[str, User]) -> None:
    refused = client.post("/api/plan/nz-2009/items/10/updates", {**BODY, "status": "nonsense"},
                          content_type="application/json", HTTP_IDEMPOTENCY_KEY="r",
                          **_bearer(personas["customs"]))
    assert refused.status_code in (403, 422)
    assert not IdempotencyKey.objects.exists()
    assert _post(client, personas["customs"], "r").status_code == 201


def test_while_the_first_request_runs_a_retry_waits(db: Any,
                                                    personas: dict[str, User]) -> None:
    """Concurrent retries: the unique (caller, key) row lets one in; the other answers 409
    and nothing runs twice."""
    factory = RequestFactory()

    def request() -> Any:
        req = factory.post(URL, BODY, content_type="application/json")
        req.user = personas["customs"]
        return req

    first = idempotency.claim(request(), "same")
    assert isinstance(first, IdempotencyKey) and first.status_code is None
    second = idempotency.claim(request(), "same")
    assert getattr(second, "status_code", None) == 409
    assert IdempotencyKey.objects.count() == 1


def test_overlong_key_is_refused(client: Any, nz_plan: Plan,
                                 personas: dict[str, User]) -> None:
    response = _post(client, personas["customs"], "x" * 300)
    assert response.status_code == 400 and "longer than" in response.json()["detail"]
    assert not ProgressUpdate.objects.exists()


def test_purge_forgets_keys_after_the_retry_window(db: Any, personas: dict[str, User]) -> None:
    now = dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC)
    IdempotencyKey.objects.create(user=personas["customs"], key="old", operation="POST /x",
                                  fingerprint="0" * 64, created_at=now - dt.timedelta(days=2))
    IdempotencyKey.objects.create(user=personas["customs"], key="new", operation="POST /x",
                                  fingerprint="0" * 64, created_at=now - dt.timedelta(hours=1))
    assert idempotency.idempotency_purge(now=now) == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_every_create_in_the_schema_takes_the_key(client: Any, db: Any) -> None:
    schema = client.get("/api/schema").json()
    creates = []
    for path, operations in schema["paths"].items():
        post = operations.get("post")
        if not post or "201" not in post["responses"]:
            continue
        if path == "/api/public/reports":
            # Anonymous: no caller to keep a key for (proof of work guards it instead).
            continue
        creates.append(path)
        names = {p["name"] for p in post.get("parameters", []) if p["in"] == "header"}
        assert idempotency.HEADER in names, path
    assert {"/api/cases/", "/api/screening/passenger-lists",
            "/api/screening/alerts/{alert_id}/disposition",
            "/api/screening/visa-applications"} <= set(creates)
