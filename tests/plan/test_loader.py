"""The Plan as data: it matches the seeds, a second country loads, bad files change nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

from tiaki.plan.export import plan_as_dict
from tiaki.plan.loader import PlanFileError, plan_load
from tiaki.plan.models import ActionItem, Plan

HERE = Path(__file__).parent
NZ_PLAN = settings.TIAKI_PLANS_DIR / "nz-2009.yaml"


def _expected() -> list[dict[str, str]]:
    with (HERE / "expected_nz_items.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_nz_plan_matches_the_seed_table_item_by_item(nz_plan: Plan) -> None:
    exported = {item["number"]: item for item in plan_as_dict(nz_plan)["items"]}
    expected = _expected()
    assert len(expected) == 28
    assert sorted(exported) == list(range(1, 29))
    for row in expected:
        item = exported[int(row["number"])]
        assert item["section"] == row["section"], row["number"]
        assert item["agencies"] == row["agencies"].split("|"), row["number"]
        assert item["timetable_kinds"] == row["timetable_kinds"].split("|"), row["number"]
        assert " ".join(item["measure"].split()) == " ".join(row["measure"].split()), row["number"]


def test_goals_and_principles(nz_plan: Plan) -> None:
    assert [p.code for p in nz_plan.principles.all()] == ["A", "B", "C"]
    goals = {g.number: g.section.code for g in nz_plan.goals.select_related("section")}
    assert sorted(goals) == list(range(1, 11))
    assert {n for n, s in goals.items() if s == "prevention"} == {1, 2, 3, 4}
    assert {n for n, s in goals.items() if s == "protection"} == {5, 6, 7, 8}
    assert {n for n, s in goals.items() if s == "prosecution"} == {9, 10}


def test_timetable_due_dates(nz_plan: Plan) -> None:
    item1 = nz_plan.items.get(number=1)  # Short: develop training; Medium: implement
    assert [p.kind for p in item1.timetable.all()] == ["short", "medium"]
    assert str(item1.due_date()) == "2011-07-01"
    item13 = nz_plan.items.get(number=13)  # certification "at the time when a case ..."
    assert [p.kind for p in item13.timetable.all()] == ["event"]
    assert item13.due_date() is None


def test_loading_twice_changes_nothing(nz_plan: Plan) -> None:
    before = ActionItem.objects.count()
    result = plan_load(path=NZ_PLAN)
    assert not result.changed and not result.created
    assert ActionItem.objects.count() == before == 28


def test_second_country_loads_without_code_changes(agencies: Any) -> None:
    plan = plan_load(path=settings.TIAKI_PLANS_DIR / "au-2020-sample.yaml").plan
    assert plan.country == "AU"
    assert plan.items.count() >= 5
    assert all(item.agency_codes() for item in plan.items.all())


def _broken_copy(tmp_path: Path, mutate: Any) -> Path:
    data = yaml.safe_load(NZ_PLAN.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _set_kind(data: dict[str, Any]) -> None:
    next(i for i in data["items"] if i["number"] == 7)["timetable"][0]["kind"] = "soonish"


def test_bad_field_names_file_item_and_field_and_nothing_is_loaded(agencies: Any,
                                                                    tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, _set_kind)
    with pytest.raises(PlanFileError) as excinfo:
        plan_load(path=path)
    message = str(excinfo.value)
    assert "broken.yaml" in message
    assert "item 7" in message
    assert "timetable[0].kind" in message
    assert not Plan.objects.exists()


def test_unknown_agency_is_named(agencies: Any, tmp_path: Path) -> None:
    def mutate(data: dict[str, Any]) -> None:
        data["items"][2]["agencies"].append("NOPE")

    with pytest.raises(PlanFileError, match=r"item 3, field 'agencies': unknown agency 'NOPE'"):
        plan_load(path=_broken_copy(tmp_path, mutate))
    assert not ActionItem.objects.exists()


def test_bad_update_leaves_the_loaded_plan_untouched(nz_plan: Plan, tmp_path: Path) -> None:
    def mutate(data: dict[str, Any]) -> None:
        data["items"][0]["measure"] = "changed"
        data["items"][5]["section"] = "nowhere"

    with pytest.raises(PlanFileError, match="item 6, field 'section'"):
        plan_load(path=_broken_copy(tmp_path, mutate))
    assert nz_plan.items.get(number=1).measure != "changed"


def test_invalid_yaml_names_the_line(agencies: Any, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("schema: tiaki.plan/1\nitems: [\n  - oops: : :\n", encoding="utf-8")
    with pytest.raises(PlanFileError, match=r"bad.yaml: line \d+"):
        plan_load(path=path)


def test_export_command_prints_json(nz_plan: Plan, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("plan", "export")
    data = json.loads(capsys.readouterr().out)
    assert data["code"] == "nz-2009"
    item = data["items"][0]
    assert set(item) >= {"number", "section", "objective", "action", "timetable_kinds",
                         "agencies", "measure"}


def test_loadplan_command_reports_errors(agencies: Any, tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="item 7"):
        call_command("loadplan", str(_broken_copy(tmp_path, _set_kind)))
