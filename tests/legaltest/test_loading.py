"""The data files load, hold what the ILO/EC lists and the legal test need, and a broken
file is refused with a message naming the file, the indicator code and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from tiaki.intake.legaltest import Ruleset, RulesetError, load_ruleset
from tiaki.intake.legaltest.model import ELEMENTS

from .conftest import INDICATORS, LEGAL

NATURE_OF_JOB = "adult.labour.deceptive_recruitment.strong.nature_of_job"


def copy_with(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {source.name}"
    target = tmp_path / source.name
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def test_four_sets_six_dimensions(ruleset: Ruleset) -> None:
    catalogue = ruleset.indicators
    assert [d.number for d in catalogue.dimensions] == [1, 2, 3, 4, 5, 6]
    assert {(s.age_group, s.exploitation) for s in catalogue.sets} == {
        ("adult", "labour"),
        ("adult", "sexual"),
        ("child", "labour"),
        ("child", "sexual"),
    }
    for indicator_set in catalogue.sets:
        dimensions = {i.dimension for i in indicator_set.indicators}
        assert dimensions == {d.id for d in catalogue.dimensions}, indicator_set.id
    sizes = {s.id: len(s.indicators) for s in catalogue.sets}
    assert sizes == {"adult.labour": 67, "adult.sexual": 67, "child.labour": 65, "child.sexual": 65}


def test_ilo_dimensions_evidence_the_right_elements(ruleset: Ruleset) -> None:
    evidences = {d.number: d.evidences for d in ruleset.indicators.dimensions}
    # ILO method: 1-3 act and means of recruitment, 4 purpose, 5-6 means at destination.
    assert all(evidences[n] == {"act", "means"} for n in (1, 2, 3))
    assert evidences[4] == {"purpose"}
    assert evidences[5] == evidences[6] == {"means"}


def test_every_indicator_names_an_element_its_dimension_evidences(ruleset: Ruleset) -> None:
    catalogue = ruleset.indicators
    for indicator in catalogue.by_code.values():
        dimension = catalogue.dimension_by_id[indicator.dimension]
        assert dimension.evidences & set(indicator.elements), indicator.code


def test_verification_status_is_recorded(ruleset: Ruleset) -> None:
    statuses = {s.id: s.verification.status for s in ruleset.indicators.sets}
    # Nothing is marked as checked against the primary text, because it was not.
    assert "primary" not in statuses.values()
    assert statuses["adult.sexual"] == statuses["child.sexual"] == "unverified"
    for source in (*ruleset.indicators.sources, *ruleset.legal.sources):
        assert source.verified


@pytest.mark.parametrize(
    ("counts", "positive"),
    [
        ({"strong": 2}, True),
        ({"strong": 1, "medium": 1}, True),
        ({"strong": 1, "weak": 1}, True),
        ({"medium": 3}, True),
        ({"medium": 2, "weak": 1}, True),
        ({"strong": 1}, False),
        ({"medium": 2}, False),
        ({"medium": 1, "weak": 2}, False),
        ({"weak": 5}, False),
        ({}, False),
    ],
)
def test_ilo_combination_rule(ruleset: Ruleset, counts: dict[str, int], positive: bool) -> None:
    assert ruleset.indicators.combination_rule.positive(counts) is positive


def test_legal_elements_and_child_rule(ruleset: Ruleset) -> None:
    legal = ruleset.legal
    assert tuple(legal.elements) == ELEMENTS
    assert legal.child_under_age == 18
    tests = {t.id: t for t in legal.tests}
    assert tests["palermo_adult"].requires == ("act", "means", "purpose")
    assert tests["palermo_child"].requires == ("act", "purpose")
    assert tests["nz_s98d_exploitation"].means_any_of == frozenset(
        {
            "threat_or_use_of_force",
            "coercion",
            "abduction",
            "fraud",
            "deception",
        }
    )


def test_engine_version_follows_the_data(tmp_path: Path, ruleset: Ruleset) -> None:
    changed = copy_with(tmp_path, LEGAL, 'version: "1.1.0"', 'version: "1.0.1"')
    other = load_ruleset(INDICATORS, changed)
    assert other.engine_version != ruleset.engine_version
    assert "nz-crimes-act-s98d@1.0.1+sha256." in other.engine_version


def test_bad_strength_names_file_code_and_field(tmp_path: Path) -> None:
    bad = copy_with(
        tmp_path,
        INDICATORS,
        f"{NATURE_OF_JOB}\n        text: Deceived about the nature of the job, location or "
        "employer\n        dimension: deceptive_recruitment\n        strength: strong",
        f"{NATURE_OF_JOB}\n        text: Deceived about the nature of the job, location or "
        "employer\n        dimension: deceptive_recruitment\n        strength: strnog",
    )
    with pytest.raises(RulesetError) as caught:
        load_ruleset(bad, LEGAL)
    message = str(caught.value)
    assert "ilo-ec-2009.yaml" in message
    assert NATURE_OF_JOB in message
    assert "field strength" in message
    assert caught.value.code == NATURE_OF_JOB and caught.value.field == "strength"


def test_code_that_disagrees_with_its_fields_is_refused(tmp_path: Path) -> None:
    bad = copy_with(
        tmp_path,
        INDICATORS,
        f"- code: {NATURE_OF_JOB}",
        f"- code: {NATURE_OF_JOB.replace('strong', 'weak')}",
    )
    with pytest.raises(RulesetError, match=r"indicator adult\.labour\.deceptive.*field code"):
        load_ruleset(bad, LEGAL)


def test_unknown_element_value_is_refused_across_files(tmp_path: Path) -> None:
    bad = copy_with(
        tmp_path,
        INDICATORS,
        "elements: {act: [recruitment], means: [deception]}",
        "elements: {act: [recruitment], means: [decepton]}",
    )
    with pytest.raises(RulesetError) as caught:
        load_ruleset(bad, LEGAL)
    assert caught.value.code == NATURE_OF_JOB
    assert caught.value.field == "elements.means"
    assert "decepton" in str(caught.value)


def test_duplicate_key_is_refused(tmp_path: Path) -> None:
    bad = copy_with(
        tmp_path,
        INDICATORS,
        "        strength: strong\n",
        "        strength: strong\n        strength: medium\n",
    )
    with pytest.raises(RulesetError, match="duplicate key 'strength'"):
        load_ruleset(bad, LEGAL)


def test_unknown_key_in_legal_file_is_refused(tmp_path: Path) -> None:
    bad = copy_with(tmp_path, LEGAL, "child_under_age: 18", "child_under_age: 18\nchild_age: 18")
    with pytest.raises(RulesetError, match=r"nz-crimes-act-s98d\.yaml: field child_age: unknown"):
        load_ruleset(INDICATORS, bad)


def test_source_without_verification_note_is_refused(tmp_path: Path) -> None:
    bad = copy_with(tmp_path, LEGAL, "    verified: Read in full from seed 002.\n", "")
    with pytest.raises(RulesetError, match=r"field sources\[7\]\.verified: missing"):
        load_ruleset(INDICATORS, bad)


def test_signal_on_unknown_fact_is_refused(tmp_path: Path) -> None:
    bad = copy_with(tmp_path, LEGAL, "fact: paid_smuggler", "fact: paid_smugler")
    with pytest.raises(RulesetError, match=r"smuggling\.signals\[1\]\.fact: unknown fact"):
        load_ruleset(INDICATORS, bad)


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(RulesetError, match=r"missing\.yaml: field \(file\): cannot read"):
        load_ruleset(tmp_path / "missing.yaml", LEGAL)
