"""The annual progress report writes itself from recorded progress and live metrics."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

from tests.conftest import login
from tiaki.accounts.models import User
from tiaki.plan.loader import PlanFileError, plan_load
from tiaki.plan.models import Plan
from tiaki.plan.report import annual_report, plan_year_bounds, plan_year_of
from tiaki.plan.services import progress_update_record


def _record(plan: Plan, user: User, number: int, status: str, day: dt.date) -> None:
    progress_update_record(item=plan.items.get(number=number), actor=user, status=status,
                           narrative=f"{status} on {day}", reported_on=day)


def test_plan_years_follow_the_start_date(nz_plan: Plan) -> None:
    assert plan_year_bounds(nz_plan, 1) == (dt.date(2009, 7, 1), dt.date(2010, 7, 1))
    assert plan_year_of(nz_plan, dt.date(2010, 6, 30)) == 1
    assert plan_year_of(nz_plan, dt.date(2010, 7, 1)) == 2


def test_report_states_status_at_year_end(nz_plan: Plan, personas: dict[str, User]) -> None:
    customs = personas["customs"]
    _record(nz_plan, customs, 10, "in_progress", dt.date(2009, 9, 1))
    _record(nz_plan, customs, 10, "complete", dt.date(2010, 9, 1))  # year 2
    year1 = annual_report(plan=nz_plan, year=1, items=nz_plan.items.all())
    year2 = annual_report(plan=nz_plan, year=2, items=nz_plan.items.all())
    item10_y1 = next(r for r in year1.items if r.item.number == 10)
    item10_y2 = next(r for r in year2.items if r.item.number == 10)
    assert item10_y1.status == "in_progress" and len(item10_y1.updates) == 1
    assert item10_y2.status == "complete" and 10 in year2.completed_this_year
    assert 10 not in year1.completed_this_year


def test_metric_named_in_plan_file_is_computed(agencies: Any, tmp_path: Path,
                                               make_user: Any) -> None:
    data = yaml.safe_load((settings.TIAKI_PLANS_DIR / "nz-2009.yaml").read_text("utf-8"))
    data["items"][9]["metrics"] = ["plan.progress_updates"]
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    plan = plan_load(path=path).plan
    _record(plan, make_user("c2", "CUSTOMS"), 10, "in_progress", dt.date(2009, 8, 1))
    report = annual_report(plan=plan, year=1, items=plan.items.all())
    values = next(r for r in report.items if r.item.number == 10).metrics
    assert values[0].value == 1 and values[0].breakdown == {"CUSTOMS": 1}
    data["items"][9]["metrics"] = ["no.such.metric"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PlanFileError, match="item 10, field 'metrics': unknown metric"):
        plan_load(path=path)


def test_report_page_and_command(client: Any, nz_plan: Plan, personas: dict[str, User],
                                 capsys: pytest.CaptureFixture[str]) -> None:
    _record(nz_plan, personas["customs"], 10, "complete", dt.date(2010, 3, 1))
    login(client, personas["secretariat"])
    page = client.get("/plan/report/?year=1").content.decode()
    assert "annual progress report, year 1" in page and "complete on 2010-03-01" in page
    call_command("plan", "report", "--year", "1")
    out = capsys.readouterr().out
    assert "## Prevention" in out and "### Item 10" in out
    assert "Completed during the period: 10" in out
