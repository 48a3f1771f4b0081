"""Monitoring: who records progress on which item, due dates and overdue flags."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import login
from tiaki.accounts.models import User
from tiaki.audit.models import AuditEvent
from tiaki.core.policy import Refused
from tiaki.plan import selectors
from tiaki.plan.models import Plan, ProgressStatus, ProgressUpdate
from tiaki.plan.services import progress_update_record

CUSTOMS_ITEM = 10  # "Profile traveller information" is Customs' (seed 003)


def _customs_items(plan: Plan) -> set[int]:
    return {i.number for i in plan.items.all() if "CUSTOMS" in i.agency_codes()}


def test_secretariat_sees_all_items_with_due_dates_and_overdue(
    nz_plan: Plan, personas: dict[str, User]
) -> None:
    board = selectors.dashboard(personas["secretariat"], nz_plan, today=dt.date(2026, 11, 24))
    assert len(board.states) == 28
    dated = [s for s in board.states if s.due is not None]
    assert dated, "short/medium/long items have due dates"
    # Nothing is recorded yet, so every dated item is long overdue.
    assert {s.item.number for s in board.overdue} == {s.item.number for s in dated}
    ongoing = [s for s in board.states if s.due is None]
    assert all(not s.overdue for s in ongoing)


def test_completed_item_is_no_longer_overdue(nz_plan: Plan, personas: dict[str, User]) -> None:
    item = nz_plan.items.get(number=CUSTOMS_ITEM)
    progress_update_record(item=item, actor=personas["customs"], status=ProgressStatus.COMPLETE,
                           narrative="Profiles redrafted", reported_on=dt.date(2011, 3, 1))
    state = selectors.item_state(nz_plan.items.get(number=CUSTOMS_ITEM), dt.date(2026, 1, 1))
    assert state.status == ProgressStatus.COMPLETE and not state.overdue


def test_customs_updates_only_customs_items(nz_plan: Plan, personas: dict[str, User]) -> None:
    customs = personas["customs"]
    mine = _customs_items(nz_plan)
    assert CUSTOMS_ITEM in mine
    for item in nz_plan.items.all():
        if item.number in mine:
            progress_update_record(item=item, actor=customs, status="in_progress",
                                   narrative="Under way", reported_on=dt.date(2010, 1, 1))
        else:
            with pytest.raises(Refused, match=r"not responsible"):
                progress_update_record(item=item, actor=customs, status="in_progress",
                                       narrative="Under way", reported_on=dt.date(2010, 1, 1))
    assert ProgressUpdate.objects.count() == len(mine)


def test_successor_agency_reports_on_predecessor_items(nz_plan: Plan,
                                                       personas: dict[str, User]) -> None:
    # DoL's functions are now MBIE's: an MBIE official reports on DoL-only item 3.
    item = nz_plan.items.get(number=3)
    assert item.agency_codes() == ["DOL"]
    update = progress_update_record(item=item, actor=personas["mbie"], status="complete",
                                    narrative="Campaign evaluated", reported_on=dt.date(2010, 6, 1))
    assert update.agency.code == "MBIE"


def test_minister_office_cannot_record(nz_plan: Plan, personas: dict[str, User]) -> None:
    with pytest.raises(Refused, match="role"):
        progress_update_record(item=nz_plan.items.get(number=3), actor=personas["minister"],
                               status="complete", narrative="x")


@pytest.mark.parametrize(("status", "narrative", "day", "reason"), [
    ("done", "x", None, "unknown status"),
    ("complete", "   ", None, "narrative is empty"),
    ("complete", "x", dt.date(2999, 1, 1), "future"),
    ("complete", "x", dt.date(2001, 1, 1), "before the plan started"),
])
def test_bad_updates_are_refused_with_a_reason(
    nz_plan: Plan, personas: dict[str, User], status: str, narrative: str,
    day: dt.date | None, reason: str,
) -> None:
    with pytest.raises(Refused, match=reason):
        progress_update_record(item=nz_plan.items.get(number=CUSTOMS_ITEM),
                               actor=personas["customs"], status=status, narrative=narrative,
                               reported_on=day)
    assert not ProgressUpdate.objects.exists()


def test_update_is_audited_in_the_same_transaction(
    nz_plan: Plan, personas: dict[str, User]
) -> None:
    update = progress_update_record(item=nz_plan.items.get(number=CUSTOMS_ITEM),
                                    actor=personas["customs"], status="in_progress",
                                    narrative="Profiles drafted")
    row = AuditEvent.objects.get(object_type="plan.progressupdate", object_id=str(update.pk))
    assert row.actor_username == "cus" and row.actor_agency == "CUSTOMS"
    assert row.action == "create"


def test_evidence_checked_by_content(nz_plan: Plan, personas: dict[str, User]) -> None:
    item = nz_plan.items.get(number=CUSTOMS_ITEM)
    fake = SimpleUploadedFile("report.pdf", b"\x00\x01\x02binary-not-a-pdf\xff\xfe")
    with pytest.raises(Refused, match="only PDF"):
        progress_update_record(item=item, actor=personas["customs"], status="complete",
                               narrative="x", files=[fake])
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%fake but signed\n")
    update = progress_update_record(item=item, actor=personas["customs"], status="complete",
                                    narrative="x", files=[pdf])
    assert update.evidence.get().content_type == "application/pdf"


def test_pages(client: Any, nz_plan: Plan, personas: dict[str, User]) -> None:
    login(client, personas["secretariat"])
    page = client.get("/plan/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-item="') == 28
    assert "Overdue" in html and "<svg" in html
    assert client.get("/plan/items/13/").status_code == 200
    assert client.get("/plan/items/99/").status_code == 404


def test_customs_page_form_records_and_other_items_refuse(
    client: Any, nz_plan: Plan, personas: dict[str, User]
) -> None:
    login(client, personas["customs"])
    todo = client.get("/plan/my-agency/").content.decode()
    assert f'href="/plan/items/{CUSTOMS_ITEM}/"' in todo
    form = {"status": "in_progress", "narrative": "Profiles drafted", "reported_on": "2010-05-01"}
    response = client.post(f"/plan/items/{CUSTOMS_ITEM}/", form)
    assert response.status_code == 302
    assert ProgressUpdate.objects.filter(item__number=CUSTOMS_ITEM).count() == 1
    assert 'id="progress-form"' not in client.get("/plan/items/3/").content.decode()
    refused = client.post("/plan/items/3/", form)
    assert refused.status_code == 400
    assert "not responsible for item 3" in refused.content.decode()
    assert not ProgressUpdate.objects.filter(item__number=3).exists()
