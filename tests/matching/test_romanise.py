"""Romanisation variants read from data files: the rules, their checks and extension."""

from __future__ import annotations

from pathlib import Path

import pytest

from tiaki.matching import romanise
from tiaki.matching.names import NAME_MATCH, name_similarity
from tiaki.matching.normalize import tokens_of


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Chang Chien-pin", "Zhang Jian-bin"),  # Wade-Giles / pinyin
        ("Hsu Hsiao-ming", "Xu Xiao Ming"),
        ("Paek Jihun", "Baek Jihun"),  # McCune-Reischauer / RR
        ("Ahn Sujin", "An Sujin"),
        ("Yi Minjun", "Ri Minjun"),
        ("Duangphon Sisawat", "Duangporn Srisawat"),  # RTGS / common Thai spellings
        ("Fatma al-Harby", "Fatimah al-Harbi"),  # Arabic
        ("Mohamed Benali", "Mohamed bin Ali"),
        ("Iuliia Zhukova", "Yuliya Joukova"),  # ICAO 9303 / BGN-PCGN / French
    ],
)
def test_romanisations_of_one_name_agree(a: str, b: str) -> None:
    assert tokens_of(a) == tokens_of(b)
    assert name_similarity(a, b) >= NAME_MATCH


def test_different_names_stay_apart() -> None:
    assert name_similarity("Zhang Jianbin", "Zhang Xiaoming") < NAME_MATCH
    assert name_similarity("Fatima al-Harbi", "Aisha al-Harbi") < NAME_MATCH
    # A particle is split off only before a listed name: Benjamin is not "bin Jamin".
    assert tokens_of("Benjamin Alberts") == ["benjamin", "alberts"]


def test_a_country_extends_the_rules_with_its_own_file(tmp_path: Path) -> None:
    (tmp_path / "90-tonga.yaml").write_text(
        "version: 1\nsystem: Tongan\nvariants:\n  - [tupou, tubou]\n"
        "rewrite:\n  - {pattern: '^ng', replace: 'g', example: [Ngaire, Gaire]}\n",
        encoding="utf-8",
    )
    rules = romanise.load([romanise.DEFAULT_DIR, tmp_path])
    assert romanise._fold_with(rules, "tubou") == ["tupou"]
    assert romanise._fold_with(rules, "ngaire") == ["gaire"]
    assert rules.versions["90-tonga.yaml"] == 1


def test_groups_sharing_a_token_are_one_group_kept_in_the_first_form(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("version: 1\nvariants:\n  - [lee, yi]\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("version: 1\nvariants:\n  - [li, lee]\n", encoding="utf-8")
    rules = romanise.load([tmp_path])
    assert {rules.variants[t] for t in ("lee", "yi", "li")} == {"lee"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("variants:\n  - [a, b]\n", "a mapping with a 'version'"),
        ("version: 1\nvariants:\n  - [alone]\n", "variants entry 1"),
        ("version: 1\nrewrite:\n  - {pattern: '(', replace: ''}\n", "rewrite rule 1"),
        (
            "version: 1\nrewrite:\n  - {pattern: 'x', replace: 'y', example: [Xu, Zu]}\n",
            "example spellings do not fold alike (Xu -> yu, Zu -> zu)",
        ),
    ],
)
def test_a_bad_file_is_refused_naming_the_file_and_entry(
    tmp_path: Path, text: str, message: str
) -> None:
    (tmp_path / "bad.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(romanise.RulesError, match=r"bad\.yaml") as err:
        romanise.load([tmp_path])
    assert message in str(err.value)
