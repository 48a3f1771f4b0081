"""Every item's measure has a home; metrics count half-open periods; records feed them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from tests.conftest import login
from tiaki.accounts.models import Agency, User
from tiaki.cases.models import Certification, VictimCase
from tiaki.plan.loader import parse_plan_file, plan_load
from tiaki.plan.metrics import Period, compute_metric, known_metrics
from tiaki.plan.models import Plan
from tiaki.plan.records import PolicyDecision, TrainingSession
from tiaki.plan.report import annual_report
from tiaki.plan.selectors import dashboard

# Intelligence use and flow (5, 6) are measured by the intelligence work as it lands.
OTHER_SOURCES = {5, 6}


def _at(day: dt.date, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute, second)))


def test_every_nz_item_names_registered_metrics(agencies: Any) -> None:
    spec, _ = parse_plan_file(settings.TIAKI_PLANS_DIR / "nz-2009.yaml")
    registered = known_metrics()
    for item in spec.items:
        assert all(code in registered for code in item.metrics), item.number
        if item.number not in OTHER_SOURCES:
            assert item.metrics, f"item {item.number} has no live measure"


def test_second_country_plan_picks_metrics_by_name(agencies: Any) -> None:
    plan = plan_load(path=settings.TIAKI_PLANS_DIR / "au-2020-sample.yaml").plan
    item = plan.items.get(number=1)
    assert item.metrics == ["campaigns.reach", "intake.reports_received"]
    report = annual_report(plan=plan, year=1, items=plan.items.all())
    entry = next(r for r in report.items if r.item.number == 1)
    assert [m.current.code for m in entry.measures] == item.metrics


def _certification(agency: Agency, ref: str, decided: dt.datetime, **extra: Any) -> None:
    case = VictimCase.objects.create(reference=f"VC-{ref}", agency=agency)
    Certification.objects.create(case=case, reference=f"C-{ref}", decided_at=decided, **extra)


def test_certifications_count_a_half_open_period(agencies: dict[str, Agency]) -> None:
    police = agencies["POLICE"]
    period = Period(dt.date(2026, 1, 1), dt.date(2026, 2, 1))
    _certification(police, "1", _at(dt.date(2026, 1, 1)), status="issued")
    _certification(police, "2", _at(dt.date(2026, 1, 31), 23, 59, 59), status="revoked",
                   revoked_at=_at(dt.date(2026, 2, 3)))
    _certification(police, "3", _at(dt.date(2026, 2, 1)), status="issued")  # next period
    _certification(police, "4", _at(dt.date(2026, 1, 5)), status="declined")
    issued = compute_metric("cases.certifications_issued", period)
    assert issued is not None and issued.value == 2
    assert issued.breakdown == {"still in force": 1, "since revoked": 1}
    withdrawn = compute_metric("cases.certifications_withdrawn", period)
    later = compute_metric("cases.certifications_withdrawn",
                           Period(dt.date(2026, 2, 1), dt.date(2026, 3, 1)))
    assert withdrawn is not None and withdrawn.value == 0
    assert later is not None and later.value == 1


def test_period_rejects_an_empty_range() -> None:
    with pytest.raises(ValueError, match="ends after it starts"):
        Period(dt.date(2026, 1, 1), dt.date(2026, 1, 1))


def test_training_recorded_on_its_page_feeds_item_1(client: Any, nz_plan: Plan,
                                                    personas: dict[str, User]) -> None:
    login(client, personas["customs"])
    page = client.get("/plan/records/training/")
    assert page.status_code == 200 and "items 1" in page.content.decode()
    response = client.post("/plan/records/training/", {
        "held_on": "2009-09-10", "title": "Indicators for border officers",
        "audience": "Customs officers", "people_trained": "24", "evaluations_returned": "20",
        "rated_effective": "15"})
    assert response.status_code == 302
    bad = client.post("/plan/records/training/", {"held_on": "2009-09-10", "title": "x",
                                                  "audience": "y", "people_trained": "-3"})
    assert bad.status_code == 400
    assert TrainingSession.objects.get().agency.code == "CUSTOMS"
    report = annual_report(plan=nz_plan, year=1, items=nz_plan.items.all())
    item1 = next(r for r in report.items if r.item.number == 1)
    values = {m.current.code: m.current for m in item1.measures}
    assert values["training.people_trained"].value == 24
    assert values["training.people_trained"].breakdown == {"CUSTOMS": 24}
    assert values["training.rated_effective"].value == 75.0
    year1 = client.get("/plan/report/?year=1").content.decode()
    assert 'data-metric="training.people_trained" data-value="24"' in year1


def test_policy_decisions_count_under_their_own_item(nz_plan: Plan,
                                                     personas: dict[str, User]) -> None:
    PolicyDecision.objects.create(
        agency=personas["mbie"].agency, item=nz_plan.items.get(number=16),
        decided_on=dt.date(2010, 2, 1), kind="ministerial_agreement", outcome="agreed",
        decided_by="Minister of Immigration", summary="Policy for victims agreed")
    report = annual_report(plan=nz_plan, year=1, items=nz_plan.items.all())
    by_item = {r.item.number: {m.current.code: m.current.value for m in r.measures}
               for r in report.items}
    assert by_item[16]["plan.policy_decisions"] == 1
    assert by_item[17]["plan.policy_decisions"] == 0


def test_report_summary_agrees_with_items_and_dashboard(nz_plan: Plan,
                                                        personas: dict[str, User]) -> None:
    from tiaki.plan.services import progress_update_record

    today = dt.date(2011, 3, 1)  # plan year 2
    for number, status, day in ((1, "complete", dt.date(2009, 9, 1)),
                                (2, "in_progress", dt.date(2010, 9, 1)),
                                (10, "complete", dt.date(2010, 10, 1))):
        progress_update_record(item=nz_plan.items.get(number=number), actor=personas["secretariat"],
                               status=status, narrative="done", reported_on=day)
    report = annual_report(plan=nz_plan, year=2, items=nz_plan.items.all(), today=today)
    assert sum(report.by_status.values()) == len(report.items) == 28
    assert report.by_status["complete"] == 2
    assert report.completed_this_year == [10]  # item 1 was completed in year 1
    assert set(report.completed_this_year) <= {r.item.number for r in report.items
                                               if r.status == "complete"}
    board = dashboard(personas["secretariat"], nz_plan, today=today)
    assert report.overdue == [s.item.number for s in board.overdue]


def test_report_page_opens_on_the_current_plan_year(client: Any, nz_plan: Plan,
                                                    personas: dict[str, User]) -> None:
    login(client, personas["secretariat"])
    page = client.get("/plan/report/").content.decode()
    from tiaki.plan.report import plan_year_of

    current = plan_year_of(nz_plan, timezone.localdate())
    assert f"annual progress report, year {current}" in page

