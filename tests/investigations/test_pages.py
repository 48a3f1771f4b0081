"""Investigation pages: 404 alike, audited reads, refused steps say why, figures page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import login, page_main
from tiaki.accounts.models import User
from tiaki.audit.models import AuditEvent
from tiaki.investigations.models import Investigation

pytestmark = pytest.mark.django_db
People = dict[str, User]


def test_missing_and_forbidden_answer_alike(client: Client, people: People,
                                            investigation: Investigation) -> None:
    login(client, people["outsider"])
    forbidden = client.get(f"/investigations/{investigation.reference}/")
    missing = client.get("/investigations/INV-1999-0009/")
    assert forbidden.status_code == missing.status_code == 404
    assert page_main(forbidden) == page_main(missing)  # same page bar the CSRF token
    posted = client.post(f"/investigations/{investigation.reference}/task/", {})
    assert posted.status_code == 404


def test_detail_is_audited_and_a_refused_charge_says_why(
        client: Client, people: People, investigation: Investigation) -> None:
    login(client, people["mbie"])
    page = client.get(f"/investigations/{investigation.reference}/")
    assert page.status_code == 200 and b"Tell the partner investigating agency" in page.content
    assert AuditEvent.objects.filter(action="read", actor_username="inv_mere").exists()
    client.post(f"/investigations/{investigation.reference}/suspect/",
                {"suspect-kind": "person", "suspect-name": "Rex Sample", "suspect-sex": "male"})
    suspect = investigation.suspects.get()
    refused = client.post(f"/investigations/{investigation.reference}/charge/", {
        "charge-suspect": suspect.pk, "charge-offence": "nz.crimes.s98d",
        "charge-laid_on": "2026-01-05"})
    assert refused.status_code == 400
    assert b"No senior officer is assigned" in refused.content


def test_figures_page_for_the_working_group(client: Client, people: People) -> None:
    login(client, people["secretariat"])
    page = client.get("/investigations/figures/")
    assert page.status_code == 200 and b"tip-figures" in page.content
    login(client, people["mbie"])
    assert client.get("/investigations/figures/").status_code == 404


def test_victim_case_page_shows_court_dates_and_reparation(
        client: Client, people: People, investigation: Investigation,
        shared_case: Any) -> None:
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from tests.investigations.conftest import charged
    from tiaki.investigations import services

    suspect, charge = charged(investigation, people, shared_case)
    today = timezone.localdate()
    services.hearing_add(defendant=suspect, actor=people["police"], kind="sentencing",
                         on=today - dt.timedelta(days=1), court="Napier District Court")
    services.charge_consent(charge=charge, actor=people["senior"], on=today)
    services.charge_decide(charge=charge, actor=people["police"], status="convicted", on=today)
    services.sentence_record(charge=charge, actor=people["police"], kind="imprisonment",
                             months=40, imposed_on=today,
                             reparations=[(shared_case, Decimal("12000.00"))])
    login(client, people["mbie"])
    page = client.get(f"/cases/{shared_case.reference}/").content.decode()
    assert "Napier District Court" in page and "Sentencing (R v Rex Sample)" in page
    assert "$12000.00 ordered" in page


def test_communications_log_pages_filters_and_exports(client: Any, make_user: Any) -> None:
    # Every message logged is reachable, not only the latest 50; the export is audited.
    import datetime as dt

    from tests.listing_helpers import csv_rows, export_count
    from tiaki.accounts.models import Agency
    from tiaki.investigations import services
    from tiaki.investigations.models import Communication

    lead = make_user("lead_comms", "POLICE", ["investigator"])
    investigation = services.investigation_open(actor=lead, title="Comms", summary="")
    police = Agency.objects.get(code="POLICE")
    start = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    Communication.objects.bulk_create(
        [Communication(investigation=investigation, at=start + dt.timedelta(minutes=i),
                       direction="sent" if i % 2 else "received", agency=police,
                       channel="email", summary=f"Message {i:03d}") for i in range(80)])
    login(client, lead)
    url = f"/investigations/{investigation.reference}/"
    page = client.get(url + "?comms-page=4").content.decode()
    assert "Message 000" in page and "76–80 of 80" in page
    page = client.get(url + "?comms-direction=sent").content.decode()
    assert "1–25 of 40" in page
    before = export_count()
    rows = csv_rows(client.get(url + "?comms-export=csv").content)
    assert len(rows) == 81 and export_count() == before + 1
