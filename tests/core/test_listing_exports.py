"""Lists that scale: 10,000 rows paged, searched, filtered, sorted and exported, in policy."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import MakeUser, login
from tiaki.accounts.models import Agency
from tiaki.accounts.roles import Role
from tiaki.audit.models import AuditEvent
from tiaki.cases.models import VictimCase
from tiaki.core.exports import neutralised, to_csv, to_xlsx

N = 10_000
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _cases(agency: Agency, count: int, prefix: str, **fields: Any) -> None:
    VictimCase.objects.bulk_create(
        [VictimCase(reference=f"{prefix}-{i:05d}", agency=agency,
                    created_at=START + dt.timedelta(minutes=i),
                    nationality="Samoa" if i % 4 == 0 else "Tonga",
                    is_child=i % 10 == 0, **fields)
         for i in range(count)], batch_size=2000)


@pytest.fixture
def many(agencies: dict[str, Agency], make_user: MakeUser) -> dict[str, Any]:
    _cases(agencies["POLICE"], N, "C")
    _cases(agencies["ORANGA_TAMARIKI"], 30, "OT", closed_at=START)
    return {"police": make_user("inv", "POLICE", [Role.INVESTIGATOR]),
            "ot": make_user("otcm", "ORANGA_TAMARIKI", [Role.CASE_MANAGER])}


def _csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx_rows(body: bytes) -> list[tuple[Any, ...]]:
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.django_db
def test_ten_thousand_cases_page_filter_sort_and_export(client: Any, many: dict[str, Any]) -> None:
    login(client, many["police"])
    page = client.get("/cases/").content.decode()
    assert "1–50 of 10,000" in page
    assert 'aria-current="page">1<' in page and "page=200" in page  # last page linked
    # Newest first by default; sorting by reference ascending starts at C-00000.
    assert page.index("C-09999") < page.index("C-09998")
    page = client.get("/cases/?sort=reference&page=2").content.decode()
    assert "51–100 of 10,000" in page and "C-00050" in page and "C-00049" not in page
    assert 'aria-sort="ascending"' in page
    # Search and filters narrow on the server.
    page = client.get("/cases/?q=samoa&child=yes").content.decode()
    expected = VictimCase.objects.filter(agency__code="POLICE", nationality="Samoa",
                                         is_child=True).count()
    assert expected == 500 and f"of {expected:,}" in page

    before = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count()
    response = client.get("/cases/?q=samoa&child=yes&sort=reference&export=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response.content)
    assert rows[0][0] == "Reference" and len(rows) - 1 == expected
    assert rows[1][0] == "C-00000" and all(r[3] == "Samoa" for r in rows[1:])

    response = client.get("/cases/?status=all&export=xlsx")
    sheet = _xlsx_rows(response.content)
    assert len(sheet) - 1 == N  # every row of the list, not one page; no other agency's
    assert not any(str(r[0]).startswith("OT-") for r in sheet)

    exports = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).order_by("pk")
    assert exports.count() == before + 2
    first, second = list(exports)[-2:]
    assert first.actor_username == "inv" and first.object_type == "cases.victimcase"
    assert first.changes["rows"] == expected and first.changes["format"] == "csv"
    assert first.changes["filters"]["q"] == "samoa"
    assert second.changes["rows"] == N and second.changes["format"] == "xlsx"


@pytest.mark.django_db
def test_another_agency_neither_sees_nor_exports_the_rows(client: Any,
                                                          many: dict[str, Any]) -> None:
    login(client, many["ot"])
    page = client.get("/cases/?status=all").content.decode()
    assert "of 30" in page and "C-00001" not in page
    rows = _csv_rows(client.get("/cases/?status=all&q=C-0&export=csv").content)
    assert len(rows) == 1  # the header only: searching for others' references finds nothing
    rows = _csv_rows(client.get("/cases/?status=all&export=csv").content)
    assert len(rows) == 31 and all(r[0].startswith("OT-") for r in rows[1:])


@pytest.mark.django_db
def test_list_page_queries_do_not_grow_with_rows(client: Any, agencies: dict[str, Agency],
                                                 make_user: MakeUser) -> None:
    user = make_user("inv2", "POLICE", [Role.INVESTIGATOR])
    login(client, user)
    _cases(agencies["POLICE"], 5, "A")
    client.get("/cases/")
    with CaptureQueriesContext(connection) as small:
        assert client.get("/cases/?per_page=200").status_code == 200
    _cases(agencies["POLICE"], 400, "B")
    with CaptureQueriesContext(connection) as large:
        assert client.get("/cases/?per_page=200").status_code == 200
    assert len(large) == len(small)


@pytest.mark.django_db
def test_triage_queue_pages_filters_and_exports(client: Any, make_user: MakeUser) -> None:
    from tiaki.intake.models import Report

    assert Report.objects.count() == 0
    user = make_user("triager", "POLICE", [Role.INVESTIGATOR])
    login(client, user)
    response = client.get("/intake/triage/?status=all&priority=2_high&export=csv")
    assert response.status_code == 200 and len(_csv_rows(response.content)) == 1


def test_formula_cells_are_neutralised() -> None:
    assert neutralised("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    for start in "=+-@":
        assert neutralised(f"{start}1+1").startswith("'")
    assert neutralised("Samoa") == "Samoa" and neutralised(-5) == -5
    rows = _csv_rows(to_csv(["A"], [["=1+1"], ["@SUM(A1)"], ["plain"]]))
    assert [r[0] for r in rows[1:]] == ["'=1+1", "'@SUM(A1)", "plain"]
    # In XLSX the same text is a text cell, never a formula, and reads back unchanged.
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx("t", ["A"], [["=1+1"]]))).active
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"
    assert timezone.is_aware(START)


@pytest.mark.django_db
def test_global_search_finds_only_what_the_user_may_see(client: Any,
                                                        many: dict[str, Any]) -> None:
    login(client, many["ot"])
    page = client.get("/search/?q=OT-0001").content.decode()
    assert "OT-00012" in page and 'data-kind="Victim cases"' in page
    page = client.get("/search/?q=C-0001").content.decode()
    assert "C-00012" not in page and "Nothing you may see matches" in page
    read = AuditEvent.objects.filter(action=AuditEvent.Action.READ,
                                     actor_username="otcm").order_by("-pk").first()
    assert read is not None and read.changes["purpose"] == "case search"
    assert "OT-00012" in read.changes["references"]
    login(client, many["police"])
    page = client.get("/search/?q=C-0001").content.decode()
    assert "C-00012" in page and "OT-0001" not in page
    assert 'id="header-search"' in page


@pytest.mark.django_db
def test_plan_dashboard_tables_export(client: Any, nz_plan: Any, make_user: MakeUser) -> None:
    login(client, make_user("secx", "MBIE", [Role.SECRETARIAT]))
    page = client.get("/plan/").content.decode()
    assert "table=items" in page and "table=agencies" in page
    items = nz_plan.items.count()
    rows = _csv_rows(client.get("/plan/?table=items&export=csv").content)
    assert len(rows) - 1 == items and rows[0][0] == "No."
    sheet = _xlsx_rows(client.get("/plan/?table=agencies&export=xlsx").content)
    assert sheet[0][0] == "Agency" and len(sheet) > 2
    export = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).order_by("-pk").first()
    assert export is not None and export.changes["list"] == "plan-agencies"
    todo = client.get("/plan/my-agency/?export=csv")
    assert todo.status_code == 200 and _csv_rows(todo.content)[0][0] == "No."


@pytest.mark.django_db
def test_case_measures_export(client: Any, make_user: MakeUser) -> None:
    login(client, make_user("secm", "MBIE", [Role.SECRETARIAT]))
    page = client.get("/cases/measures/?start=2026-01-01&end=2026-06-30").content.decode()
    assert "export=csv" in page and "start=2026-01-01" in page
    rows = _csv_rows(client.get("/cases/measures/?start=2026-01-01&end=2026-06-30"
                                "&export=csv").content)
    assert rows[0] == ["Item", "Measure", "Count"] and len(rows) > 1
