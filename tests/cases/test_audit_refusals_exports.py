"""What an auditor most needs: refusals, exports and downloads, and the auditor's own
searches are in the audit trail, and the search page filters by actor, agency, object and
action."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.cases.conftest import certify, consent_all
from tests.conftest import login
from tiaki.accounts.roles import Role
from tiaki.audit.models import AuditEvent
from tiaki.cases import services
from tiaki.cases.models import VictimCase

pytestmark = pytest.mark.django_db


def test_walk_of_refusals_exports_and_searches(client: Client, case: VictimCase,
                                               team: dict[str, Any], make_user: Any) -> None:
    cert = certify(case, team)
    consent_all(case, team["investigator"])
    login(client, team["investigator"])
    assert client.get(f"/cases/certifications/{cert.reference}/certificate.pdf"
                      ).status_code == 200
    services.case_export_htcds(case=case, actor=team["investigator"], reason="IOM exchange")
    # A service provider tries another agency's case: refused as missing, and recorded.
    login(client, team["health"])
    assert client.get(f"/cases/{case.reference}/").status_code == 404
    auditor = make_user("auditor1", "DIA", [Role.AUDITOR])
    login(client, auditor)

    exports = client.get("/audit/", {"action": "export"}).content.decode()
    assert f"Certificate {cert.reference} downloaded as PDF" in exports
    assert "exported in HTCDS fields" in exports
    refused = client.get("/audit/", {"action": "refused",
                                     "actor": team["health"].username}).content.decode()
    assert f"/cases/{case.reference}/" in refused
    by_object = client.get("/audit/", {"object_type": "cases.victimcase",
                                       "object_id": f"reference={case.reference}"})
    assert by_object.status_code == 200 and "404 on GET" in by_object.content.decode()
    assert client.get("/audit/", {"agency": "POLICE", "action": "export"}).status_code == 200
    searches = AuditEvent.objects.filter(actor_username="auditor1",
                                         object_type="audit.auditevent")
    assert searches.count() == 4
    assert searches.filter(summary__contains="action=refused").exists()
