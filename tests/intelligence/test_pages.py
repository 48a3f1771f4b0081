"""The intelligence pages: record, read (audited), add an entity; the caveat policy hides
the report, its entities and its search hits alike; other roles get 403 for the section."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import login, page_main
from tiaki.accounts.models import User
from tiaki.audit.models import AuditEvent
from tiaki.intelligence.models import Entity, Report

pytestmark = pytest.mark.django_db


def test_record_read_and_add_entity(client: Client, analysts: dict[str, User]) -> None:
    login(client, analysts["cleared"])
    response = client.post("/intelligence/new/", {
        "title": "Recruiter in Apia", "text": "Recruiter charges fees.", "scheme": "uk-3x5x2",
        "source_grade": "2", "information_grade": "c", "handling_code": "P",
        "release": "nz", "tlp": "amber", "caveats": ["HTX"]})
    assert response.status_code == 302, page_main(response)
    report = Report.objects.get()
    assert report.grade == "2CP"
    page = client.get(f"/intelligence/reports/{report.reference}/")
    assert "Recruiter charges fees." in page_main(page)
    assert AuditEvent.objects.filter(action="read", object_id=str(report.pk)).exists()
    bad = client.post(f"/intelligence/reports/{report.reference}/entities/",
                      {"schema": "Person", "properties": "name: Rex\nphone: nope"})
    assert bad.status_code == 400
    assert "is not a valid phone" in page_main(bad)
    client.post(f"/intelligence/reports/{report.reference}/entities/",
                {"schema": "Person", "properties": "name: Rex Sample\nphone: +64215550101"})
    entity = Entity.objects.get()
    assert "Rex Sample" in page_main(client.get(f"/intelligence/entities/{entity.ftm_id}/"))
    assert "Rex Sample" in page_main(client.get("/intelligence/?q=Rex"))


def test_refused_grade_keeps_the_form(client: Client, analysts: dict[str, User]) -> None:
    login(client, analysts["cleared"])
    response = client.post("/intelligence/new/", {
        "title": "T", "text": "X", "scheme": "uk-3x5x2", "source_grade": "9",
        "information_grade": "C", "handling_code": "P", "release": "nz", "tlp": "amber"})
    assert response.status_code == 400
    assert "Source grade &#x27;9&#x27; is not in uk-3x5x2" in page_main(response)


def test_without_the_caveat_nothing_is_found(client: Client, analysts: dict[str, User],
                                             report: Report) -> None:
    from tiaki.intelligence import services

    entity = services.entity_add(actor=analysts["cleared"], report=report, schema="Person",
                                 properties={"name": "Rex Sample"})
    login(client, analysts["uncleared"])
    assert report.reference not in page_main(client.get("/intelligence/"))
    assert "Rex Sample" not in page_main(client.get("/intelligence/?q=Rex"))
    assert client.get(f"/intelligence/reports/{report.reference}/").status_code == 404
    assert client.get(f"/intelligence/entities/{entity.ftm_id}/").status_code == 404
    missing = client.get("/intelligence/reports/INT-2026-9999/")
    assert missing.status_code == 404


def test_other_roles_get_403(client: Client, analysts: dict[str, User]) -> None:
    login(client, analysts["frontline"])
    assert client.get("/intelligence/").status_code == 403
    assert client.get("/intelligence/plan/").status_code == 403
