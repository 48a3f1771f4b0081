"""With the demo's data, the annual report's figures equal counts taken straight from the
database (items 10, 13, 19 and 20), and the records' measures show in the early years."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.db.models import Q
from django.utils import timezone

from tiaki.cases.models import Certification, Referral, VictimCase
from tiaki.core import crypto
from tiaki.demo.orchestrate import load_demo
from tiaki.plan.models import Plan
from tiaki.plan.report import annual_report, plan_year_bounds, plan_year_of
from tiaki.screening.models import Disposition


@pytest.fixture(autouse=True)
def field_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(crypto.ENV_VAR, Fernet.generate_key().decode())
    crypto.reset_keys()
    yield
    crypto.reset_keys()


def _in(field: str, start: dt.date, end: dt.date) -> Q:
    tz = timezone.get_current_timezone()
    return Q(**{f"{field}__gte": dt.datetime.combine(start, dt.time.min, tzinfo=tz),
                f"{field}__lt": dt.datetime.combine(end, dt.time.min, tzinfo=tz)})


@pytest.mark.django_db
def test_report_figures_equal_database_counts(settings: Any) -> None:
    settings.TIAKI_DEMO = True
    settings.TIAKI_POW_BITS = 4
    load_demo()
    plan = Plan.objects.get(code="nz-2009")
    year = plan_year_of(plan, timezone.localdate())
    start, end = plan_year_bounds(plan, year)
    report = annual_report(plan=plan, year=year, items=plan.items.all())
    figures = {(r.item.number, m.current.code): m.current for r in report.items
               for m in r.measures}

    trafficking = Disposition.objects.filter(_in("decided_at", start, end),
                                             outcome="trafficking").count()
    assert figures[10, "screening.trafficking_reports"].value == trafficking
    assert figures[10, "screening.dispositions"].value == Disposition.objects.filter(
        _in("decided_at", start, end)).count()

    issued = Certification.objects.filter(_in("decided_at", start, end),
                                          status__in=["issued", "revoked"]).count()
    assert issued >= 1
    assert figures[13, "cases.certifications_issued"].value == issued
    assert figures[13, "cases.certifications_withdrawn"].value == Certification.objects.filter(
        _in("revoked_at", start, end)).count()

    housing = Referral.objects.filter(_in("requested_at", start, end), service="housing")
    assert figures[19, "cases.referrals.housing"].value == housing.count()
    assert sum(figures[19, "cases.referrals.housing"].breakdown.values()) == housing.count()

    msd = Referral.objects.filter(_in("requested_at", start, end), service="msd_case_management")
    assert figures[20, "cases.referrals.msd_case_management"].value == msd.count()
    assert figures[20, "cases.closures"].value == VictimCase.objects.filter(
        _in("closed_at", start, end)).count()

    first = annual_report(plan=plan, year=1, items=plan.items.all())
    item1 = next(r for r in first.items if r.item.number == 1)
    trained = next(m for m in item1.measures if m.current.code == "training.people_trained")
    assert trained.current.value > 0
    assert sum(report.by_status.values()) == len(report.items)


@pytest.mark.django_db
def test_dashboard_key_measures_equal_database_counts(client: Any, settings: Any) -> None:
    """The working group's dashboard shows each item's key measure per plan year, equal to
    counts taken straight from the database (item 13: certifications issued; item 19:
    housing referrals), with the current year to date."""
    from tests.conftest import login
    from tiaki.accounts.models import User

    settings.TIAKI_DEMO = True
    settings.TIAKI_POW_BITS = 4
    load_demo()
    plan = Plan.objects.get(code="nz-2009")
    year = plan_year_of(plan, timezone.localdate())
    start, _end = plan_year_bounds(plan, year)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    issued = Certification.objects.filter(_in("decided_at", start, tomorrow),
                                          status__in=["issued", "revoked"]).count()
    housing = Referral.objects.filter(_in("requested_at", start, tomorrow),
                                      service="housing").count()
    assert issued >= 1
    login(client, User.objects.get(username="secretariat"))
    page = client.get("/plan/").content.decode()
    assert "Key measures" in page
    assert '<tr data-metric="cases.certifications_issued">' in page
    row = page.split('<tr data-metric="cases.certifications_issued">', 1)[1].split("</tr>", 1)[0]
    assert f'data-year="{year}" data-value="{issued}"' in row
    row = page.split('<tr data-metric="cases.referrals.housing">', 1)[1].split("</tr>", 1)[0]
    assert f'data-year="{year}" data-value="{housing}"' in row
    # Four plan years, oldest first, each one a column.
    assert row.count("data-year=") == 4
