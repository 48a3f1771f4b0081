"""Notifiable privacy breaches: record, assess every serious-harm factor, decide, notify the
Commissioner and each person (or an exception), close. Times are fixed, never the clock's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from tests.conftest import login
from tiaki.accounts.models import User
from tiaki.audit.models import AuditEvent
from tiaki.cases.models import VictimCase
from tiaki.core.models import Notification
from tiaki.core.policy import NotVisible, Refused, get_visible
from tiaki.privacy import services
from tiaki.privacy.models import Breach

pytestmark = pytest.mark.django_db
# 09:00 on 2 March 2026 in New Zealand (the install's time zone decides "once a day").
FOUND = dt.datetime(2026, 3, 1, 20, 0, tzinfo=dt.UTC)
NOW = FOUND + dt.timedelta(hours=6)


def _findings(rules: Any) -> dict[str, str]:
    return {f.code: f"Considered: {f.code}" for f in rules.harm_factors}


def _breach(people: dict[str, User], cases: dict[str, VictimCase]) -> Breach:
    return services.breach_record(
        actor=people["officer"], kind="disclosure", found_at=FOUND, now=NOW,
        what_happened="Case summary emailed to the wrong address",
        case_references=[cases["a"].reference, cases["b"].reference])


def test_record_refusals(people: dict[str, User], cases: dict[str, VictimCase]) -> None:
    with pytest.raises(Refused, match="only a privacy officer"):
        services.breach_record(actor=people["investigator"], kind="loss", found_at=FOUND,
                               now=NOW, what_happened="A laptop was lost on the bus",
                               records_affected="Laptop")
    with pytest.raises(Refused, match="future"):
        services.breach_record(actor=people["officer"], kind="loss", found_at=NOW,
                               now=FOUND, what_happened="A laptop was lost on the bus",
                               records_affected="Laptop")
    with pytest.raises(Refused, match="holds no case"):
        services.breach_record(actor=people["mbie_officer"], kind="loss", found_at=FOUND,
                               now=NOW, what_happened="A laptop was lost on the bus",
                               case_references=[cases["a"].reference])
    with pytest.raises(Refused, match="name the cases"):
        services.breach_record(actor=people["officer"], kind="loss", found_at=FOUND, now=NOW,
                               what_happened="A laptop was lost on the bus")


def test_notifiable_breach_workflow_in_order(people: dict[str, User],
                                             cases: dict[str, VictimCase], rules: Any) -> None:
    officer = people["officer"]
    breach = _breach(people, cases)
    a, b = breach.affected.order_by("case__reference")
    with pytest.raises(Refused, match="assess the breach"):
        services.breach_decide(breach=breach, actor=officer, notifiable=True,
                               reason="Names and addresses of victims")
    with pytest.raises(Refused, match="before notifying the Commissioner"):
        services.commissioner_notify(breach=breach, actor=officer, at=NOW, how="NotifyUs",
                                     now=NOW)
    partial = _findings(rules)
    del partial["security"]
    with pytest.raises(Refused, match="missing: Whether the personal information is protected"):
        services.breach_assess(breach=breach, actor=officer, findings=partial,
                               serious_harm_likely=True, now=NOW)
    services.breach_assess(breach=breach, actor=officer, findings=_findings(rules),
                           serious_harm_likely=True, now=NOW)
    with pytest.raises(Refused, match="give the reason"):
        services.breach_decide(breach=breach, actor=officer, notifiable=True, reason="yes")
    services.breach_decide(breach=breach, actor=officer, notifiable=True,
                           reason="Victims' names and addresses reached an unknown person",
                           now=NOW)
    with pytest.raises(Refused, match="already decided"):
        services.breach_assess(breach=breach, actor=officer, findings=_findings(rules),
                               serious_harm_likely=False, now=NOW)
    with pytest.raises(Refused, match="notify the Privacy Commissioner first"):
        services.breach_close(breach=breach, actor=officer, now=NOW)
    services.commissioner_notify(breach=breach, actor=officer, at=NOW, how="NotifyUs",
                                 reference="OPC-1", now=NOW)
    with pytest.raises(Refused, match="already notified"):
        services.commissioner_notify(breach=breach, actor=officer, at=NOW, how="NotifyUs",
                                     now=NOW)
    with pytest.raises(Refused, match=f"for: {a.case.reference}, {b.case.reference}"):
        services.breach_close(breach=breach, actor=officer, now=NOW)
    services.person_notify(person=a, actor=officer, at=NOW, how="By phone, with interpreter",
                           now=NOW)
    with pytest.raises(Refused, match="not an exception"):
        services.person_notify(person=b, actor=officer, exception="busy",
                               exception_reason="We are too busy to call", now=NOW)
    with pytest.raises(Refused, match="say why"):
        services.person_notify(person=b, actor=officer, exception="safety", now=NOW)
    services.person_notify(person=b, actor=officer, exception="safety",
                           exception_reason="The trafficker shares the victim's phone",
                           now=NOW)
    with pytest.raises(Refused, match="already recorded"):
        services.person_notify(person=b, actor=officer, at=NOW, how="Letter", now=NOW)
    services.breach_close(breach=breach, actor=officer, now=NOW)
    with pytest.raises(Refused, match="closed"):
        services.breach_close(breach=breach, actor=officer, now=NOW)
    rows = AuditEvent.objects.filter(object_type="privacy.breach")
    assert rows.filter(summary__contains="Commissioner notified").exists()
    assert rows.filter(action="refused").exists()
    exception = rows.get(summary__contains="exception")
    assert exception.reason == "The trafficker shares the victim's phone"
    assert exception.changes["exception"] == "safety"


def test_not_notifiable_breach_closes_after_its_decision(
        people: dict[str, User], cases: dict[str, VictimCase], rules: Any) -> None:
    officer = people["officer"]
    breach = _breach(people, cases)
    services.breach_assess(breach=breach, actor=officer, findings=_findings(rules),
                           serious_harm_likely=False, now=NOW)
    services.breach_decide(breach=breach, actor=officer, notifiable=False,
                           reason="Encrypted file; the key was not disclosed", now=NOW)
    with pytest.raises(Refused, match="not notifiable"):
        services.commissioner_notify(breach=breach, actor=officer, at=NOW, how="NotifyUs",
                                     now=NOW)
    services.breach_close(breach=breach, actor=officer, now=NOW)
    assert breach.status == "closed"


def test_policy_other_agency_and_role_see_nothing(people: dict[str, User],
                                                  cases: dict[str, VictimCase]) -> None:
    breach = _breach(people, cases)
    assert get_visible(people["officer2"], Breach, reference=breach.reference)
    for who in ("mbie_officer", "investigator", "auditor"):
        with pytest.raises(NotVisible):
            get_visible(people[who], Breach, reference=breach.reference)
        client = login(Client(), people[who])
        assert client.get(f"/privacy/breaches/{breach.reference}/").status_code == 404
        listed = client.get("/privacy/breaches/")
        if who == "mbie_officer":  # a privacy officer, of another agency: an empty list
            assert breach.reference not in listed.content.decode()
        else:
            assert listed.status_code == 404
        assert client.get(f"/api/privacy/breaches/{breach.reference}").status_code == 404


def test_reminder_after_the_rules_hours(people: dict[str, User],
                                        cases: dict[str, VictimCase], rules: Any) -> None:
    breach = _breach(people, cases)
    hours = rules.remind_after_hours
    assert services.breaches_remind(now=FOUND + dt.timedelta(hours=hours - 1)) == 0
    assert services.breaches_remind(now=FOUND + dt.timedelta(hours=hours + 1)) == 1
    assert services.breaches_remind(now=FOUND + dt.timedelta(hours=hours + 2)) == 0
    assert Notification.objects.filter(subject__contains=breach.reference).count() == 2


def test_pages_walk_a_breach(people: dict[str, User], cases: dict[str, VictimCase],
                             rules: Any) -> None:
    client = login(Client(), people["officer"])
    made = client.post("/privacy/breaches/new/", {
        "kind": "loss", "what_happened": "A printed case file was left on a train",
        "found_at": "2026-03-02T09:00", "cases": cases["a"].reference})
    assert made.status_code == 302, made.content.decode()[:3000]
    breach = Breach.objects.get()
    url = f"/privacy/breaches/{breach.reference}/"
    assert client.get(url).status_code == 200
    refused = client.post(url + "decide/", {"decide-notifiable": "yes",
                                            "decide-reason": "Names and addresses"})
    assert refused.status_code == 400 and "Assess the breach" in refused.content.decode()
    form = {f"assess-factor_{f.code}": "Considered" for f in rules.harm_factors}
    form["assess-serious_harm_likely"] = "on"
    assert client.post(url + "assess/", form).status_code == 302
    assert client.post(url + "decide/", {"decide-notifiable": "yes",
                                         "decide-reason": "Names and addresses"}
                       ).status_code == 302
    person = breach.affected.get()
    assert client.post(f"{url}person/{person.pk}/", {
        "person-exception": "safety",
        "person-exception_reason": "Contact would alert the trafficker"}).status_code == 302
    page = client.get(url).content.decode()
    assert "Contact would alert the trafficker" in page


def test_api_walks_a_breach(people: dict[str, User], cases: dict[str, VictimCase],
                            rules: Any) -> None:
    client = login(Client(), people["officer"])
    made = client.post("/api/privacy/breaches", {
        "kind": "access", "what_happened": "A former employee's login was used",
        "found_at": "2026-03-02T09:00:00Z", "cases": [cases["a"].reference]},
        content_type="application/json")
    assert made.status_code == 201, made.content
    reference = made.json()["reference"]
    early = client.post(f"/api/privacy/breaches/{reference}/close", {},
                        content_type="application/json")
    assert early.status_code == 403 and "notifiable" in early.json()["detail"]
    assessed = client.post(f"/api/privacy/breaches/{reference}/assess",
                           {"findings": _findings(rules), "serious_harm_likely": True},
                           content_type="application/json")
    assert assessed.status_code == 200 and assessed.json()["status"] == "assessed"
    decided = client.post(f"/api/privacy/breaches/{reference}/decide",
                          {"notifiable": True, "reason": "Sensitive victim records read"},
                          content_type="application/json")
    assert decided.json()["notifiable"] is True
    person_id = decided.json()["affected"][0]["id"]
    told = client.post(f"/api/privacy/breaches/{reference}/affected/{person_id}",
                       {"at": "2026-03-02T12:00:00Z", "how": "In person"},
                       content_type="application/json")
    assert told.status_code == 200 and told.json()["affected"][0]["notified_how"] == "In person"
    other = login(Client(), people["mbie_officer"])
    assert other.get(f"/api/privacy/breaches/{reference}").status_code == 404
    assert other.get("/api/privacy/breaches").json() == []
