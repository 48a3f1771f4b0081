"""The working group's year: meetings, decisions and actions; reminders once a day to the
agencies with due or overdue work, opened by the person reminded; who has not reported."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management import call_command

from tests.conftest import login
from tiaki.accounts.models import Agency, User
from tiaki.core.models import Notification
from tiaki.plan.models import Plan
from tiaki.plan.selectors import reporting_gaps
from tiaki.plan.services import progress_update_record
from tiaki.plan.working_group import Meeting, Reminder, WorkingGroupAction
from tiaki.plan.working_group_services import reminders_send


def test_meeting_with_decision_and_action(client: Any, nz_plan: Plan,
                                          personas: dict[str, User],
                                          agencies: dict[str, Agency]) -> None:
    login(client, personas["customs"])
    assert client.post("/plan/working-group/", {"held_on": "2010-03-01",
                                                "agenda": "x"}).status_code == 400
    assert not Meeting.objects.exists()  # only the secretariat records meetings
    login(client, personas["secretariat"])
    response = client.post("/plan/working-group/", {
        "held_on": "2010-03-01", "agenda": "Progress on items 9-12",
        "minutes": "Customs reported on profiles.",
        "present": [agencies["CUSTOMS"].pk, agencies["POLICE"].pk],
        "apologies": [agencies["DIA"].pk]})
    meeting = Meeting.objects.get()
    assert response["Location"] == f"/plan/working-group/meetings/{meeting.pk}/"
    client.post(response["Location"], {"kind": "decision", "text": "Adopt the profile review",
                                       "item": nz_plan.items.get(number=9).pk})
    client.post(response["Location"], {"kind": "action", "text": "Circulate the review",
                                       "owner_agency": agencies["CUSTOMS"].pk,
                                       "due_on": "2010-04-01"})
    page = client.get(response["Location"]).content.decode()
    assert "Adopt the profile review" in page and "Circulate the review" in page
    assert "DIA" in page
    action = WorkingGroupAction.objects.get()
    login(client, personas["customs"])
    client.post(response["Location"], {"done": action.pk})
    action.refresh_from_db()
    assert action.done_on is not None


def test_reminders_once_a_day_reach_the_agency(client: Any, nz_plan: Plan,
                                               personas: dict[str, User],
                                               agencies: dict[str, Agency]) -> None:
    today = dt.date(2010, 8, 1)  # the short-term items fell due on 1 July 2010
    meeting = Meeting.objects.create(plan=nz_plan, held_on=dt.date(2010, 3, 1), agenda="a")
    WorkingGroupAction.objects.create(meeting=meeting, text="Send figures",
                                      owner_agency=agencies["POLICE"], due_on=dt.date(2010, 5, 1))
    sent = reminders_send(plan=nz_plan, today=today)
    assert sent >= 3
    customs = Reminder.objects.get(agency__code="CUSTOMS", sent_on=today)
    assert 10 in customs.items and customs.recipients == 1
    police = Reminder.objects.get(agency__code="POLICE")
    assert police.actions == [WorkingGroupAction.objects.get().pk]
    assert reminders_send(plan=nz_plan, today=today) == 0  # once a day
    note = Notification.objects.get(recipient=personas["customs"])
    login(client, personas["customs"])
    assert client.get(note.url).status_code == 200  # the reminder opens the agency's to-do
    call_command("plan_reminders")  # the scheduler's entry point runs


def test_who_has_not_reported(client: Any, nz_plan: Plan, personas: dict[str, User]) -> None:
    progress_update_record(item=nz_plan.items.get(number=10), actor=personas["customs"],
                           status="in_progress", narrative="n", reported_on=dt.date(2010, 1, 5))
    gaps = {g.agency.code: g for g in reporting_gaps(nz_plan, dt.date(2010, 2, 1))}
    assert "CUSTOMS" not in gaps and "DIA" in gaps and gaps["DIA"].items == [11, 12]
    later = {g.agency.code for g in reporting_gaps(nz_plan, dt.date(2010, 6, 1))}
    assert "CUSTOMS" in later
    login(client, personas["secretariat"])
    page = client.get("/plan/working-group/").content.decode()
    assert 'data-agency="DIA"' in page


def test_every_meeting_is_listed_paged_and_exported(client: Any, nz_plan: Plan,
                                                    personas: dict[str, User]) -> None:
    # 40 meetings: no longer cut at the latest 20; the export is audited.
    from tests.listing_helpers import csv_rows, export_count, summary

    Meeting.objects.bulk_create(
        [Meeting(plan=nz_plan, held_on=dt.date(2010, 1, 1) + dt.timedelta(days=7 * i),
                 title=f"Meeting {i:02d}", agenda="Progress") for i in range(40)])
    login(client, personas["customs"])
    page = client.get("/plan/working-group/").content.decode()
    assert summary(page) == "1–25 of 40" and "Meeting 39" in page
    page = client.get("/plan/working-group/?meetings-page=2").content.decode()
    assert "Meeting 00" in page and summary(page) == "26–40 of 40"
    before = export_count()
    rows = csv_rows(client.get("/plan/working-group/?meetings-export=csv").content)
    assert len(rows) == 41 and export_count() == before + 1
