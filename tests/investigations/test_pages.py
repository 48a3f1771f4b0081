"""Investigation pages: 404 alike, audited reads, refused steps say why, figures page."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import login
from tiaki.accounts.models import User
from tiaki.audit.models import AuditEvent
from tiaki.investigations.models import Investigation

pytestmark = pytest.mark.django_db
People = dict[str, User]


def test_missing_and_forbidden_answer_alike(client: Client, people: People,
                                            investigation: Investigation) -> None:
    login(client, people["outsider"])
    forbidden = client.get(f"/investigations/{investigation.reference}/")
    missing = client.get("/investigations/INV-1999-0009/")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.content == missing.content
    posted = client.post(f"/investigations/{investigation.reference}/task/", {})
    assert posted.status_code == 404


def test_detail_is_audited_and_a_refused_charge_says_why(
        client: Client, people: People, investigation: Investigation) -> None:
    login(client, people["mbie"])
    page = client.get(f"/investigations/{investigation.reference}/")
    assert page.status_code == 200 and b"Tell the partner investigating agency" in page.content
    assert AuditEvent.objects.filter(action="read", actor_username="inv_mere").exists()
    client.post(f"/investigations/{investigation.reference}/suspect/",
                {"suspect-kind": "person", "suspect-name": "Rex Sample", "suspect-sex": "male"})
    suspect = investigation.suspects.get()
    refused = client.post(f"/investigations/{investigation.reference}/charge/", {
        "charge-suspect": suspect.pk, "charge-offence": "nz.crimes.s98d",
        "charge-laid_on": "2026-01-05"})
    assert refused.status_code == 400
    assert b"no senior officer is assigned" in refused.content


def test_figures_page_for_the_working_group(client: Client, people: People) -> None:
    login(client, people["secretariat"])
    page = client.get("/investigations/figures/")
    assert page.status_code == 200 and b"tip-figures" in page.content
    login(client, people["mbie"])
    assert client.get("/investigations/figures/").status_code == 404
