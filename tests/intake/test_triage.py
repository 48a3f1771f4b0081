"""Triage: routing as data, other agencies see nothing, children -> Oranga Tamariki,
assignment, priority, replies, links between related reports, outcomes, counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import login, page_main
from tests.intake.conftest import submit_report
from tiaki.accounts.models import Agency, User
from tiaki.audit.models import AuditEvent
from tiaki.core.models import Notification
from tiaki.core.policy import NotVisible, Refused, get_visible
from tiaki.intake import selectors, services
from tiaki.intake.models import Report, ReportLink

pytestmark = pytest.mark.django_db


def _report(client: Client, **fields: Any) -> Report:
    response = submit_report(client, **fields)
    assert response.status_code == 200, response.content.decode()[:2000]
    return Report.objects.order_by("-pk").first()  # type: ignore[return-value]


def test_other_agency_cannot_see_a_report_not_routed_to_it(
        client: Client, agencies: dict[str, Agency], triage: dict[str, User]) -> None:
    report = _report(client)
    customs = login(Client(), triage["customs"])
    queue = customs.get("/intake/triage/")
    assert queue.status_code == 200 and report.reference not in queue.content.decode()
    missing = customs.get("/intake/triage/999999/")
    forbidden = customs.get(f"/intake/triage/{report.pk}/")
    assert forbidden.status_code == missing.status_code == 404
    assert page_main(forbidden) == page_main(missing)
    acted = customs.post(f"/intake/triage/{report.pk}/reply/", {"body": "hello"})
    assert acted.status_code == 404
    with pytest.raises(NotVisible):
        get_visible(triage["customs"], Report, pk=report.pk)
    # Police and MBIE (the receiving agencies) see it; a frontline MBIE official does not.
    police = login(Client(), triage["police"])
    assert report.reference in police.get("/intake/triage/").content.decode()
    # Police can open a victim case from the report (the cases app takes the reference).
    detail = police.get(f"/intake/triage/{report.pk}/").content.decode()
    assert f"/cases/new/?report={report.reference}" in detail
    assert get_visible(triage["mbie"], Report, pk=report.pk) == report
    with pytest.raises(NotVisible):
        get_visible(triage["frontline"], Report, pk=report.pk)
    # Oranga Tamariki only when children are involved.
    with pytest.raises(NotVisible):
        get_visible(triage["ot"], Report, pk=report.pk)


def test_children_involved_routes_to_and_notifies_oranga_tamariki(
        client: Client, agencies: dict[str, Agency], triage: dict[str, User]) -> None:
    report = _report(client, children="yes", what_seen="Two girls about 15 serve at the bar.")
    assert {r.agency.code for r in report.routes.all()} == {"POLICE", "MBIE", "ORANGA_TAMARIKI"}
    note = Notification.objects.get(recipient=triage["ot"])
    assert report.reference in note.subject and "girls" not in note.subject + note.body
    assert note.url == f"/intake/triage/{report.pk}/"
    assert get_visible(triage["ot"], Report, pk=report.pk) == report
    # Oranga Tamariki's case manager reads; only triage roles act.
    with pytest.raises(Refused):
        services.triage_reply(report=report, actor=triage["ot"], body="hi")
    assert not Notification.objects.filter(recipient=triage["customs"]).exists()


def test_risk_to_life_goes_first_and_alerts_triagers(
        client: Client, agencies: dict[str, Agency], triage: dict[str, User]) -> None:
    ordinary = _report(client)
    urgent = _report(client, risk_to_life="on", what_seen="He said he will hurt her tonight.")
    assert urgent.priority == Report.Priority.RISK_TO_LIFE
    assert list(selectors.queue(triage["police"]))[:2] == [urgent, ordinary]
    assert Notification.objects.filter(recipient=triage["police"],
                                       subject__contains="risk to life").exists()


def test_assign_prioritise_reply_close_are_audited_and_notified(
        client: Client, agencies: dict[str, Agency], triage: dict[str, User]) -> None:
    report = _report(client)
    senior, police = triage["police_senior"], triage["police"]
    staff = login(Client(), senior)
    assert staff.post(f"/intake/triage/{report.pk}/assign/",
                      {"assignee": police.pk}).status_code == 302
    report.refresh_from_db()
    assert report.assignee == police and report.status == "in_progress"
    assert report.first_action_at is not None
    assert Notification.objects.filter(recipient=police, subject__contains="assigned").exists()
    # A Customs investigator cannot be assigned a Police/MBIE report.
    refused = staff.post(f"/intake/triage/{report.pk}/assign/",
                         {"assignee": triage["customs"].pk})
    assert refused.status_code == 400
    staff.post(f"/intake/triage/{report.pk}/priority/", {"priority": "2_high"})
    staff.post(f"/intake/triage/{report.pk}/reply/", {"body": "Thank you, can you say more?"})
    closed = staff.post(f"/intake/triage/{report.pk}/close/",
                        {"outcome": "investigation", "note": "Opened operation"})
    assert closed.status_code == 302
    report.refresh_from_db()
    assert report.status == "closed" and report.outcome == "investigation"
    assert report.closed_at is not None
    summaries = list(AuditEvent.objects.filter(actor_username=senior.username)
                     .values_list("summary", flat=True))
    assert any("assigned to pol_triage" in s for s in summaries)
    assert any("priority: High" in s for s in summaries)
    assert any("Reply to the reporter" in s for s in summaries)
    assert any("closed: Referred for investigation" in s for s in summaries)
    assert AuditEvent.objects.filter(action="read", object_id=str(report.pk)).count() == 0
    staff.get(f"/intake/triage/{report.pk}/")
    assert AuditEvent.objects.filter(action="read", object_id=str(report.pk)).count() == 1
    # Closed: no more replies.
    with pytest.raises(Refused):
        services.triage_reply(report=report, actor=senior, body="late")


def test_related_reports_are_suggested_and_linked(
        client: Client, agencies: dict[str, Agency], triage: dict[str, User]) -> None:
    first = _report(client, people="Boss drives van ABC123, phone +64 21 555 0101")
    second = _report(client, place="Somewhere else", people="call 021-555-0101",
                     what_seen="Men picked up at dawn")
    unrelated = _report(client, place="Queenstown", people="nobody",
                        what_seen="Odd hours at a café")
    suggestions = selectors.related_suggestions(triage["police"], second)
    assert [s.report for s in suggestions] == [first]
    assert "0215550101" in " ".join(suggestions[0].shared)
    assert unrelated not in [s.report for s in suggestions]
    # Customs cannot even be told that related reports exist.
    assert selectors.related_suggestions(triage["customs"], second) == []
    staff = login(Client(), triage["police"])
    linked = staff.post(f"/intake/triage/{second.pk}/link/",
                        {"other": first.reference, "kind": "duplicate", "reason": "same phone"})
    assert linked.status_code == 302
    assert ReportLink.objects.get().to_report == first
    again = staff.post(f"/intake/triage/{first.pk}/link/",
                       {"other": second.reference, "kind": "related"})
    assert again.status_code == 400 and "already linked" in again.content.decode()
    # A mistyped number keeps what was typed and says what is wrong.
    typo = staff.post(f"/intake/triage/{first.pk}/link/",
                      {"other": "R-999999", "kind": "related", "reason": "same van"})
    page = typo.content.decode()
    assert typo.status_code == 400 and "no report R-999999 in your queues" in page
    assert 'value="R-999999"' in page and 'value="same van"' in page
    assert selectors.related_suggestions(triage["police"], second) == []


def test_counts_for_the_plan(client: Client, agencies: dict[str, Agency],
                             triage: dict[str, User]) -> None:
    reports = [_report(client) for _ in range(3)]
    services.triage_close(report=reports[0], actor=triage["police"], outcome="duplicate")
    counts = selectors.report_counts()
    assert counts.total == 3 and counts.acted_on == 1
    assert counts.by_channel == {"Public reporting portal": 3}
    assert counts.by_outcome == {"Open (no outcome yet)": 2, "Duplicate of another report": 1}
    assert counts.median_hours_to_first_action is not None
    page = login(Client(), triage["secretariat"]).get("/intake/counts/")
    assert page.status_code == 200 and "Public reporting portal" in page.content.decode()
    assert login(Client(), triage["frontline"]).get("/intake/counts/").status_code == 403
