"""/healthz (alive), /readyz (database, migrations, cache) and scrubbed error reports."""

from __future__ import annotations

from typing import Any

import pytest
import sentry_sdk
from django.test import Client

from tiaki.core import health
from tiaki.core.error_reporting import error_reporting_init, scrub

pytestmark = pytest.mark.django_db


def test_health_and_readiness_answer_without_signing_in(client: Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "checks": {"database": "ok", "migrations": "ok",
                                                      "cache": "ok"}}
    assert "no-cache" in ready["Cache-Control"]


def test_readiness_names_what_is_missing(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    class Plan:
        def __init__(self, connection: Any) -> None:
            self.loader = type("L", (), {"graph": type("G", (), {
                "leaf_nodes": staticmethod(lambda: [])})()})()

        def migration_plan(self, targets: Any) -> list[Any]:
            return [("scheduling", "0002_future"), ("core", "0009_future")]

    monkeypatch.setattr(health, "MigrationExecutor", Plan)
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["migrations"] == "2 migration(s) not applied: run tiaki migrate"

    def broken() -> str:
        raise ConnectionError("redis down")

    monkeypatch.setitem(health.CHECKS, "cache", broken)
    assert client.get("/readyz").json()["checks"]["cache"] == "failed: ConnectionError"


def test_scrub_strips_personal_data() -> None:
    event = {
        "request": {"url": "https://tiaki.example/report/", "method": "POST",
                    "data": {"what_seen": "a name and an address"}, "cookies": {"sessionid": "x"},
                    "query_string": "q=Smith", "headers": {"Cookie": "sessionid=x",
                                                           "Authorization": "Bearer tk_x",
                                                           "Content-Type": "text/html"}},
        "user": {"id": 7, "username": "det_ana", "email": "ana@example.org"},
        "exception": {"values": [{"stacktrace": {"frames": [{"function": "f",
                                                             "vars": {"identity": "Maria"}}]}}]},
        "breadcrumbs": {"values": [{"message": "SELECT … 'Maria'"}]},
    }
    cleaned = scrub(event)
    assert cleaned["request"] == {"url": "https://tiaki.example/report/", "method": "POST",
                                  "headers": {"Content-Type": "text/html"}}
    assert cleaned["user"] == {"id": 7}
    assert cleaned["exception"]["values"][0]["stacktrace"]["frames"] == [{"function": "f"}]
    assert "breadcrumbs" not in cleaned


def test_error_reporting_only_with_a_dsn_and_sends_scrubbed_events() -> None:
    assert error_reporting_init(dsn="", environment="test") is False
    sent: list[dict[str, Any]] = []
    try:
        assert error_reporting_init(dsn="https://key@errors.example.invalid/1",
                                    environment="test", transport=sent.append) is True
        client = sentry_sdk.get_client()
        assert client.options["send_default_pii"] is False
        with sentry_sdk.new_scope() as scope:
            scope.set_user({"id": 3, "email": "someone@example.org"})
            try:
                secret = "Maria Example"  # noqa: F841 - a local that must not be sent
                raise ValueError("boom")
            except ValueError:
                sentry_sdk.capture_exception()
        sentry_sdk.flush()
    finally:
        sentry_sdk.init()  # back to no client for the other tests
    assert len(sent) == 1
    event = sent[0]
    assert event["user"] == {"id": 3}
    frames = event["exception"]["values"][0]["stacktrace"]["frames"]
    assert all("vars" not in frame for frame in frames)
