"""The progress report for any period, not only a plan year: on the page, built for
download and sign-off, and from the command line."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import login
from tiaki.accounts.models import User
from tiaki.plan.models import Plan
from tiaki.plan.records import TrainingSession
from tiaki.plan.report_models import ReportBuild


def _training(personas: dict[str, User]) -> None:
    agency = personas["customs"].agency
    TrainingSession.objects.create(agency=agency, held_on=dt.date(2010, 2, 1), title="A",
                                   audience="Officers", people_trained=5)
    TrainingSession.objects.create(agency=agency, held_on=dt.date(2010, 3, 31), title="B",
                                   audience="Officers", people_trained=7)
    TrainingSession.objects.create(agency=agency, held_on=dt.date(2010, 4, 1), title="C",
                                   audience="Officers", people_trained=100)


def test_page_shows_any_period_with_its_measures(client: Any, nz_plan: Plan,
                                                 personas: dict[str, User]) -> None:
    _training(personas)
    login(client, personas["secretariat"])
    page = client.get("/plan/report/?start=2010-01-01&last=2010-03-31").content.decode()
    # Both days included: 5 + 7 trained, not the 1 April session.
    assert 'data-metric="training.people_trained" data-value="12"' in page
    assert "1 January 2010 to 31 March 2010" in page
    assert "Build this period as PDF and HTML" in page
    wrong = client.get("/plan/report/?start=2010-03-31&last=2010-01-01")
    assert wrong.status_code == 400 and "ends before it starts" in wrong.content.decode()


def test_build_of_a_period_downloads_and_signs_off(client: Any, nz_plan: Plan,
                                                   personas: dict[str, User]) -> None:
    _training(personas)
    login(client, personas["secretariat"])
    response = client.post("/plan/report/build/", {"start": "2010-01-01", "last": "2010-03-31"})
    build = ReportBuild.objects.get()
    assert response["Location"] == f"/plan/report/builds/{build.pk}/"
    assert build.year is None and build.start == dt.date(2010, 1, 1)
    assert build.end == dt.date(2010, 4, 1) and build.status == "done"
    html = client.get(f"/plan/report/builds/{build.pk}/report.html")
    assert 'data-metric="training.people_trained" data-value="12"' in html.content.decode()
    assert "2010-01-01-to-2010-03-31" in html["Content-Disposition"]
    page = client.get(f"/plan/report/builds/{build.pk}/").content.decode()
    assert "progress report, 1 January 2010 to 31 March 2010" in page
    # Before the plan started there is nothing to report on: refused, with the reason.
    client.post("/plan/report/build/", {"start": "2001-01-01", "last": "2001-12-31"})
    assert ReportBuild.objects.count() == 1


@pytest.mark.django_db
def test_command_reports_any_period(nz_plan: Plan, personas: dict[str, User]) -> None:
    _training(personas)
    out = StringIO()
    call_command("plan", "report", "--start", "2010-01-01", "--last", "2010-03-31", stdout=out)
    assert "1 January 2010 to 31 March 2010" in out.getvalue()
    with pytest.raises(CommandError, match="--year N, or --start and --last"):
        call_command("plan", "report", stdout=StringIO())
