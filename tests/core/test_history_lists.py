"""A record's history pages through every event (not the latest 50) and exports, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.conftest import MakeUser, login
from tests.listing_helpers import csv_rows, export_count, last_export, summary
from tiaki.accounts.models import Agency
from tiaki.accounts.roles import Role
from tiaki.cases.models import CaseEvent, VictimCase

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_case_history_pages_searches_and_exports(client: Any, agencies: dict[str, Agency],
                                                 make_user: MakeUser) -> None:
    case = VictimCase.objects.create(reference="C-HIST", agency=agencies["POLICE"])
    CaseEvent.objects.bulk_create(
        [CaseEvent(case=case, at=START + dt.timedelta(hours=i), kind="note",
                   summary=f"Step {i:03d}" + (" referral" if i % 4 == 0 else ""))
         for i in range(120)])
    login(client, make_user("inv", "POLICE", [Role.INVESTIGATOR]))
    url = f"/cases/{case.reference}/"
    page = client.get(url).content.decode()
    section = page[page.index('id="listing-history"'):]
    assert summary(section) == "1–25 of 120"
    assert "Step 119" in section and "Step 094" not in section  # newest first
    page = client.get(url + "?history-page=5").content.decode()
    section = page[page.index('id="listing-history"'):]
    assert "Step 000" in section and summary(section) == "101–120 of 120"
    page = client.get(url + "?history-q=referral").content.decode()
    assert summary(page[page.index('id="listing-history"'):]) == "1–25 of 30"
    before = export_count()
    rows = csv_rows(client.get(url + "?history-export=csv").content)
    assert rows[0] == ["When", "What happened", "By"] and len(rows) == 121
    assert export_count() == before + 1 and last_export().changes["list"] == "history"
    # Another agency's staff neither see the case nor export its history.
    login(client, make_user("ot", "ORANGA_TAMARIKI", [Role.CASE_MANAGER]))
    assert client.get(url + "?history-export=csv").status_code == 404


def test_certification_history_pages_and_exports(client: Any, agencies: dict[str, Agency],
                                                 make_user: MakeUser) -> None:
    from tiaki.cases.models import Certification

    case = VictimCase.objects.create(reference="C-CERT", agency=agencies["POLICE"])
    cert = Certification.objects.create(case=case, reference="CERT-HIST")
    CaseEvent.objects.bulk_create(
        [CaseEvent(case=case, certification=cert, at=START + dt.timedelta(hours=i),
                   kind="note", summary=f"Cert step {i:03d}") for i in range(60)])
    login(client, make_user("inv", "POLICE", [Role.INVESTIGATOR]))
    url = f"/cases/certifications/{cert.reference}/"
    page = client.get(url).content.decode()
    section = page[page.index('id="listing-history"'):]
    assert summary(section) == "1–25 of 60" and "Cert step 059" in section
    page = client.get(url + "?history-page=3").content.decode()
    assert "Cert step 000" in page[page.index('id="listing-history"'):]
    before = export_count()
    rows = csv_rows(client.get(url + "?history-export=csv").content)
    assert len(rows) == 61 and export_count() == before + 1
