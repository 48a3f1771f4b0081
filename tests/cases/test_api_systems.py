"""Case actions and certification for systems: the same services, policies and audit as
the case pages, and Idempotency-Key on every create."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cases.conftest import ASSESSMENT, IDENTITY, SECRETS
from tiaki.accounts.models import ApiToken, User
from tiaki.audit.models import AuditEvent
from tiaki.cases.models import Certification, Consent, Referral, VictimCase

pytestmark = pytest.mark.django_db
Team = dict[str, User]


def _bearer(user: User, key: str = "") -> dict[str, str]:
    _, raw = ApiToken.issue(user=user, name="partner system")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return headers


def _post(client: Any, url: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return client.post(url, body, content_type="application/json", **headers)


CASE = {"identity": {k: v for k, v in IDENTITY.items() if isinstance(v, str)},
        "nationality": "Philippines", "languages": "Tagalog",
        "exploitation_types": ["ForcedLabour"], "methods_of_control": ["DebtBondage"],
        "events": [{"kind": "exploitation", "place": "Hastings", "country": "New Zealand"}]}


def test_a_partner_system_walks_a_case_through_the_api(client: Any, team: Team) -> None:
    inv = _bearer(team["investigator"], key="case-open-1")
    opened = _post(client, "/api/cases/", CASE, inv)
    assert opened.status_code == 201, opened.content
    reference = opened.json()["reference"]
    assert not any(s in opened.content.decode() for s in SECRETS)
    # A retry after a lost answer returns the same case instead of opening a second.
    retry = _post(client, "/api/cases/", CASE, inv)
    assert retry.status_code == 201 and retry.json() == opened.json()
    assert VictimCase.objects.count() == 1
    case = VictimCase.objects.get()
    assert case.reference == reference and case.agency.code == "POLICE"

    cert = _post(client, f"/api/cases/{reference}/certifications",
                 {"assessment": ASSESSMENT}, _bearer(team["investigator"], key="cert-1"))
    assert cert.status_code == 201, cert.content
    cert_ref = cert.json()["reference"]
    assert cert.json()["status"] == Certification.Status.REQUESTED
    # The requester may not endorse their own request (the service's rule, seed 002).
    own = _post(client, f"/api/cases/certifications/{cert_ref}/endorse", {},
                _bearer(team["investigator"]))
    assert own.status_code in (403, 404)
    issued = _post(client, f"/api/cases/certifications/{cert_ref}/endorse",
                   {"note": "Evidence meets s98D"}, _bearer(team["senior"]))
    assert issued.status_code == 200, issued.content
    assert issued.json()["status"] == "issued" and issued.json()["endorsed_by"] == "snr"
    case.refresh_from_db()
    assert case.trafficking_status == "ActualVictimOfTrafficking"

    # No referral before consent; then consent, then refer (retry-safe).
    refer = {"service": "health", "agency": "HEALTH_NZ"}
    early = _post(client, f"/api/cases/{reference}/referrals", refer, inv | {
        "HTTP_IDEMPOTENCY_KEY": "refer-health"})
    assert early.status_code == 403 and "consent" in early.json()["detail"].lower()
    consent = _post(client, f"/api/cases/{reference}/consents",
                    {"purpose": "health", "granted": True, "how_obtained": "in person"},
                    _bearer(team["investigator"], key="consent-health"))
    assert consent.status_code == 201 and consent.json()["version"] == 1
    made = _post(client, f"/api/cases/{reference}/referrals", refer, inv | {
        "HTTP_IDEMPOTENCY_KEY": "refer-health"})
    assert made.status_code == 201, made.content
    again = _post(client, f"/api/cases/{reference}/referrals", refer, inv | {
        "HTTP_IDEMPOTENCY_KEY": "refer-health"})
    assert again.json() == made.json() and Referral.objects.count() == 1
    assert Consent.objects.count() == 1

    # Health sees the referral (its fields) but not the case.
    health = _bearer(team["health"])
    assert client.get(f"/api/cases/{reference}", **health).status_code == 404
    shared = client.get(f"/api/cases/referrals/{made.json()['id']}", **health).json()["shared"]
    assert shared and "address" not in shared

    # Closing with a referral still open is refused with the service's reason.
    closing = _post(client, f"/api/cases/{reference}/close", {"reason": "support_complete"},
                    _bearer(team["investigator"]))
    assert closing.status_code == 403 and "still open" in closing.json()["detail"]
    referral = Referral.objects.get()
    for step in ("accept", "complete"):
        done = _post(client, f"/api/cases/referrals/{referral.pk}/steps",
                     {"step": step, "outcome": "seen by GP"}, health)
        assert done.status_code == 200, done.content
    closed = _post(client, f"/api/cases/{reference}/close", {"reason": "support_complete"},
                   _bearer(team["investigator"]))
    assert closed.status_code == 200 and closed.json()["status"] == "Closed"

    # Revocation through the API, by a senior officer; audited with the reason.
    revoked = _post(client, f"/api/cases/certifications/{cert_ref}/revoke",
                    {"reason": "Found not to be trafficked"}, _bearer(team["senior"]))
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert AuditEvent.objects.filter(summary=f"Certification {cert_ref} revoked").exists()
    assert AuditEvent.objects.filter(summary=f"Victim case {reference} opened").count() == 1


def test_other_agencies_cannot_act_on_the_case(client: Any, team: Team) -> None:
    reference = _post(client, "/api/cases/", CASE, _bearer(team["investigator"])).json()[
        "reference"]
    for url, body in [(f"/api/cases/{reference}/consents", {"purpose": "health",
                                                            "granted": True}),
                      (f"/api/cases/{reference}/referrals", {"service": "health",
                                                             "agency": "HEALTH_NZ"}),
                      (f"/api/cases/{reference}/certifications", {"assessment": ASSESSMENT}),
                      (f"/api/cases/{reference}/close", {"reason": "lost_contact"})]:
        response = _post(client, url, body, _bearer(team["health"]))
        missing = _post(client, url.replace(reference, "VC-2026-999999"), body,
                        _bearer(team["health"]))
        assert response.status_code == missing.status_code == 404, url
    assert not Consent.objects.exists() and not Certification.objects.exists()


def test_a_service_provider_cannot_open_a_case(client: Any, team: Team) -> None:
    response = _post(client, "/api/cases/", CASE, _bearer(team["health"], key="x"))
    assert response.status_code == 403
    assert "may open a case" in response.json()["detail"]
    assert not VictimCase.objects.exists()


def test_api_refusals_are_audited_and_found_by_the_auditor(client: Any, team: Team,
                                                           make_user: Any) -> None:
    from tests.conftest import login
    from tiaki.accounts.roles import Role

    reference = _post(client, "/api/cases/", CASE, _bearer(team["investigator"])).json()[
        "reference"]
    assert client.get(f"/api/cases/{reference}", **_bearer(team["health"])).status_code == 404
    row = AuditEvent.objects.get(action=AuditEvent.Action.REFUSED,
                                 actor_username=team["health"].username)
    assert row.summary == f"404 on GET /api/cases/{reference}"
    auditor = make_user("auditor2", "DIA", [Role.AUDITOR])
    page = login(client, auditor).get("/audit/", {"action": "refused", "agency": "HEALTH_NZ"})
    assert f"/api/cases/{reference}" in page.content.decode()
