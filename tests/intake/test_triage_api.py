"""Triage for systems: list, claim and decide through the triage services and policies."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.intake.conftest import submit_report
from tiaki.accounts.models import ApiToken, User
from tiaki.audit.models import AuditEvent
from tiaki.cases.models import MinisterNotice
from tiaki.intake.models import Report

pytestmark = pytest.mark.django_db


def _bearer(user: User) -> dict[str, str]:
    _, raw = ApiToken.issue(user=user, name="case system")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _report(client: Client) -> Report:
    assert submit_report(client).status_code == 200
    return Report.objects.order_by("-pk").first()  # type: ignore[return-value]


def test_list_claim_decide(client: Client, triage: dict[str, User]) -> None:
    report = _report(client)
    mbie = _bearer(triage["mbie"])
    [item] = client.get("/api/intake/triage", **mbie).json()
    assert item["reference"] == report.reference and item["assignee"] is None
    assert "what_seen" not in item
    claimed = client.post(f"/api/intake/triage/{report.pk}/claim", **mbie)
    assert claimed.status_code == 200, claimed.content
    assert claimed.json()["assignee"] == "mbie_inv" and claimed.json()["status"] == "in_progress"
    assert claimed.json()["what_seen"].startswith("Workers sleep")
    assert [i["id"] for i in client.get("/api/intake/triage?mine=true", **mbie).json()] == [
        report.pk]
    # Police, the other receiving agency, see the same item and decide it jointly.
    police = _bearer(triage["police"])
    decided = client.post(f"/api/intake/triage/{report.pk}/decision",
                          {"outcome": "investigation", "note": "Joint operation"},
                          content_type="application/json", **police)
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "closed" and decided.json()["outcome"] == "investigation"
    assert MinisterNotice.objects.filter(reference=report.reference).count() == 1
    assert AuditEvent.objects.filter(
        summary=f"{report.reference} closed: Referred for investigation").count() == 1
    again = client.post(f"/api/intake/triage/{report.pk}/decision",
                        {"outcome": "investigation"}, content_type="application/json",
                        **police)
    assert again.status_code == 403 and "closed" in again.json()["detail"]
    assert client.get("/api/intake/triage", **police).json() == []


def test_agencies_the_report_was_not_routed_to_see_nothing(
        client: Client, triage: dict[str, User]) -> None:
    report = _report(client)
    customs = _bearer(triage["customs"])
    assert client.get("/api/intake/triage", **customs).json() == []
    for url in (f"/api/intake/triage/{report.pk}", ):
        assert client.get(url, **customs).status_code == 404
    for url in (f"/api/intake/triage/{report.pk}/claim", "/api/intake/triage/999999/claim"):
        assert client.post(url, **customs).status_code == 404
    bad = client.post(f"/api/intake/triage/{report.pk}/decision", {"outcome": "maybe"},
                      content_type="application/json", **_bearer(triage["police"]))
    assert bad.status_code == 422
    report.refresh_from_db()
    assert report.assignee is None and report.status == "new"
