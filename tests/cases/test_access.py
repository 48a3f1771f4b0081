"""Need to know: agency B cannot reach agency A's cases; receivers see only shared fields.

"Missing" and "forbidden" answer alike (404), on pages and in the API.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.cases.conftest import certify, consent_all
from tests.conftest import login, page_main
from tiaki.accounts.models import ApiToken, User
from tiaki.audit.models import AuditEvent
from tiaki.cases import services
from tiaki.cases.models import VictimCase

pytestmark = pytest.mark.django_db
Team = dict[str, User]


def _bearer(user: User) -> dict[str, str]:
    _, raw = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _referrals(case: VictimCase, team: Team) -> dict[str, Any]:
    certify(case, team)
    consent_all(case, team["investigator"])
    return {
        "health": services.referral_create(case=case, actor=team["investigator"],
                                           service="health", agency_code="HEALTH_NZ"),
        "interpreter": services.referral_create(case=case, actor=team["investigator"],
                                                service="interpreter", agency_code="MOJ",
                                                appointment="Mon 9am, Napier Police station"),
    }


def test_other_agency_cannot_list_open_search_or_export(client: Any, case: VictimCase,
                                                        team: Team) -> None:
    outsider = team["mbie_cm"]  # a case manager, but in another agency
    login(client, outsider)
    listing = client.get("/cases/?status=all")
    row = f'data-case="{case.reference}"'
    assert listing.status_code == 200 and row not in listing.content.decode()
    search = client.get(f"/cases/?status=all&q={case.reference}")
    assert search.status_code == 200 and row not in search.content.decode()
    login(client, team["investigator"])
    assert row in client.get(f"/cases/?status=all&q={case.reference}").content.decode()
    login(client, outsider)
    missing = client.get("/cases/VC-1999-9999/")
    forbidden = client.get(f"/cases/{case.reference}/")
    assert missing.status_code == forbidden.status_code == 404
    assert page_main(missing) == page_main(forbidden)
    for suffix in ("identity/", "export/", "certify/"):
        assert client.get(f"/cases/{case.reference}/{suffix}").status_code == 404
        assert client.post(f"/cases/{case.reference}/{suffix}",
                           {"reason": "curious"}).status_code == 404
    assert client.post(f"/cases/{case.reference}/consent/", {}).status_code == 404
    # The outsider's list pages are recorded as reads, of nothing: no row names the case.
    outsider_reads = AuditEvent.objects.filter(action="read", actor_username=outsider.username)
    assert outsider_reads.exists()
    for row in outsider_reads:
        assert row.object_id != str(case.pk)
        assert case.reference not in row.changes.get("references", [])


def test_other_agency_is_refused_in_the_api(client: Any, case: VictimCase,
                                            team: Team) -> None:
    headers = _bearer(team["mbie_cm"])
    assert client.get("/api/cases/", **headers).json() == []
    assert client.get(f"/api/cases/?q={case.reference}", **headers).json() == []
    missing = client.get("/api/cases/VC-1999-9999", **headers)
    forbidden = client.get(f"/api/cases/{case.reference}", **headers)
    assert missing.status_code == forbidden.status_code == 404
    assert missing.json() == forbidden.json()
    for verb in ("identity", "export"):
        response = client.post(f"/api/cases/{case.reference}/{verb}", {"reason": "curious"},
                               content_type="application/json", **headers)
        assert response.status_code == 404
    own = client.get("/api/cases/", **_bearer(team["investigator"])).json()
    assert [c["reference"] for c in own] == [case.reference]
    assert "given_names" not in json.dumps(own) and "Analyn" not in json.dumps(own)


def test_receiver_sees_only_its_services_fields(client: Any, case: VictimCase,
                                                team: Team) -> None:
    referrals = _referrals(case, team)
    login(client, team["moj"])
    page = client.get(f"/cases/referrals/{referrals['interpreter'].pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Tagalog" in text and "Mon 9am, Napier Police station" in text
    for hidden in ("Analyn", "P9X4417203", "Forced labour", "Debt bondage", "Kowhai"):
        assert hidden not in text
    # The interpreter cannot see the health referral or the case itself.
    other = client.get(f"/cases/referrals/{referrals['health'].pk}/")
    missing = client.get("/cases/referrals/999999/")
    assert other.status_code == missing.status_code == 404
    assert client.get(f"/cases/{case.reference}/").status_code == 404
    inbox = client.get("/cases/referrals/").content.decode()
    assert f"Referral {referrals['interpreter'].pk}<" in inbox
    assert f"Referral {referrals['health'].pk}<" not in inbox
    # Health needs the name and date of birth, so it sees them, and the read is audited.
    login(client, team["health"])
    health = client.get(f"/cases/referrals/{referrals['health'].pk}/").content.decode()
    assert "Analyn Marisol Quisumbing-Tavita" in health and "1996-03-14" in health
    assert "Debt bondage" not in health and "Kowhai" not in health
    read = AuditEvent.objects.filter(action="read", object_type="cases.referral",
                                     object_id=str(referrals["health"].pk)).get()
    assert read.actor_username == "health" and "names" in read.summary


def test_receiver_api_shares_only_fields_and_rechecks_consent(client: Any,
                                                              case: VictimCase,
                                                              team: Team) -> None:
    referral = _referrals(case, team)["interpreter"]
    headers = _bearer(team["moj"])
    body = client.get(f"/api/cases/referrals/{referral.pk}", **headers).json()
    assert body["shared"] == {"reference": case.reference, "languages": "Tagalog, English",
                              "appointment": "Mon 9am, Napier Police station"}
    services.consent_record(case=case, actor=team["investigator"], purpose="interpreter",
                            granted=False)
    refused = client.get(f"/api/cases/referrals/{referral.pk}", **headers).json()
    assert refused["shared"] is None and "withdrew consent" in refused["withheld"]
    login(client, team["moj"])
    page = client.get(f"/cases/referrals/{referral.pk}/").content.decode()
    assert "withdrew consent" in page and "Mon 9am" not in page
    outsider = client.get(f"/api/cases/referrals/{referral.pk}", **_bearer(team["acc"]))
    assert outsider.status_code == 404


def test_every_identity_read_is_audited(client: Any, case: VictimCase, team: Team) -> None:
    login(client, team["investigator"])
    form = client.get(f"/cases/{case.reference}/identity/").content.decode()
    assert "Analyn" not in form
    assert not AuditEvent.objects.filter(action="read").exists()
    shown = client.post(f"/cases/{case.reference}/identity/",
                        {"reason": "Booking a medical appointment"}).content.decode()
    assert "Quisumbing-Tavita" in shown and "P9X4417203" in shown
    headers = _bearer(team["senior"])
    api = client.post(f"/api/cases/{case.reference}/identity", {"reason": "Court summons"},
                      content_type="application/json", **headers)
    assert api.status_code == 200 and api.json()["family_name"] == "Quisumbing-Tavita"
    no_reason = client.post(f"/cases/{case.reference}/identity/", {"reason": ""})
    assert no_reason.status_code == 400
    reads = list(AuditEvent.objects.filter(action="read", object_type="cases.victimcase")
                 .order_by("id").values_list("actor_username", "reason"))
    assert reads == [("inv", "Booking a medical appointment"), ("snr", "Court summons")]


def test_export_needs_consent_and_is_audited(client: Any, case: VictimCase,
                                             team: Team) -> None:
    certify(case, team)
    login(client, team["investigator"])
    refused = client.post(f"/cases/{case.reference}/export/", {"reason": "For IOM Manila"})
    assert refused.status_code == 400 and "has not consented" in refused.content.decode()
    services.consent_record(case=case, actor=team["investigator"], purpose="htcds_export",
                            granted=True)
    response = client.post(f"/cases/{case.reference}/export/", {"reason": "For IOM Manila"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["prs_SecondName"] == "Quisumbing-Tavita"
    assert data["prs_IdentityNumber"] == "P9X4417203"
    assert data["vic_TypeOfExploitation"] == ["ForcedLabour"]
    assert data["vic_MethodsOfControl"] == ["DebtBondage", "WithholdsDocuments"]
    assert data["vic_TraffickingStatus"] == "ActualVictimOfTrafficking"
    assert data["vic_LocationOfRecruitment"] == "Manila"
    assert AuditEvent.objects.filter(action="export", reason="For IOM Manila").count() == 1
    services.consent_record(case=case, actor=team["investigator"], purpose="htcds_export",
                            granted=False)
    api = client.post(f"/api/cases/{case.reference}/export", {"reason": "again"},
                      content_type="application/json", **_bearer(team["investigator"]))
    assert api.status_code == 403 and "withdrew consent" in api.json()["detail"]


def test_minister_office_sees_notices_not_cases(client: Any, case: VictimCase,
                                                team: Team) -> None:
    certify(case, team)
    login(client, team["minister"])
    notices = client.get("/cases/minister/").content.decode()
    # The issue's notice: reference, agency, region, exploitation, age band; no identity.
    assert "Forced labour" in notices and case.reference in notices
    assert "Analyn" not in notices and "Philippines" not in notices
    assert client.get(f"/cases/{case.reference}/").status_code == 404
    assert client.get("/cases/measures/").status_code == 200
    login(client, team["health"])
    assert client.get("/cases/measures/").status_code == 403
    assert "Forced labour" not in client.get("/cases/minister/").content.decode()


def test_measures_api_counts_certifications_per_period(client: Any, case: VictimCase,
                                                       team: Team) -> None:
    cert = certify(case, team)
    services.certification_revoke(certification=cert, actor=team["senior"],
                                  reason="Not trafficked")
    body = client.get("/api/cases/measures", **_bearer(team["secretariat"])).json()
    assert body["certifications"]["issued"] == 1 and body["certifications"]["withdrawn"] == 1
    assert {"item": "13", "measure": "Police certifications withdrawn (revoked)",
            "count": 1} in body["measures"]
    old = client.get("/api/cases/measures?start=2020-01-01&end=2020-12-31",
                     **_bearer(team["secretariat"])).json()
    assert old["certifications"]["issued"] == 0
    assert client.get("/api/cases/measures", **_bearer(team["health"])).status_code == 404
