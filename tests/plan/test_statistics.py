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
    from tiaki.plan.statistics import consistent_round

    published = consistent_round(4, table="victims", cell="total")
    assert published in {3, 6}
    page = client.get("/plan/statistics/?year=2026").content.decode()
    # The page previews exactly what a release publishes: the rounded total, not 4.
    assert f"Total: <strong>{published}</strong>" in page
    assert "Law enforcement" in page and "Prosecuted by sex" in page
    client.post("/plan/statistics/", {"year": "2026", "kind": "aggregates"})
    release = StatisticsRelease.objects.get()
    data = client.get(f"/plan/statistics/releases/{release.pk}/").json()
    assert data["parameters"]["min_cell"] == 3 and data["content"]["total"] == published

    # The release log pages, filters by kind and exports (audited) instead of stopping at 20.
    from tests.listing_helpers import csv_rows, export_count

    StatisticsRelease.objects.bulk_create(
        StatisticsRelease(kind=release.kind if i % 2 else "research_file", start=release.start,
                          end=release.end, parameters={"k": 11}, sha256=f"{i:064d}")
        for i in range(40))
    page = client.get("/plan/statistics/?year=2026").content.decode()
    assert "1–25 of 41" in page
    assert 'href="/plan/statistics/releases/' in page
    page = client.get("/plan/statistics/?year=2026&releases-kind=research_file").content.decode()
    assert "of 20" in page
    before = export_count()
    rows = csv_rows(client.get("/plan/statistics/?releases-export=csv").content)
    assert rows[0] == ["Released", "What", "Parameters", "SHA-256"] and len(rows) == 42
    assert export_count() == before + 1


def test_rounding_is_consistent_unbiased_and_keyed(settings: Any) -> None:
    from tiaki.plan.statistics import consistent_round

    # Multiples of the base and zero publish as they are; others go to a neighbour multiple.
    assert consistent_round(0, table="t", cell="c", base=3) == 0
    assert consistent_round(9, table="t", cell="c", base=3) == 9
    for count in range(3, 40):
        value = consistent_round(count, table="t", cell="c", base=3)
        assert value % 3 == 0 and abs(value - count) < 3
        # The same count in the same cell always publishes the same figure.
        assert all(consistent_round(count, table="t", cell="c", base=3) == value
                   for _ in range(3))
    # Over many cells, rounding up happens about remainder/base of the time (unbiased).
    ups = sum(consistent_round(4, table="t", cell=str(i), base=3) == 6 for i in range(3000))
    assert 800 < ups < 1200
    # Another key draws differently: the draw is not guessable from the releases.
    before = [consistent_round(4, table="t", cell=str(i), base=3) for i in range(200)]
    settings.TIAKI_STATS_KEY = "another key"
    after = [consistent_round(4, table="t", cell=str(i), base=3) for i in range(200)]
    assert before != after
    assert consistent_round(5, table="t", cell="c", base=1) == 5


@pytest.mark.django_db
def test_overlapping_releases_cannot_be_differenced(agencies: dict[str, Agency],
                                                    personas: dict[str, User]) -> None:
    """A release for the year and one for the year plus one more victim: where the true
    counts are equal the figures are equal, and every figure stays a multiple of the base,
    so the difference never reveals a single victim's attributes exactly."""
    police = agencies["POLICE"]
    _cases(police, 13, gender="Feminine", age=25, nationality="Philippines",
           exploitation_types=["LabourExploitation"])
    _cases(police, 7, gender="Masculine", age=31, nationality="Fiji",
           exploitation_types=["LabourExploitation"])
    first = statistics_release(actor=personas["secretariat"], kind="aggregates", period=PERIOD)
    again = statistics_release(actor=personas["secretariat"], kind="aggregates", period=PERIOD)
    assert first.content == again.content and first.sha256 == again.sha256
    assert first.parameters["rounding_base"] == 3
    for table in first.content["tables"].values():
        assert all(v == SUPPRESSED or v % 3 == 0 for v in table.values())
    assert first.content["total"] % 3 == 0


@pytest.mark.django_db
def test_law_enforcement_figures_are_released_safely(
        agencies: dict[str, Agency], personas: dict[str, User]) -> None:
    from tiaki.investigations.models import Investigation

    for i in range(5):
        Investigation.objects.create(reference=f"INV-{i}", title=f"Operation {i}",
                                     lead_agency=agencies["POLICE"],
                                     exploitation_types=["LabourExploitation"],
                                     opened_at=dt.datetime(2026, 4, 1, tzinfo=dt.UTC))
    Investigation.objects.create(reference="INV-9", title="Operation rare",
                                 lead_agency=agencies["POLICE"],
                                 exploitation_types=["SexualExploitation"],
                                 opened_at=dt.datetime(2026, 4, 1, tzinfo=dt.UTC))
    release = statistics_release(actor=personas["secretariat"], kind="aggregates", period=PERIOD)
    law = release.content["law_enforcement"]
    assert law["totals"]["investigations"] == 6
    by_form = law["tables"]["investigations_by_form"]
    # The one sexual-exploitation investigation is hidden, and so is its complement.
    assert list(by_form.values()).count(SUPPRESSED) == 2
    for table in law["tables"].values():
        assert all(v == SUPPRESSED or v == 0 or v >= 3 for v in table.values())
