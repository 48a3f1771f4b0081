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


def test_the_lost_document_register_pages_searches_filters_and_exports_every_row(
        client: Any, analyst: Any, officer: Any) -> None:
    # 10,000 entries: the page shows 50 of them, the export all that match.
    from tests.listing_helpers import export_count, last_export, summary, xlsx_rows
    from tiaki.screening.models import LostDocument

    LostDocument.objects.bulk_create(
        [LostDocument(number=f"LA{i:06d}", number_normalised=f"LA{i:06d}",
                      number_folded=f"LA{i:06d}", issuer="THA" if i % 5 else "GBR",
                      status="stolen" if i % 2 else "lost", reference=f"REF-{i}")
         for i in range(10_000)], batch_size=2000)
    login(client, officer)
    page = client.get("/screening/documents/").content.decode()
    assert summary(page) == "1–50 of 10,000"
    # By issuer, then number: GBR's first fifty (every fifth entry) before any THA.
    assert "LA000245" in page and "LA000001" not in page and "LA000250" not in page
    page = client.get("/screening/documents/?sort=-number&page=2").content.decode()
    assert "LA009949" in page and "LA009950" not in page
    # A number typed with spaces and dashes is found as the register holds it.
    page = client.get("/screening/documents/?q=la-0001 23").content.decode()
    assert summary(page) == "1–1 of 1" and "LA000123" in page
    page = client.get("/screening/documents/?issuer=GBR&status=lost").content.decode()
    assert summary(page) == "1–50 of 1,000"

    before = export_count()
    rows = _csv(client.get("/screening/documents/?issuer=GBR&status=lost&export=csv").content)
    assert rows[0] == ["Issuer", "Number", "Type", "Status", "Reference", "Reported"]
    assert len(rows) == 1 + 1_000 and {r[0] for r in rows[1:]} == {"GBR"}
    assert export_count() == before + 1
    event = last_export()
    assert event.changes["rows"] == 1_000 and event.changes["filters"]["issuer"] == "GBR"
    sheet = xlsx_rows(client.get("/screening/documents/?export=xlsx").content)
    assert len(sheet) == 1 + 10_000 and export_count() == before + 2


def test_ingested_files_and_a_files_alerts_page_and_export(
        client: Any, officer: Any, make_user: Any, posts: dict[str, Any]) -> None:
    import datetime as dt

    from tests.listing_helpers import export_count, summary
    from tiaki.screening.models import IngestBatch

    start = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    IngestBatch.objects.bulk_create(
        [IngestBatch(file_name=f"list-{i:03d}.edi", sha256=f"{i:064d}", format="paxlst",
                     uploaded_by=officer, created_at=start + dt.timedelta(minutes=i),
                     status="done")
         for i in range(60)])
    batch = IngestBatch.objects.get(file_name="list-059.edi")
    for n in range(120):
        alert = _alert(posts, n)
        alert.batch = batch
        alert.save(update_fields=["batch"])
    login(client, officer)
    page = client.get("/screening/ingest/").content.decode()
    assert summary(page) == "1–25 of 60" and "list-059.edi" in page and "list-000" not in page
    page = client.get("/screening/ingest/?q=list-00").content.decode()
    assert summary(page) == "1–10 of 10"
    before = export_count()
    rows = _csv(client.get("/screening/ingest/?export=csv").content)
    assert len(rows) == 61 and rows[1][0] == "list-059.edi" and export_count() == before + 1

    url = f"/screening/batches/{batch.pk}/"
    page = client.get(url).content.decode()
    assert summary(page) == "1–50 of 120"  # not cut at 100
    page = client.get(url + "?page=3").content.decode()
    assert "TRAVELLER 119" in page and summary(page) == "101–120 of 120"
    rows = _csv(client.get(url + "?export=csv").content)
    assert len(rows) == 121 and export_count() == before + 2
    # Someone who may not see the file sees neither it nor its list.
    other = make_user("other", "CUSTOMS", ["frontline"])
    login(client, other)
    assert client.get(url + "?export=csv").status_code == 404
    assert "list-059.edi" not in client.get("/screening/ingest/").content.decode()
