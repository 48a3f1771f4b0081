"""The audit trail's search page pages, sorts and exports without ever counting the whole trail."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import login, page_main
from tests.listing_helpers import csv_rows, export_count, last_export, xlsx_rows
from tiaki.accounts.models import User
from tiaki.audit.lists import AUDIT_TRAIL
from tiaki.audit.services import Action, audit_record

pytestmark = pytest.mark.django_db


def _rows(n: int, actor: Any) -> None:
    for i in range(n):
        audit_record(actor=actor, action=Action.UPDATE if i % 2 else Action.CREATE,
                     object_type="test.thing", object_id=str(i), summary=f"thing {i:03d}")


def test_audit_search_pages_filters_sorts_and_exports(
        client: Any, personas: dict[str, User]) -> None:
    _rows(120, personas["customs"])
    login(client, personas["auditor"])
    body = page_main(client.get("/audit/?object_type=test.thing"))
    assert "1–50 of 120" in body and 'rel="next"' in body
    assert body.index("thing 119") < body.index("thing 118")  # newest first
    body = page_main(client.get("/audit/?object_type=test.thing&page=3"))
    assert "101–120 of 120" in body and "thing 000" in body
    body = page_main(client.get("/audit/?object_type=test.thing&sort=number"))
    assert body.index("thing 000") < body.index("thing 001")
    assert 'aria-sort="ascending"' in body
    body = page_main(client.get("/audit/?object_type=test.thing&action=create&actor=cus"))
    assert "of 60" in body and "thing 001" not in body

    before = export_count()
    response = client.get("/audit/?object_type=test.thing&action=update&sort=number"
                          "&export=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response.content)
    assert rows[0][0] == "#" and len(rows) == 61 and rows[1][6] == "thing 001"
    event = last_export()
    assert export_count() == before + 1 and event.actor_username == "aud"
    assert event.changes["rows"] == 60 and event.changes["list"] == "audit-trail"
    assert event.changes["filters"]["action"] == "update"
    assert event.changes["filters"]["object_type"] == "test.thing"
    sheet = xlsx_rows(client.get("/audit/?object_type=test.thing&export=xlsx").content)
    assert len(sheet) == 121 and export_count() == before + 2


def test_audit_search_counts_at_most_the_cap(client: Any, personas: dict[str, User],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(AUDIT_TRAIL, "count_cap", 30)
    _rows(45, personas["customs"])
    login(client, personas["auditor"])
    with CaptureQueriesContext(connection) as queries:
        body = page_main(client.get("/audit/?per_page=25"))
    assert "1–25 of more than 30" in body and "Narrow the search" in body
    counts = [q["sql"] for q in queries
              if "COUNT(" in q["sql"].upper() and "audit_auditevent" in q["sql"]]
    assert counts and all("LIMIT" in sql.upper() for sql in counts), counts
    # A list above the cap is not exported whole: narrowing it is asked for instead.
    before = export_count()
    response = client.get("/audit/?export=csv")
    assert response.status_code == 302 and export_count() == before
    assert client.get("/audit/?object_type=test.thing&action=create&export=csv"
                      ).status_code == 200


def test_others_neither_search_nor_export_the_trail(client: Any,
                                                    personas: dict[str, User]) -> None:
    _rows(3, personas["customs"])
    login(client, personas["customs"])
    before = export_count()
    assert client.get("/audit/?export=csv").status_code == 403
    assert export_count() == before
