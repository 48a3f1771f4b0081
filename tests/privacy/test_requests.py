"""Access and correction requests: the workflow's order, the policy (404 alike for other
agencies and roles), the audited export, the correction or statement, the reminder."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from tests.conftest import login
from tests.privacy.conftest import IDENTITY_A, SECRETS_B, TODAY
from tiaki.accounts.models import User
from tiaki.audit.models import AuditEvent
from tiaki.cases.models import CaseEvent, VictimCase
from tiaki.cases.services.common import _decrypt_identity
from tiaki.core.models import Notification
from tiaki.core.policy import NotVisible, Refused, get_visible
from tiaki.privacy import services
from tiaki.privacy.models import AccessRequest

pytestmark = pytest.mark.django_db
D = dt.date


def _record(people: dict[str, User], case: VictimCase, kind: str = "access",
            received_on: dt.date = TODAY) -> AccessRequest:
    return services.request_record(
        actor=people["officer"], case_reference=case.reference, kind=kind,
        summary="Asks for a copy of everything held", identity_checked="Met in person",
        received_on=received_on, today=TODAY)


def test_recording_sets_the_deadlines_and_audits(people: dict[str, User],
                                                 cases: dict[str, VictimCase]) -> None:
    request = _record(people, cases["a"])
    assert request.reference.startswith("PR-")
    assert request.due_on == D(2026, 3, 30)
    assert request.transfer_due_on == D(2026, 3, 16)
    assert request.agency.code == "POLICE"
    row = AuditEvent.objects.get(action="create", object_type="privacy.accessrequest")
    assert row.changes["due_on"] == "2026-03-30"
    assert "Losana" not in json.dumps(row.changes)


def test_recording_refuses_what_it_must(people: dict[str, User],
                                        cases: dict[str, VictimCase]) -> None:
    with pytest.raises(Refused, match="only a privacy officer"):
        services.request_record(actor=people["investigator"], case_reference=cases["a"].reference,
                                kind="access", summary="All of it", identity_checked="In person",
                                received_on=TODAY, today=TODAY)
    with pytest.raises(Refused, match="in the future"):
        _record(people, cases["a"], received_on=TODAY + dt.timedelta(days=1))
    # Another agency's case and a case that does not exist are refused in the same words.
    reasons = []
    for reference in (cases["a"].reference, "VC-2099-9999"):
        with pytest.raises(Refused) as refused:
            services.request_record(actor=people["mbie_officer"], case_reference=reference,
                                    kind="access", summary="All of it",
                                    identity_checked="In person", received_on=TODAY,
                                    today=TODAY)
        reasons.append(str(refused.value).replace(reference, "X"))
    assert reasons[0] == reasons[1]


def test_workflow_order_refusals(people: dict[str, User], cases: dict[str, VictimCase]) -> None:
    request = _record(people, cases["a"])
    officer = people["officer"]
    with pytest.raises(Refused, match="has not been decided"):
        services.request_close(request=request, actor=officer, on=TODAY)
    with pytest.raises(Refused, match="only once access is granted"):
        services.request_export(request=request, actor=officer)
    with pytest.raises(Refused, match="ground"):
        services.request_decide(request=request, actor=officer, decision="refuse", on=TODAY)
    with pytest.raises(Refused, match="name the parts"):
        services.request_decide(request=request, actor=officer, decision="part",
                                grounds=["safety"], on=TODAY)
    with pytest.raises(Refused, match="not a ground"):
        services.request_decide(request=request, actor=officer, decision="refuse",
                                grounds=["because"], on=TODAY)
    services.request_acknowledge(request=request, actor=officer, on=TODAY)
    with pytest.raises(Refused, match="already acknowledged"):
        services.request_acknowledge(request=request, actor=officer, on=TODAY)
    # An extension needs a reason from the rules and notice by the deadline.
    with pytest.raises(Refused, match="not a reason"):
        services.request_extend(request=request, actor=officer, reason="busy", working_days=5,
                                notice_on=TODAY)
    with pytest.raises(Refused, match="too late"):
        services.request_extend(request=request, actor=officer, reason="consultations",
                                working_days=5, notice_on=D(2026, 3, 31))
    services.request_extend(request=request, actor=officer, reason="consultations",
                            working_days=5, notice_on=D(2026, 3, 20))
    # 31 Mar, 1-2 Apr, (Good Friday, Easter Monday), 7 and 8 Apr.
    assert request.extended_to == D(2026, 4, 8)
    with pytest.raises(Refused, match="already extended"):
        services.request_extend(request=request, actor=officer, reason="complexity",
                                working_days=2, notice_on=D(2026, 3, 20))
    services.request_decide(request=request, actor=officer, decision="grant", on=D(2026, 4, 1))
    with pytest.raises(Refused, match="is decided"):
        services.request_decide(request=request, actor=officer, decision="grant", on=TODAY)
    with pytest.raises(Refused, match="export first"):
        services.request_close(request=request, actor=officer, on=D(2026, 4, 1))
    services.request_export(request=request, actor=officer)
    services.request_close(request=request, actor=officer, on=D(2026, 4, 2))
    with pytest.raises(Refused, match="closed"):
        services.request_export(request=request, actor=officer)
    refusal = AuditEvent.objects.filter(action="refused", object_type="privacy.accessrequest")
    assert refusal.exists()


def test_overdue_flag_uses_the_extended_deadline(people: dict[str, User],
                                                 cases: dict[str, VictimCase]) -> None:
    request = _record(people, cases["a"])
    assert not request.overdue_on(D(2026, 3, 30))
    assert request.overdue_on(D(2026, 3, 31))
    services.request_extend(request=request, actor=people["officer"], reason="complexity",
                            working_days=3, notice_on=D(2026, 3, 27))
    assert not request.overdue_on(D(2026, 3, 31))


def test_export_is_audited_and_holds_only_this_persons_data(
        people: dict[str, User], cases: dict[str, VictimCase]) -> None:
    request = _record(people, cases["a"])
    officer = people["officer"]
    services.request_decide(request=request, actor=officer, decision="grant", on=TODAY)
    before = AuditEvent.objects.count()
    document = services.request_export(request=request, actor=officer)
    text = json.dumps(document, default=str)
    assert document["identity"]["given_names"] == IDENTITY_A["given_names"]
    assert document["case"]["reference"] == cases["a"].reference
    assert document["events"][0]["place"] == "Pukekohe"
    assert document["consents"][0]["purpose"] == "htcds_export"
    assert cases["b"].reference not in text
    for secret in [*SECRETS_B, "Blenheim", "Poland"]:
        assert secret not in text
    rows = AuditEvent.objects.order_by("pk")[before:]
    assert {(r.action, r.object_type) for r in rows} >= {
        ("export", "privacy.accessrequest"), ("read", "cases.victimcase")}
    export_row = next(r for r in rows if r.action == "export")
    assert export_row.changes["case"] == cases["a"].reference
    assert "Losana" not in json.dumps(export_row.changes)


def test_partial_grant_withholds_the_named_parts(people: dict[str, User],
                                                 cases: dict[str, VictimCase]) -> None:
    request = _record(people, cases["a"])
    services.request_decide(request=request, actor=people["officer"], decision="part",
                            grounds=["other_person"], withheld_parts=["history"], on=TODAY)
    document = services.request_export(request=request, actor=people["officer"])
    assert "history" not in document and "identity" in document
    assert document["withheld"][0]["part"] == "history"
    assert "another individual" in document["withheld"][0]["grounds"][0]


def test_refused_request_has_no_export(people: dict[str, User],
                                       cases: dict[str, VictimCase]) -> None:
    request = _record(people, cases["a"])
    services.request_decide(request=request, actor=people["officer"], decision="refuse",
                            grounds=["law_maintenance"], on=TODAY)
    with pytest.raises(Refused, match="only once access is granted"):
        services.request_export(request=request, actor=people["officer"])
    services.request_close(request=request, actor=people["officer"], on=TODAY)


def test_correction_made_or_statement_attached(people: dict[str, User],
                                               cases: dict[str, VictimCase]) -> None:
    officer = people["officer"]
    fix = _record(people, cases["a"], kind="correction")
    with pytest.raises(Refused, match="decide"):
        services.correction_make(request=fix, actor=officer, identity={"phone": "+64 21 1"},
                                 note="New phone number")
    services.request_decide(request=fix, actor=officer, decision="grant", on=TODAY)
    with pytest.raises(Refused, match="make it rather than"):
        services.statement_attach(request=fix, actor=officer, statement="My name is spelt ...")
    with pytest.raises(Refused, match="only identifying details"):
        services.correction_make(request=fix, actor=officer, identity={"nationality": "Tonga"},
                                 note="Nationality")
    services.correction_make(request=fix, actor=officer,
                             identity={"phone": "+64 27 555 0199"}, note="Phone number updated")
    identity = _decrypt_identity(cases["a"])
    assert identity["phone"] == "+64 27 555 0199"
    assert identity["given_names"] == IDENTITY_A["given_names"]  # the rest is kept
    event = CaseEvent.objects.get(case=cases["a"], kind="privacy_correction")
    assert "Phone number updated" in event.summary
    row = AuditEvent.objects.get(object_type="cases.victimcase", summary__contains="corrected")
    assert row.changes["identifying_fields"] == ["phone"]
    assert "0199" not in json.dumps(row.changes)
    services.request_close(request=fix, actor=officer, on=TODAY)

    refused = _record(people, cases["a"], kind="correction")
    services.request_decide(request=refused, actor=officer, decision="refuse",
                            grounds=["not_held"], on=TODAY)
    with pytest.raises(Refused, match="statement of correction instead"):
        services.correction_make(request=refused, actor=officer, identity={}, note="x" * 10)
    services.statement_attach(request=refused, actor=officer,
                              statement="I was never in Pukekohe in 2025.")
    statement = CaseEvent.objects.get(case=cases["a"], kind="privacy_statement")
    assert "never in Pukekohe" in statement.summary
    with pytest.raises(Refused, match="already attached"):
        services.statement_attach(request=refused, actor=officer, statement="Again and again")


def test_transfer_is_late_after_its_limit(people: dict[str, User],
                                          cases: dict[str, VictimCase]) -> None:
    request = _record(people, cases["a"])
    services.request_transfer(request=request, actor=people["officer"], to="Ministry of Health",
                              reason="The information is held by Health", on=D(2026, 3, 17))
    assert request.status == "transferred"
    row = AuditEvent.objects.filter(object_type="privacy.accessrequest",
                                    summary__contains="transferred").get()
    assert row.changes["late"] is True
    services.request_close(request=request, actor=people["officer"], on=D(2026, 3, 17))


def test_policy_other_agency_and_role_see_nothing(people: dict[str, User],
                                                  cases: dict[str, VictimCase]) -> None:
    request = _record(people, cases["a"])
    assert get_visible(people["officer2"], AccessRequest, reference=request.reference)
    for who in ("mbie_officer", "investigator", "auditor"):
        with pytest.raises(NotVisible):
            get_visible(people[who], AccessRequest, reference=request.reference)
        client = login(Client(), people[who])
        assert client.get(f"/privacy/requests/{request.reference}/").status_code == 404
        assert client.get("/privacy/requests/PR-2099-9999/").status_code == 404
        queue = client.get("/privacy/")
        if who == "mbie_officer":  # a privacy officer, of another agency: an empty queue
            assert request.reference not in queue.content.decode()
        else:
            assert queue.status_code == 404
        api = client.get(f"/api/privacy/requests/{request.reference}")
        assert api.status_code == 404
        assert client.get("/api/privacy/requests").json() == []


def test_reminder_for_overdue_requests_once_a_day(people: dict[str, User],
                                                  cases: dict[str, VictimCase]) -> None:
    request = _record(people, cases["a"])
    assert services.requests_remind_overdue(today=D(2026, 3, 30)) == 0
    assert services.requests_remind_overdue(today=D(2026, 3, 31)) == 1
    assert services.requests_remind_overdue(today=D(2026, 3, 31)) == 0
    notes = Notification.objects.filter(subject__contains=request.reference)
    assert {n.recipient.username for n in notes} == {"priv", "priv2"}
    services.request_decide(request=request, actor=people["officer"], decision="grant",
                            on=D(2026, 4, 1))
    assert services.requests_remind_overdue(today=D(2026, 4, 2)) == 0


def test_reminder_job_is_registered() -> None:
    from tiaki.scheduling.registry import JOBS

    spec = JOBS["remind_overdue_privacy_requests"]
    assert spec.task_path == "tiaki.privacy.tasks.remind_overdue_privacy_requests"


def test_pages_walk_a_request(people: dict[str, User], cases: dict[str, VictimCase],
                              settings: Any) -> None:
    client = login(Client(), people["officer"])
    new = client.post("/privacy/requests/new/", {
        "case": cases["a"].reference, "kind": "access", "requester": "victim",
        "identity_checked": "Met in person", "summary": "Everything held about me",
        "received_on": "2026-03-02"})
    assert new.status_code == 302, new.content.decode()[:2000]
    reference = AccessRequest.objects.get().reference
    page = client.get(f"/privacy/requests/{reference}/")
    assert page.status_code == 200 and cases["a"].reference in page.content.decode()
    refused = client.post(f"/privacy/requests/{reference}/decide/", {
        "decide-decision": "refuse", "decide-on": "2026-03-03"})
    assert refused.status_code == 400
    assert "ground for withholding" in refused.content.decode()
    ok = client.post(f"/privacy/requests/{reference}/decide/", {
        "decide-decision": "grant", "decide-on": "2026-03-03"})
    assert ok.status_code == 302
    download = client.post(f"/privacy/requests/{reference}/export/", {"export-confirm": "on"})
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert json.loads(download.content)["identity"]["family_name"] == IDENTITY_A["family_name"]


def test_api_walks_a_request(people: dict[str, User], cases: dict[str, VictimCase]) -> None:
    client = login(Client(), people["officer"])
    made = client.post("/api/privacy/requests", {
        "case": cases["a"].reference, "kind": "access", "summary": "All of it",
        "identity_checked": "Met in person", "received_on": "2026-03-02"},
        content_type="application/json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["due_on"] == "2026-03-30"
    reference = body["reference"]
    refused = client.post(f"/api/privacy/requests/{reference}/export", {},
                          content_type="application/json")
    assert refused.status_code == 403 and "granted" in refused.json()["detail"]
    decided = client.post(f"/api/privacy/requests/{reference}/decide",
                          {"decision": "grant", "on": "2026-03-03"},
                          content_type="application/json")
    assert decided.status_code == 200 and decided.json()["status"] == "decided"
    export = client.post(f"/api/privacy/requests/{reference}/export", {},
                         content_type="application/json")
    assert export.status_code == 200
    assert export.json()["identity"]["given_names"] == IDENTITY_A["given_names"]
    listed = client.get("/api/privacy/requests?show=all").json()
    assert [r["reference"] for r in listed] == [reference]
    other = login(Client(), people["mbie_officer"])
    assert other.post(f"/api/privacy/requests/{reference}/close", {},
                      content_type="application/json").status_code == 404
