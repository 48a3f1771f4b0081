"""The case page's query count does not grow with what the case holds (issue 16).

``tests/core/test_query_counts.py`` grows the tables and re-reads every page, but each page
keeps naming the same demo row. This grows one case instead: consent for every purpose
(the page once read each purpose's consent separately), several certifications, referrals,
risk assessments, court dates and team members, and requires the same number of queries.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.cases.conftest import certify, consent_all, open_case
from tests.conftest import login
from tiaki.accounts.models import User
from tiaki.cases import services
from tiaki.cases.models import VictimCase

pytestmark = pytest.mark.django_db


def _queries(client: Any, case: VictimCase) -> int:
    client.get(f"/cases/{case.reference}/")  # warm: per-process caches fill on first read
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/cases/{case.reference}/")
    assert response.status_code == 200
    return len(queries)


def test_case_page_reads_a_constant_number_of_queries(client: Any,
                                                      team: dict[str, User]) -> None:
    case = open_case(team["investigator"])
    login(client, team["investigator"])
    bare = _queries(client, case)

    consent_all(case, team["investigator"])
    # A second version for some purposes: the page shows each purpose's latest.
    services.consent_record(case=case, actor=team["investigator"], purpose="health",
                            granted=False)
    first = certify(case, team)
    services.certification_revoke(certification=first, actor=team["senior"],
                                  reason="issued on the wrong case file")
    certify(case, team)
    for service, agency in (("health", "HEALTH_NZ"), ("interpreter", "MOJ")):
        if service == "health":
            services.consent_record(case=case, actor=team["investigator"], purpose="health",
                                    granted=True)
        services.referral_create(case=case, actor=team["investigator"], service=service,
                                 agency_code=agency)
    today = timezone.localdate()
    for level in ("medium", "high"):
        services.risk_assess(case=case, actor=team["investigator"], level=level,
                             assessment="Threats by text message", measures="Safe house",
                             review_on=today + dt.timedelta(days=14))
    for days in (10, 40):
        services.court_date_add(case=case, actor=team["investigator"],
                                on=today + dt.timedelta(days=days),
                                court="Napier District Court", hearing="Depositions")
    for username in ("health", "mbiecm"):
        services.member_add(case=case, actor=team["investigator"], username=username)

    grown = _queries(client, case)
    assert grown == bare, f"{bare} queries for a bare case, {grown} once it holds records"
    page = client.get(f"/cases/{case.reference}/").content.decode()
    # The consent panel still shows each purpose's current version.
    assert 'data-consent="health"' in page
