"""Deadline arithmetic from the rules file: working days, NZ holidays, the Christmas period,
and another country's rules loaded without a code change. Dates are fixed, never today's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from tiaki.core.policy import Refused
from tiaki.intake.legaltest.errors import RulesetError
from tiaki.privacy.rules import default_path, rules_load

D = dt.date


@pytest.fixture
def nz() -> Any:
    return rules_load()


def test_twenty_working_days_skip_weekends(nz: Any) -> None:
    # Received Monday 2 March 2026: no holiday in March, four weekends skipped.
    assert nz.add_working_days(D(2026, 3, 2), nz.decision_days) == D(2026, 3, 30)
    assert nz.add_working_days(D(2026, 3, 2), nz.transfer_days) == D(2026, 3, 16)


def test_easter_and_mondayised_anzac_day_are_not_working_days(nz: Any) -> None:
    # Good Friday 3 Apr, Easter Monday 6 Apr and Anzac Day observed Mon 27 Apr 2026 (the
    # 25th is a Saturday) are skipped.
    assert not nz.is_working_day(D(2026, 4, 3))
    assert not nz.is_working_day(D(2026, 4, 6))
    assert not nz.is_working_day(D(2026, 4, 27))
    assert nz.add_working_days(D(2026, 3, 26), 20) == D(2026, 4, 28)


def test_christmas_period_is_excluded(nz: Any) -> None:
    # 25 December to 15 January inclusive are not working days, weekdays or not.
    for day in (D(2026, 12, 25), D(2026, 12, 29), D(2027, 1, 4), D(2027, 1, 15)):
        assert not nz.is_working_day(day)
    assert nz.is_working_day(D(2026, 12, 24))
    assert nz.is_working_day(D(2027, 1, 18))
    # Received Monday 14 Dec 2026: 8 working days before Christmas, 12 after 15 January.
    assert nz.add_working_days(D(2026, 12, 14), 20) == D(2027, 2, 2)
    assert nz.working_days_between(D(2026, 12, 14), D(2027, 2, 2)) == 20


def test_a_deadline_past_the_holiday_list_is_refused(nz: Any) -> None:
    with pytest.raises(Refused, match="covers 2026"):
        nz.add_working_days(D(2028, 12, 20), 20)


def test_grounds_factors_and_exceptions_come_from_the_file(nz: Any) -> None:
    assert nz.ground("safety") is not None and nz.ground("safety").provision
    assert {f.code for f in nz.harm_factors} >= {"sensitivity", "security", "recipient"}
    assert nz.exception_label("safety").startswith("Notifying")
    assert "identity" in nz.export_parts


def _variant(tmp_path: Path, change: Any) -> Path:
    data = yaml.safe_load(default_path().read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "privacy-requests.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_another_country_is_a_data_file(tmp_path: Path) -> None:
    def other(data: dict[str, Any]) -> None:
        data["id"] = "xx-example"
        data["working_days"]["weekend"] = ["friday", "saturday"]
        data["working_days"]["closed_periods"] = [{"from": "08-01", "to": "08-03"}]
        data["working_days"]["holidays"] = [{"date": "2026-03-05", "name": "Example Day"}]
        data["deadlines"]["decision"]["working_days"] = 5

    rules = rules_load(_variant(tmp_path, other))
    assert rules.id == "xx-example"
    # From Sunday 1 Mar 2026: Mon 2, Tue 3, Wed 4, (Thu 5 holiday), (Fri/Sat), Sun 8, Mon 9.
    assert rules.add_working_days(D(2026, 3, 1), rules.decision_days) == D(2026, 3, 9)
    assert not rules.is_working_day(D(2026, 8, 2))


def test_a_wrong_file_names_its_field(tmp_path: Path) -> None:
    def wrong(data: dict[str, Any]) -> None:
        data["working_days"]["holidays"][0]["date"] = "2031-01-01"

    with pytest.raises(RulesetError, match=r"holidays\[0\]\.date"):
        rules_load(_variant(tmp_path, wrong))
