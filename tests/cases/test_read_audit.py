"""Every page and endpoint that shows victim-case data writes one audit row per read
(issue 15, item 8): lists one row naming what they showed, detail pages one row."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cases.conftest import certify, consent_all, open_case
from tests.conftest import login
from tiaki.accounts.models import User
from tiaki.audit.models import AuditEvent
from tiaki.cases import services
from tiaki.cases.models import VictimCase

pytestmark = pytest.mark.django_db
Team = dict[str, User]


def _reads(user: User) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.READ,
                                          actor_username=user.username).order_by("pk"))


def _one_read(client: Any, user: User, url: str) -> AuditEvent:
    before = len(_reads(user))
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    rows = _reads(user)[before:]
    assert len(rows) == 1, (url, [r.summary for r in rows])
    return rows[0]


def test_case_list_writes_one_row_naming_every_case_shown(client: Any, team: Team) -> None:
    first, second = open_case(team["investigator"]), open_case(team["investigator"])
    login(client, team["investigator"])
    row = _one_read(client, team["investigator"], "/cases/")
    assert row.object_type == "cases.victimcase" and row.changes["count"] == 2
    assert set(row.changes["references"]) == {first.reference, second.reference}
    api = _one_read(client, team["investigator"], "/api/cases/")
    assert api.changes["channel"] == "api" and api.changes["count"] == 2


def test_case_detail_page_and_api_each_write_a_row(client: Any, case: VictimCase,
                                                   team: Team) -> None:
    login(client, team["investigator"])
    page = _one_read(client, team["investigator"], f"/cases/{case.reference}/")
    assert page.object_id == str(case.pk) and page.changes["references"] == [case.reference]
    api = _one_read(client, team["investigator"], f"/api/cases/{case.reference}")
    assert api.changes["channel"] == "api"


def test_certification_and_certificate_pages_and_pdf_are_audited(client: Any,
                                                                 case: VictimCase,
                                                                 team: Team) -> None:
    cert = certify(case, team)
    login(client, team["investigator"])
    page = _one_read(client, team["investigator"], f"/cases/certifications/{cert.reference}/")
    assert page.object_type == "cases.certification"
    certificate = _one_read(client, team["investigator"],
                            f"/cases/certifications/{cert.reference}/certificate/")
    assert certificate.changes["purpose"] == "certificate"
    before = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count()
    pdf = client.get(f"/cases/certifications/{cert.reference}/certificate.pdf")
    assert pdf.status_code == 200
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == before + 1


def test_children_page_writes_a_row_with_the_cases_shown(client: Any, team: Team) -> None:
    child = open_case(team["investigator"], age=15)
    login(client, team["ot"])
    row = _one_read(client, team["ot"], "/cases/children/")
    assert row.changes["purpose"] == "children page"
    assert child.reference in row.changes["references"]


def test_referral_inbox_and_referral_pages_are_audited(client: Any, case: VictimCase,
                                                       team: Team) -> None:
    consent_all(case, team["investigator"])
    referral = services.referral_create(case=case, actor=team["investigator"],
                                        service="housing", agency_code="KAINGA_ORA")
    login(client, team["housing"])
    inbox = _one_read(client, team["housing"], "/cases/referrals/")
    assert inbox.changes["references"] == [str(referral.pk)]
    assert _one_read(client, team["housing"], "/api/cases/referrals").changes["count"] == 1
    # The receiver's view is the disclosure's row (it names the fields shared).
    shown = _one_read(client, team["housing"], f"/cases/referrals/{referral.pk}/")
    assert "fields:" in shown.summary
    login(client, team["investigator"])  # the case team sees the referral, not the fields
    team_view = _one_read(client, team["investigator"], f"/cases/referrals/{referral.pk}/")
    assert team_view.changes["purpose"] == "referral"
    assert _one_read(client, team["investigator"],
                     f"/api/cases/referrals/{referral.pk}").changes["channel"] == "api"
