"""Plan records lists: every record of a kind paged (not the first 200), searched, filtered by
agency, sorted and exported, each export audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.conftest import login
from tests.listing_helpers import csv_rows, export_count, last_export, summary
from tiaki.accounts.models import Agency, User
from tiaki.plan.models import Plan
from tiaki.plan.records import TrainingSession

pytestmark = pytest.mark.django_db


def test_training_records_page_search_filter_and_export(
        client: Any, nz_plan: Plan, personas: dict[str, User]) -> None:
    customs = Agency.objects.get(code="CUSTOMS")
    police = Agency.objects.get(code="POLICE")
    start = dt.date(2010, 1, 1)
    TrainingSession.objects.bulk_create(
        [TrainingSession(agency=customs if i % 3 else police, held_on=start + dt.timedelta(i),
                         title=f"Session {i:04d}", audience="border officers" if i % 2
                         else "labour inspectors", people_trained=i % 30)
         for i in range(450)])
    login(client, personas["customs"])
    url = "/plan/records/training/"
    page = client.get(url).content.decode()
    assert summary(page) == "1–50 of 450"  # no longer cut at 200
    assert "Session 0449" in page and "Session 0399" not in page  # newest first
    page = client.get(url + "?sort=title&page=9").content.decode()
    assert "Session 0400" in page and "Session 0449" in page and "Session 0399" not in page
    page = client.get(url + "?q=labour&agency=POLICE").content.decode()
    expected = TrainingSession.objects.filter(agency=police, audience__contains="labour").count()
    assert summary(page) == f"1–50 of {expected}"

    before = export_count()
    rows = csv_rows(client.get(url + "?q=labour&agency=POLICE&export=csv").content)
    assert rows[0][:3] == ["Agency", "Held on", "Title"]
    assert len(rows) == 1 + expected and {r[0] for r in rows[1:]} == {"POLICE"}
    assert export_count() == before + 1
    event = last_export()
    assert event.changes["list"] == "plan-training" and event.changes["rows"] == expected
    assert event.changes["filters"]["agency"] == "POLICE"
