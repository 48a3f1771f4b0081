"""The intelligence API: the same caveat policy and services as the pages (hidden material
answers 404 and is absent from lists, search, the graph and the log)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.intelligence.test_sharing import AUTHORITY
from tiaki.accounts.models import ApiToken, User
from tiaki.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _bearer(user: User) -> dict[str, str]:
    _, raw = ApiToken.issue(user=user, name="test system")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _post(client: Client, user: User, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, content_type="application/json", **_bearer(user))


def test_reports_entities_graph_and_sharing(client: Client, analysts: dict[str, User],
                                            senior: User) -> None:
    cleared, plain = analysts["cleared"], analysts["uncleared"]
    made = _post(client, cleared, "/api/intelligence/reports", {
        "title": "Recruiter", "text": "Holds passports.", "scheme": "uk-3x5x2",
        "source_grade": "2", "information_grade": "B", "handling_code": "P",
        "release": "partners", "partners": ["AU"], "tlp": "amber", "caveats": ["HTX"]})
    assert made.status_code == 201, made.content
    reference = made.json()["reference"]
    person = _post(client, cleared, f"/api/intelligence/reports/{reference}/entities", {
        "schema": "Person", "properties": {"name": ["Rex Sample"], "phone": ["+64215550101"]}})
    assert person.status_code == 201, person.content
    ftm_id = person.json()["ftm_id"]
    bad = _post(client, cleared, f"/api/intelligence/reports/{reference}/entities", {
        "schema": "Person", "properties": {"name": ["Rex"], "phone": ["nope"]}})
    assert bad.status_code == 403 and "not a valid phone" in bad.json()["detail"]
    path = client.get("/api/intelligence/graph/path",
                      {"start": "phone:+64215550101", "goal": f"e:{ftm_id}"},
                      **_bearer(cleared)).json()
    assert [e["label"] for e in path["edges"]] == ["Phone"]
    package = _post(client, cleared, "/api/intelligence/sharing/packages", {
        "partner": "AU", "purpose": "Recruiter", "authority": AUTHORITY,
        "reports": [reference]})
    assert package.status_code == 201, package.content
    ref = package.json()["reference"]
    own = _post(client, cleared, f"/api/intelligence/sharing/packages/{ref}/decision",
                {"approve": True})
    assert own.status_code == 403
    assert _post(client, senior, f"/api/intelligence/sharing/packages/{ref}/decision",
                 {"approve": True, "note": "ok"}).json()["status"] == "approved"
    sent = _post(client, cleared, f"/api/intelligence/sharing/packages/{ref}/export",
                 {"format": "stix"})
    assert sent.status_code == 201 and '"type": "bundle"' in sent.json()["content"]
    log = client.get("/api/intelligence/sharing/log", **_bearer(cleared)).json()
    assert [(d["package"], d["approved_by"]) for d in log] == [(ref, "so_mbie")]
    # The analyst without the caveat: nothing in lists, search, graph, log; 404 by key.
    headers = _bearer(plain)
    assert client.get("/api/intelligence/reports", {"q": "Rex"}, **headers).json() == []
    assert client.get("/api/intelligence/entities", {"q": "Rex"}, **headers).json() == []
    assert client.get(f"/api/intelligence/reports/{reference}", **headers).status_code == 404
    assert client.get(f"/api/intelligence/entities/{ftm_id}", **headers).status_code == 404
    assert client.get("/api/intelligence/graph/neighbourhood", {"node": f"e:{ftm_id}"},
                      **headers).json() == {"nodes": [], "edges": []}
    assert client.get("/api/intelligence/sharing/log", **headers).json() == []
    assert client.get(f"/api/intelligence/sharing/packages/{ref}", **headers).status_code == 404
    assert _post(client, plain, f"/api/intelligence/sharing/packages/{ref}/export",
                 {"format": "ftm"}).status_code == 404
    assert AuditEvent.objects.filter(actor_username="an_cleared", action="read",
                                     summary__contains="(api)").exists()
    frontline = _bearer(analysts["frontline"])
    assert client.get("/api/intelligence/reports", **frontline).status_code == 403


def test_watchlist_withdrawal_through_the_api(client: Client, analysts: dict[str, User],
                                              report: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from tiaki.intelligence import services, watchlist

    cleared = analysts["cleared"]
    person = services.entity_add(actor=cleared, report=report, schema="Person",
                                 properties={"name": "Rex Sample", "birthDate": "1978-03-02"})
    today = timezone.localdate()
    nomination = watchlist.watchlist_nominate(actor=cleared, entity=person, reason="Recruiter",
                                              today=today,
                                              expires_on=today + dt.timedelta(days=30))
    url = f"/api/intelligence/watchlist/{nomination.external_id}/withdraw"
    assert _post(client, analysts["uncleared"], url, {"reason": "x"}).status_code == 404
    refused = _post(client, cleared, url, {"reason": ""})
    assert refused.status_code == 403 and "Say why" in refused.json()["detail"]
    done = _post(client, cleared, url, {"reason": "Cleared"})
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["external_id"] == nomination.external_id and body["withdrawal_reason"] == "Cleared"
    assert body["withdrawn_at"] is not None
