"""Transliteration, tokens and phonetic keys."""

from __future__ import annotations

import pytest

from tiaki.matching.normalize import phonetic_key, tokens_of


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Сергей Иванов", ["sergey", "ivanov"]),  # Cyrillic
        ("Κυριάκος Μητσοτάκης", ["kyriakos", "mitsotakis"]),  # Greek
        # Han: family name, then the given name as one word; Mandarin p/b folded (Wade-Giles).
        ("习近平", ["xi", "jinbing"]),
        ("김정은", ["kim", "jongeun"]),  # Hangul (RR eo folded with MR o)
        ("नरेन्द्र मोदी", ["narendra", "modi"]),  # Devanagari, Hunterian: inherent a written
        # Thai: RTGS by pythainlp keeps the vowels; ch is folded with j (as for pinyin zh/j).
        ("วชิราลงกรณ", ["wjiralongkonn"]),
        ("محمد بن سلمان", ["mhmd", "bin", "slmn"]),  # Arabic: no short vowels, bn -> bin
        ("Recep Tayyip Erdoğan", ["recep", "tayyip", "erdogan"]),  # Latin diacritics
    ],
)
def test_any_script_becomes_ascii_tokens(raw: str, expected: list[str]) -> None:
    assert tokens_of(raw) == expected


def test_arabic_article_and_ayn_korean_family_names() -> None:
    assert tokens_of("عائشة الحربي") == ["aishh", "al", "hrbi"]
    assert tokens_of("عبد الرحمن") == ["abdul", "rhmn"]
    assert tokens_of("이영호") == tokens_of("Yi Yeongho") == ["li", "yongho"]
    assert tokens_of("박민준") == tokens_of("Pak Minjun") == ["park", "minjun"]


def test_titles_dropped_particles_folded_and_abd_al_joined() -> None:
    assert tokens_of("Mr. Rami Makhlouf") == ["rami", "makhlouf"]
    assert tokens_of("Osama ibn Laden") == ["osama", "bin", "laden"]
    assert tokens_of("'Abd al-Aziz al-Nuristani") == ["abdul", "aziz", "al", "nuristani"]
    assert tokens_of("Ig0r Sech1n") == ["igor", "sejin"]


def test_organisation_legal_forms_and_numbers() -> None:
    assert tokens_of("OJSC Tactical Missiles Corp.", "org") == [
        "jsc",
        "tactical",
        "missiles",
        "corp",
    ]
    assert tokens_of("Brigade Forty-Four", "org") == ["brigade", "44"]
    assert tokens_of("A.B.C. Company", "org") == ["abc", "co"]


def test_phonetic_key_joins_transliteration_variants() -> None:
    keys = {phonetic_key(t) for t in ("mohammed", "muhammad", "mohamad", "mhmd")}
    assert len(keys) == 1
    assert phonetic_key("volodymyr") == phonetic_key("wolodymyr")
    assert phonetic_key("zelenskyy") == phonetic_key("selenskyj")
    assert phonetic_key("daniel") != phonetic_key("donald")


def test_batch_phonetic_keys_are_the_single_record_keys() -> None:
    """`phonetic_keys` applies the skeleton's steps to a chunk's ASCII tokens in Polars; it
    must give every token the key `phonetic_key` gives it (the single-record path)."""
    import random

    import polars as pl

    from tiaki.matching import lexicon
    from tiaki.matching.normalize import phonetic_keys, skeleton

    rng = random.Random(16)
    parts = ["zh", "ch", "sch", "tsch", "dzh", "dj", "ph", "kh", "gh", "th", "dh", "ck", "ce",
             "ci", "cy", "aa", "ee", "oo", "yj", "aj", "w", "h", "x", "q", "a", "e", "i", "o",
             "u", "y", "b", "k", "p", "t", "d", "g", "r", "n", "m", "l", "s", "v", "j", "c",
             "f", "z", "2", "0"]
    tokens = sorted({*lexicon.COMMON_NAME_TOKENS, "wu", "li", "ahh", "wwa", "hh", "a", "émile",
                     "straße", *("".join(rng.choice(parts) for _ in range(rng.randrange(1, 7)))
                                 for _ in range(20_000))})
    got = phonetic_keys(pl.Series([[t] for t in tokens])).list.first().to_list()
    assert got == [phonetic_key(t) for t in tokens]
    assert skeleton("mohammed") == skeleton("mhmd")


def test_keys_of_several_columns_are_each_columns_own_keys() -> None:
    import polars as pl

    from tiaki.matching.normalize import phonetic_keys, phonetic_keys_of

    folded = pl.Series([["budin", "vladimir"], [], ["smit", "jon"], None])
    written = pl.Series([["putin", "vladimir"], [], ["smith", "jon"], None])
    both = phonetic_keys_of(folded, written)
    assert [k.to_list() for k in both] == [phonetic_keys(folded).to_list(),
                                           phonetic_keys(written).to_list()]
    empty = pl.Series([[], []], dtype=pl.List(pl.String))
    assert phonetic_keys_of(empty, empty)[1].to_list() == [[], []]
