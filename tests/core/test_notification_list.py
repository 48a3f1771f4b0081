"""The notifications list pages, filters, searches, sorts and exports a person's own only."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import MakeUser, login, page_main
from tests.listing_helpers import csv_rows, export_count, last_export, xlsx_rows
from tiaki.accounts.roles import Role
from tiaki.core.models import Notification
from tiaki.core.notifications import Kind

pytestmark = pytest.mark.django_db
NOW = timezone.datetime(2026, 3, 1, tzinfo=timezone.UTC)


def test_notifications_page_filter_search_sort_and_export(client: Any,
                                                          make_user: MakeUser) -> None:
    person = make_user("reader", "POLICE", [Role.INVESTIGATOR])
    other = make_user("neighbour", "CUSTOMS", [Role.FRONTLINE])
    Notification.objects.bulk_create(
        [Notification(recipient=person, subject=f"Notice {i:03d}",
                      kind=Kind.REPORT if i % 3 == 0 else Kind.GENERAL,
                      created_at=NOW + timezone.timedelta(minutes=i),
                      read_at=NOW if i % 4 == 0 else None)
         for i in range(70)]
        + [Notification(recipient=other, subject=f"Secret {i}", created_at=NOW)
           for i in range(5)])
    login(client, person)
    body = page_main(client.get("/notifications/"))
    assert "1–50 of 52" in body and "Secret" not in body  # 70 less the 18 read
    assert body.index("Notice 069") < body.index("Notice 067")  # newest first
    body = page_main(client.get("/notifications/?show=all&page=2"))
    assert "51–70 of 70" in body and "Notice 000" in body
    body = page_main(client.get("/notifications/?show=all&sort=when"))
    assert body.index("Notice 000") < body.index("Notice 001")
    body = page_main(client.get(f"/notifications/?show=all&kind={Kind.REPORT}"))
    assert "of 24" in body and "Notice 001" not in body
    body = page_main(client.get("/notifications/?show=all&q=notice+01"))
    assert "of 10" in body
    assert "Nothing matches" in page_main(client.get("/notifications/?show=all&q=secret"))

    before = export_count()
    response = client.get(f"/notifications/?show=all&kind={Kind.REPORT}&sort=when&export=csv")
    assert response.status_code == 200
    rows = csv_rows(response.content)
    assert rows[0][0] == "Notice" and len(rows) == 25 and rows[1][0] == "Notice 000"
    event = last_export()
    assert export_count() == before + 1 and event.actor_username == "reader"
    assert event.changes["rows"] == 24 and event.changes["filters"]["kind"] == Kind.REPORT
    sheet = xlsx_rows(client.get("/notifications/?show=all&export=xlsx").content)
    assert len(sheet) == 71 and not any("Secret" in str(r[0]) for r in sheet)
