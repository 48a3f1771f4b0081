"""The case pages work without JavaScript: each form posts, validates and reports refusals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests.cases.conftest import ASSESSMENT, consent_all, open_case
from tests.conftest import login
from tiaki.accounts.models import User
from tiaki.cases import services
from tiaki.cases.models import (
    Certification,
    ChildInvolvement,
    Referral,
    Repatriation,
    VictimCase,
)

pytestmark = pytest.mark.django_db
Team = dict[str, User]


def _certify_by_pages(client: Any, case: VictimCase, team: Team) -> Certification:
    login(client, team["investigator"])
    form = client.get(f"/cases/{case.reference}/certify/").content.decode()
    assert "s98D(1)(a)" in form  # each element's statutory text is shown
    data: dict[str, object] = {"witness_statements": "Statement of 3 May"}
    for code, part in ASSESSMENT.items():
        data[f"{code}_findings"] = part["findings"]
        data[f"{code}_evidence"] = part["evidence"]
    response = client.post(f"/cases/{case.reference}/certify/", data)
    assert response.status_code == 302
    cert = Certification.objects.get(case=case)
    own = client.post(f"/cases/certifications/{cert.reference}/", {"decision": "endorse"})
    assert own.status_code == 400 and "Only a senior Police officer" in own.content.decode()
    assert "Endorse and issue" not in own.content.decode()
    login(client, team["senior"])
    page = client.get(f"/cases/certifications/{cert.reference}/").content.decode()
    assert "Endorse and issue" in page and "Passport held" not in page
    done = client.post(f"/cases/certifications/{cert.reference}/",
                       {"decision": "endorse", "note": "Evidence reviewed"})
    assert done.status_code == 302
    cert.refresh_from_db()
    return cert


def test_certification_through_the_pages(client: Any, case: VictimCase,
                                         team: Team) -> None:
    cert = _certify_by_pages(client, case, team)
    assert cert.status == Certification.Status.ISSUED and cert.endorsed_by == team["senior"]
    login(client, team["senior2"])
    refused = client.post(f"/cases/certifications/{cert.reference}/", {"decision": "revoke",
                                                                      "reason": ""})
    assert refused.status_code == 400
    client.post(f"/cases/certifications/{cert.reference}/",
                {"decision": "revoke", "reason": "Not trafficked after all"})
    cert.refresh_from_db()
    assert cert.status == Certification.Status.REVOKED
    again = client.post(f"/cases/certifications/{cert.reference}/",
                        {"decision": "revoke", "reason": "twice"})
    assert again.status_code == 400 and "was revoked" in again.content.decode()


def test_selfendorsement_is_refused_on_the_page(client: Any, case: VictimCase,
                                               team: Team) -> None:
    login(client, team["senior2"])
    data: dict[str, object] = {}
    for code, part in ASSESSMENT.items():
        data[f"{code}_findings"] = part["findings"]
        data[f"{code}_evidence"] = part["evidence"]
    client.post(f"/cases/{case.reference}/certify/", data)
    cert = Certification.objects.get(case=case)
    response = client.post(f"/cases/certifications/{cert.reference}/", {"decision": "endorse"})
    assert response.status_code == 400
    assert "a different senior officer must endorse it" in response.content.decode()


def test_case_page_forms(client: Any, case: VictimCase, team: Team) -> None:
    login(client, team["investigator"])
    detail = client.get(f"/cases/{case.reference}/")
    assert detail.status_code == 200
    text = detail.content.decode()
    assert case.reference in text and "Analyn" not in text and "Forced labour" in text
    refused = client.post(f"/cases/{case.reference}/refer/",
                          {"refer-target": "interpreter:MOJ"})
    assert refused.status_code == 400 and "has not consented" in refused.content.decode()
    ok = client.post(f"/cases/{case.reference}/consent/",
                     {"consent-purpose": "interpreter", "consent-granted": "yes",
                      "consent-how_obtained": "in person"})
    assert ok.status_code == 302
    ok = client.post(f"/cases/{case.reference}/refer/",
                     {"refer-target": "interpreter:MOJ", "refer-appointment": "Mon 9am"})
    assert ok.status_code == 302
    referral = Referral.objects.get(case=case)
    travel = (timezone.localdate() + dt.timedelta(days=9)).isoformat()
    no_assessment = client.post(f"/cases/{case.reference}/repatriation/", {
        "repatriation-destination_country": "Philippines", "repatriation-travel_date": travel})
    assert no_assessment.status_code == 400
    assert "humanitarian assessment is needed" in no_assessment.content.decode()
    steps = [
        ("humanitarian", {"wishes_to_return": "on", "safe_to_return": "on",
                          "considerations": "Wants to go home", "recommendation": "return"}),
        ("consent", {"purpose": "country_of_origin_liaison", "granted": "yes"}),
        ("repatriation", {"destination_country": "Philippines", "travel_date": travel}),
        ("risk", {"level": "medium", "assessment": "Some threats", "measures": "Check-ins",
                  "review_on": travel}),
        ("immigration", {"kind": "temporary", "lodged_on": timezone.localdate().isoformat()}),
        ("interview", {"planned_for": f"{travel}T10:00", "interpreter_language": "Tagalog",
                       "breaks_every_minutes": "30"}),
        ("witness", {"status": "taken"}),
        ("court", {"on": travel, "court": "Napier District Court", "hearing": "Trial",
                   "adviser_username": "moj"}),
        ("compensation", {"on": timezone.localdate().isoformat()}),
        ("member", {"username": "mbiecm"}),
    ]
    for action, fields in steps:
        response = client.post(f"/cases/{case.reference}/{action}/",
                               {f"{action}-{k}": v for k, v in fields.items()})
        assert response.status_code == 302, (action, response.content.decode()[-3000:])
    trip = Repatriation.objects.get(case=case)
    assert trip.mfat_task is not None and trip.mfat_task.agency.code == "MFAT"
    text = client.get(f"/cases/{case.reference}/").content.decode()
    assert "MFAT task" in text and "Napier District Court" in text
    # Close: refused while referrals are open, then accepted once they are done.
    close = {"close-reason": "returned_home", "close-note": "Home safely"}
    assert client.post(f"/cases/{case.reference}/close/", close).status_code == 400
    client.post(f"/cases/referrals/{referral.pk}/withdraw/", {"reason": "Not needed"})
    login(client, team["mfat"])
    client.post(f"/cases/referrals/{trip.mfat_task.pk}/", {"step": "accept"})
    client.post(f"/cases/referrals/{trip.mfat_task.pk}/", {"step": "complete",
                                                           "outcome": "Embassy notified"})
    login(client, team["investigator"])
    assert client.post(f"/cases/{case.reference}/close/", close).status_code == 302
    case.refresh_from_db()
    assert case.is_closed and case.services_received == ["country_of_origin_liaison"]
    assert "Home safely" in client.get(f"/cases/{case.reference}/").content.decode()


def test_children_page_acknowledgement(client: Any, team: Team) -> None:
    case = open_case(team["investigator"], age=16)
    involvement = ChildInvolvement.objects.get(case=case)
    login(client, team["investigator"])
    consent_all(case, team["investigator"])
    refused = client.post(f"/cases/{case.reference}/refer/",
                          {"refer-target": "interpreter:MOJ"})
    assert "Oranga Tamariki must acknowledge" in refused.content.decode()
    login(client, team["ot"])
    page = client.get("/cases/children/").content.decode()
    assert case.reference in page and "Analyn" not in page
    client.post("/cases/children/", {"involvement": involvement.pk, "note": "Allocated"})
    involvement.refresh_from_db()
    assert involvement.acknowledged_by == team["ot"]
    login(client, team["moj"])
    assert f'data-case="{case.reference}"' not in client.get("/cases/children/").content.decode()


def test_inbox_and_measures_pages(client: Any, case: VictimCase, team: Team) -> None:
    consent_all(case, team["investigator"])
    login(client, team["investigator"])
    client.post(f"/cases/{case.reference}/refer/", {"refer-target": "housing:KAINGA_ORA"})
    login(client, team["housing"])
    inbox = client.get("/cases/referrals/")
    assert inbox.status_code == 200 and 'data-referral="housing"' in inbox.content.decode()
    login(client, team["secretariat"])
    measures = client.get("/cases/measures/?start=2026-01-01&end=2026-12-31")
    assert measures.status_code == 200 and "Police certifications issued" in \
        measures.content.decode()


def test_case_links_to_the_report_and_screening_it_came_from(client: Any, team: Team) -> None:
    from tiaki.accounts.models import Agency
    from tiaki.intake.models import Report, ReportRoute

    report = Report.objects.create(lookup_digest="d", code_salt="s", code_hash="h",
                                   channel="portal", what_seen="Workers locked in")
    ReportRoute.objects.create(report=report, agency=Agency.objects.get(code="POLICE"),
                               reason="test")
    case = open_case(team["investigator"], source_report=report.reference,
                     source_screening="S-000045")
    # A key where the record is in Tiaki and the actor may see it; a paper reference
    # (no such screening) keeps its text.
    assert case.report == report and case.screening is None
    login(client, team["investigator"])
    form = client.get(f"/cases/new/?report={report.reference}").content.decode()
    assert f'value="{report.reference}"' in form
    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert f'href="/intake/triage/{report.pk}/">{report.reference}</a>' in page
    assert "S-000045" in page and 'href="/intake/screening/45/"' not in page
    # The report shows its case to those who may see both.
    triage = client.get(f"/intake/triage/{report.pk}/").content.decode()
    assert f'href="/cases/{case.reference}/">{case.reference}</a>' in triage
    # A reference to no report in Tiaki stays text.
    assert open_case(team["investigator"], source_report="R-999999").report is None


def test_identity_correction_page(client: Any, case: VictimCase, team: Team) -> None:
    from tiaki.audit.models import AuditEvent

    login(client, team["investigator"])
    first = client.get(f"/cases/{case.reference}/identity/edit/").content.decode()
    assert "Quisumbing" not in first
    shown = client.post(f"/cases/{case.reference}/identity/edit/",
                        {"reason": "Correcting the family name"}).content.decode()
    assert 'value="Quisumbing-Tavita"' in shown
    assert AuditEvent.objects.filter(action="read", reason="Correcting the family name").exists()
    saved = client.post(f"/cases/{case.reference}/identity/edit/",
                        {"save": "1", "given_names": "Analyn", "family_name": "Tavita",
                         "document_number": "P9X4417203"})
    assert saved.status_code == 302
    details = services.identity_reveal(case=case, actor=team["investigator"], reason="check")
    assert details["family_name"] == "Tavita" and details["documents"][0]["number"] == \
        "P9X4417203"
    login(client, team["health"])
    assert client.get(f"/cases/{case.reference}/identity/edit/").status_code == 404


def test_decisions_outcomes_and_completion_pages(client: Any, case: VictimCase,
                                                 team: Team) -> None:
    today = timezone.localdate()
    application = services.immigration_lodge(case=case, actor=team["investigator"],
                                             kind="residence", lodged_on=today)
    hearing = services.court_date_add(case=case, actor=team["investigator"], on=today,
                                      court="Napier District Court", hearing="Trial")
    services.humanitarian_assess(case=case, actor=team["investigator"], wishes_to_return=True,
                                 safe_to_return=True, recommendation="return",
                                 considerations="Wants to go home")
    services.consent_record(case=case, actor=team["investigator"],
                            purpose="country_of_origin_liaison", granted=True)
    trip = services.repatriation_plan(case=case, actor=team["investigator"],
                                      destination_country="Philippines",
                                      travel_date=today + dt.timedelta(days=4))
    login(client, team["moj"])  # not on the case team: the rows answer 404 like the case
    assert client.post(f"/cases/immigration/{application.pk}/decide/",
                       {"status": "granted", "decided_on": today.isoformat()}
                       ).status_code == 404
    login(client, team["investigator"])
    early = client.post(f"/cases/immigration/{application.pk}/decide/",
                        {"status": "granted", "decided_on": "2000-01-01"})
    assert early.status_code == 400 and "before the application" in early.content.decode()
    assert client.post(f"/cases/immigration/{application.pk}/decide/",
                       {"status": "granted", "decided_on": today.isoformat()}
                       ).status_code == 302
    assert client.post(f"/cases/court-dates/{hearing.pk}/outcome/",
                       {"outcome": "Guilty; reparation ordered"}).status_code == 302
    assert client.post(f"/cases/repatriations/{trip.pk}/complete/").status_code == 302
    text = client.get(f"/cases/{case.reference}/").content.decode()
    assert "Guilty; reparation ordered" in text and "Granted" in text and "Completed" in text
