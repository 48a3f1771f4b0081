"""Screening pages: what each role sees, the profile workflow and dispositions by form."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from tests.conftest import login
from tests.screening.conftest import PAXLST_AKL
from tiaki.core.models import Notification
from tiaki.screening import services
from tiaki.screening.models import Alert, Disposition, IngestBatch, RiskProfile

pytestmark = pytest.mark.django_db


def test_pages_answer_by_role(client: Any, analyst: Any, officer: Any, personas: Any) -> None:
    login(client, analyst)
    for url in ("/screening/", "/screening/profiles/", "/screening/ingest/",
                "/screening/watchlists/", "/screening/documents/"):
        assert client.get(url).status_code == 200, url
    login(client, officer)
    assert client.get("/screening/").status_code == 200
    assert client.get("/screening/profiles/").status_code == 403
    assert client.get("/screening/watchlists/").status_code == 403
    # Investigators see the alerts reported to them (none yet), never the queues or uploads.
    login(client, personas["police"])
    assert "reported to your agency as suspected trafficking (0)" in client.get(
        "/screening/").content.decode()
    assert client.get("/screening/ingest/").status_code == 403
    login(client, personas["minister"])
    assert client.get("/screening/").status_code == 403


def test_profile_workflow_by_form(client: Any, analyst: Any) -> None:
    login(client, analyst)
    response = client.post("/screening/profiles/", {
        "name": "Young recruits", "description": "", "effective_from": "2026-01-01",
        "expression": 'employer.lower() == "x"'})
    assert response.status_code == 400
    assert "line 1, column 9: attribute access" in response.content.decode()
    response = client.post("/screening/profiles/", {
        "name": "Young recruits", "description": "", "effective_from": "2026-01-01",
        "expression": 'nationality == "THA" and age < 21'})
    profile = RiskProfile.objects.get()
    assert response.status_code == 302
    url = f"/screening/profiles/{profile.pk}/"
    preview = client.post(url, {"action": "preview", "expression": 'nationality == "THA"',
                                "effective_from": "2026-01-01"})
    assert "would hit <strong>0</strong> of the 0 records" in preview.content.decode()
    client.post(url, {"action": "add_test", "label": "teen", "facts": "nationality: THA\nage: 17",
                      "must_hit": "yes"})
    version = profile.latest()
    assert version is not None
    published = client.post(url, {"action": "publish", "version": version.pk})
    assert published.status_code == 302
    version.refresh_from_db()
    assert version.status == "published"
    page = client.get(url).content.decode()
    assert "Pass" in page and "Published" in page


def test_upload_raises_alert_and_officer_reports_trafficking(
    client: Any, analyst: Any, officer: Any, personas: Any
) -> None:
    version = services.profile_create(actor=analyst, name="Young", description="",
                                      expression="age < 21").latest()
    assert version is not None
    services.profile_test_add(actor=analyst, profile=version.profile, label="t",
                              facts="age: 18", must_hit=True)
    services.profile_publish(actor=analyst, version=version)
    login(client, officer)
    upload = SimpleUploadedFile("akl.edi", PAXLST_AKL.encode(), content_type="text/plain")
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/screening/ingest/", {"file": upload})
    batch = IngestBatch.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/screening/batches/{batch.pk}/")
    page = client.get(response["Location"]).content.decode()
    assert "1 alert raised" in page
    alert = Alert.objects.get()
    queue = client.get("/screening/?post=AKL").content.decode()
    assert f"/screening/alerts/{alert.pk}/" in queue
    detail = client.get(f"/screening/alerts/{alert.pk}/").content.decode()
    assert "Young v1" in detail and "age=18" in detail
    done = client.post(f"/screening/alerts/{alert.pk}/", {"outcome": "trafficking",
                                                          "note": "Debt bondage described"})
    assert done.status_code == 302
    disposition = Disposition.objects.get()
    assert disposition.outcome == "trafficking" and disposition.report is not None
    # The receiving investigator opens the notification: the triage item, which leads to
    # the alert, the traveller and the officer's note; other alerts stay missing.
    other = Alert.objects.create(traveller=alert.traveller, post=alert.post,
                                 source="profile", explanation="x", dedupe_key="other")
    login(client, personas["police"])
    note = Notification.objects.get(recipient=personas["police"])
    triage = client.get(note.url)
    assert triage.status_code == 200
    assert f"/screening/alerts/{alert.pk}/" in triage.content.decode()
    opened = client.get(f"/screening/alerts/{alert.pk}/")
    assert opened.status_code == 200
    text = opened.content.decode()
    assert "Debt bondage described" in text and "DOE" in text.upper()
    assert "akl.edi" not in text  # the passenger list itself is not theirs
    assert client.get(f"/screening/alerts/{other.pk}/").status_code == 404
    assert client.get(f"/screening/batches/{batch.pk}/").status_code == 404
    assert f"/screening/alerts/{alert.pk}/" in client.get("/screening/").content.decode()
    login(client, officer)
    login(client, analyst)
    review = client.get("/screening/profiles/").content.decode()
    assert "suspected trafficking activity (item 10): <strong>1</strong>" in review
    assert "100%" in review


def test_batch_page_is_private_to_uploader_and_analysts(
    client: Any, officer: Any, make_user: Any
) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        outcome = services.ingest_file(actor=officer, data=PAXLST_AKL.encode(),
                                       file_name="akl.edi")
    other = make_user("other", "CUSTOMS", ["frontline"])
    login(client, other)
    assert client.get(f"/screening/batches/{outcome.batch.pk}/").status_code == 404


def test_upload_in_a_legacy_encoding_is_read(client: Any, officer: Any) -> None:
    login(client, officer)
    data = "family_name,given_names,nationality,arrival_port\nMüller,Zoë,DEU,CHC\n".encode(
        "cp1252")
    upload = SimpleUploadedFile("list.csv", data, content_type="text/csv")
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/screening/ingest/", {"file": upload})
    assert response.status_code == 302
    from tiaki.screening.models import Traveller

    assert Traveller.objects.get().family_name == "Müller"
    batch = IngestBatch.objects.get()
    assert "Windows-1252" in batch.problems[0]["reason"]
    page = client.get(response["Location"]).content.decode()
    assert "Windows-1252" in page


def test_opening_an_alert_is_audited(client: Any, analyst: Any, officer: Any) -> None:
    from tiaki.audit.models import AuditEvent

    services.lost_document_record(actor=analyst, number="P0001", issuer="FJI")
    outcome = services.record_screen(actor=officer, fields={
        "family_name": "Tora", "document_number": "P0001", "document_issuer": "FJI"},
        kind="traveller")
    login(client, officer)
    alert = outcome.alerts[0]
    assert client.get(f"/screening/alerts/{alert.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action="read", object_type="screening.traveller",
                                     object_id=str(outcome.traveller.pk),
                                     actor_username="officer").exists()


def test_batch_progress_partial_for_htmx(client: Any, officer: Any) -> None:
    # Without the worker, screening waits: the page polls its progress.
    outcome = services.ingest_file(actor=officer, data=PAXLST_AKL.encode(), file_name="a.edi")
    login(client, officer)
    url = f"/screening/batches/{outcome.batch.pk}/"
    full = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in full and "Read, waiting to be screened" in full
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="progress"') and "<html" not in partial
    services.batch_screen(batch=outcome.batch)
    done = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done and "2 of 2 records screened" in done
