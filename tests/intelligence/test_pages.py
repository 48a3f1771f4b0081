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


def test_entity_search_results_page_filter_and_export(client: Client,
                                                      analysts: dict[str, User],
                                                      report: Report) -> None:
    from tests.listing_helpers import csv_rows, export_count, last_export

    Entity.objects.bulk_create(
        [Entity(report=report, ftm_id=f"e-{i:03d}", schema="Person" if i % 2 else "Company",
                caption=f"Rex {i:03d}") for i in range(120)])
    login(client, analysts["cleared"])
    page = page_main(client.get("/intelligence/?q=Rex"))
    assert "1–25 of 120" in page and "Rex 024" in page and "Rex 025" not in page
    page = page_main(client.get("/intelligence/?q=Rex&ent-kind=Person&ent-page=3"))
    assert "51–60 of 60" in page and "Rex 119" in page  # no longer cut at 50
    # The list's filter form keeps the reports' search it follows.
    assert 'type="hidden" name="q" value="Rex"' in page
    before = export_count()
    rows = csv_rows(client.get("/intelligence/?q=Rex&ent-kind=Company&ent-export=csv").content)
    assert rows[0] == ["Entity", "Kind", "Report"] and len(rows) == 61
    assert export_count() == before + 1
    assert last_export().changes["filters"] == {"q": "Rex", "kind": "Company", "sort": "entity"}
    login(client, analysts["uncleared"])
    rows = csv_rows(client.get("/intelligence/?q=Rex&ent-export=csv").content)
    assert len(rows) == 1  # the heading only: the report's caveat hides every entity


def test_properties_read_in_words_and_hidden_references_stay_hidden(
        client: Client, analysts: dict[str, User], report: Report) -> None:
    from tests.intelligence.conftest import make_report
    from tiaki.intelligence import services

    cleared = analysts["cleared"]
    rex = services.entity_add(actor=cleared, report=report, schema="Person",
                              properties={"name": "Zoltan Quimby", "nationality": "ws"})
    open_report = make_report(cleared, caveats=(), title="Open")
    passport = services.entity_add(actor=cleared, report=open_report, schema="Passport",
                                   properties={"number": "WS123456", "holder": rex.ftm_id,
                                               "country": "ws"})
    login(client, cleared)
    page = page_main(client.get(f"/intelligence/entities/{passport.ftm_id}/"))
    assert "Samoa" in page and "Identification holder" in page
    assert f'href="/intelligence/entities/{rex.ftm_id}/">Zoltan Quimby</a>' in page
    assert "Zoltan Quimby" in page_main(
        client.get(f"/intelligence/reports/{open_report.reference}/"))

    login(client, analysts["uncleared"])
    for url in (f"/intelligence/entities/{passport.ftm_id}/",
                f"/intelligence/reports/{open_report.reference}/"):
        page = page_main(client.get(url))
        assert "an entity you cannot see" in page
        assert "Zoltan" not in page and rex.ftm_id not in page
