"""Safe statistics: no published cell under the threshold, none recoverable from the total,
no unique record in the research file, and every release logged with its parameters."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tiaki.accounts.models import Agency, User
from tiaki.cases.models import VictimCase
from tiaki.core.policy import Refused
from tiaki.plan.metrics import Period
from tiaki.plan.report_models import StatisticsRelease
from tiaki.plan.statistics import SUPPRESSED, research_file, statistics_release, suppress

PERIOD = Period(dt.date(2026, 1, 1), dt.date(2027, 1, 1))


def _cases(agency: Agency, n: int, **fields: Any) -> None:
    start = VictimCase.objects.count()
    for i in range(n):
        VictimCase.objects.create(reference=f"VC-{start + i}", agency=agency,
                                  created_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC), **fields)


def test_complementary_suppression_protects_the_total() -> None:
    assert suppress({"a": 20, "b": 2, "c": 9}, 3) == {"a": 20, "b": SUPPRESSED, "c": SUPPRESSED}
    assert suppress({"a": 20, "b": 2, "c": 1}, 3) == {"a": 20, "b": SUPPRESSED, "c": SUPPRESSED}
    assert suppress({"a": 20, "b": 0}, 3) == {"a": 20, "b": 0}


@pytest.mark.django_db
def test_release_with_rare_combinations(agencies: dict[str, Agency],
                                        personas: dict[str, User]) -> None:
    police = agencies["POLICE"]
    _cases(police, 14, gender="Feminine", age=25, nationality="Philippines",
           exploitation_types=["LabourExploitation"])
    _cases(police, 12, gender="Masculine", age=30, nationality="Fiji",
           exploitation_types=["LabourExploitation"])
    _cases(police, 1, gender="Masculine", age=15, nationality="Tonga",  # rare
           exploitation_types=["SexualExploitation"])
    _cases(police, 2, gender="Feminine", age=40, nationality="Thailand",
           exploitation_types=["SexualExploitation"])
    with pytest.raises(Refused):
        statistics_release(actor=personas["customs"], kind="aggregates", period=PERIOD)
    release = statistics_release(actor=personas["secretariat"], kind="aggregates",
                                 period=PERIOD)
    for table in release.content["tables"].values():
        published = [v for v in table.values() if v != SUPPRESSED]
        assert all(v == 0 or v >= 3 for v in published)
        assert list(table.values()).count(SUPPRESSED) != 1
    assert release.content["tables"]["citizenship"]["Tonga"] == SUPPRESSED
    assert release.parameters["min_cell"] == 3 and len(release.sha256) == 64

    rows = research_file(PERIOD)
    combos: dict[tuple[Any, ...], int] = {}
    for row in rows:
        key = tuple(row.values())
        combos[key] = combos.get(key, 0) + 1
    assert combos and min(combos.values()) >= 11
    assert not any(row["citizenship"] in {"Tonga", "Thailand"} for row in rows)
    file_release = statistics_release(actor=personas["secretariat"], kind="research_file",
                                      period=PERIOD)
    assert file_release.parameters["k"] == 11
    assert StatisticsRelease.objects.count() == 2


@pytest.mark.django_db
def test_statistics_page_releases_and_logs(client: Any, agencies: dict[str, Agency],
                                           personas: dict[str, User]) -> None:
    from tests.conftest import login

    _cases(agencies["POLICE"], 4, gender="Feminine", age=22, nationality="Fiji")
    login(client, personas["secretariat"])
    page = client.get("/plan/statistics/?year=2026").content.decode()
    assert "Total: <strong>4</strong>" in page
    client.post("/plan/statistics/", {"year": "2026", "kind": "aggregates"})
    release = StatisticsRelease.objects.get()
    data = client.get(f"/plan/statistics/releases/{release.pk}/").json()
    assert data["parameters"]["min_cell"] == 3 and data["content"]["total"] == 4
