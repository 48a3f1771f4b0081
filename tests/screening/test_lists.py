"""Screening's lists: the alerts queue, batch alerts, ingested files and the lost/stolen register
page, search, filter and export on the server, each export audited."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.conftest import login
from tiaki.audit.models import AuditEvent
from tiaki.screening.models import Alert, Traveller

pytestmark = pytest.mark.django_db


def _csv(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _alert(posts: dict[str, Any], n: int, **traveller: Any) -> Alert:
    person = Traveller.objects.create(fingerprint=f"fp-{n}", full_name=f"TRAVELLER {n}",
                                      document_number=f"X{n:07d}", arrival_port="AKL",
                                      **traveller)
    return Alert.objects.create(traveller=person, post=posts["AKL"], source="profile",
                                explanation="age < 21", dedupe_key=f"profile:1:{n}")


def test_exporting_the_queue_with_an_open_alert_names_it_open(
        client: Any, officer: Any, posts: dict[str, Any]) -> None:
    # An open alert has no disposition row: reading it must not fail the export.
    _alert(posts, 1)
    login(client, officer)
    before = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count()
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/screening/?export={fmt}")
        assert response.status_code == 200, response.status_code
    rows = _csv(client.get("/screening/?export=csv").content)
    assert rows[0][-1] == "Disposition" and rows[1][-1] == "Open"
    assert rows[1][1] == "TRAVELLER 1"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == before + 3
