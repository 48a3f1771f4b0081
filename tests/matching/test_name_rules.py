"""General name rules of decision 0020, each with a case that the rule decides.

The cases are made up for the rule, not taken from the labelled name-pair benchmark.
"""

from __future__ import annotations

import polars as pl
import pytest

from tiaki.matching import romanise, scalar
from tiaki.matching.names import (
    CONFLICT_CAP,
    NAME_MATCH,
    _paired,
    compare,
    compare_lists,
    name_similarity,
    prepare,
    split_words,
    vessel_name,
)
from tiaki.matching.normalize import (
    _cleaned_tokens,
    fold_token_forms,
    fold_tokens,
    name_token_forms,
    tokens_of,
    written_tokens,
)
from tiaki.matching.stats import TokenStats


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # The romanisation folds rewrite "putin" (Mandarin-shaped: pu-tin -> budin) and "cook"
        # (Thai oo -> u): a joined name or a one-letter slip must still meet the name as written.
        ("KarlPutin", "Karl Putin"),
        ("Peter Cok", "Peter Cook"),
    ],
)
def test_fold_is_an_alternative_to_the_written_spelling(a: str, b: str) -> None:
    assert name_similarity(a, b) >= NAME_MATCH


def test_written_tokens_align_with_folded_tokens() -> None:
    folded, written = name_token_forms(pl.Series(["Peter Cook", "Benali Putin", ""]))
    assert folded.to_list()[0] != written.to_list()[0]  # the fold changed the spelling
    assert written.to_list()[0] == ["peter", "cook"]
    assert [len(t) for t in folded.to_list()] == [len(t) for t in written.to_list()]
    assert scalar.name_token_forms("Benali Putin") == (folded.to_list()[1], written.to_list()[1])


@pytest.mark.parametrize("names", [
    # A joined particle split off ("benali" -> "bin ali"), so the written forms differ too.
    ["Benali Ahmed", None, "", "Chang Chien-pin", "Alharbi Saad", "Ig0r Sech1n", "Mr",
     "Kuo-ping", "李小龙", "Duangphon", "Benali Benali"],
    # No token split: the written tokens are the tokens themselves.
    ["Paek Min", "Lee Ri", "Peter Cook"],
    [None, None],
])
def test_one_pass_gives_the_folded_and_the_written_tokens(names: list[str | None]) -> None:
    toks = _cleaned_tokens(pl.Series(names, dtype=pl.String), "person")
    folded, written = fold_token_forms(toks)
    assert folded.equals(fold_tokens(toks))
    assert written.equals(written_tokens(toks))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Khalid bin Faisal al-Saud", "Faisal bin Khalid al-Saud"),
        ("Yusuf bin Ahmad", "Ahmad bin Yusuf"),
        ("Noor bint Hamad al-Thani", "Hamad bint Noor al-Thani"),
        ("Ali bin Omar bin Said", "Omar bin Ali bin Said"),
    ],
)
def test_reversed_lineage_is_not_the_same_name(a: str, b: str) -> None:
    # "X bin Y": Y is the father. The son of one is the father of the other.
    assert name_similarity(a, b) <= CONFLICT_CAP < NAME_MATCH


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Omar bin Ali bin Hassan", "Omar bin Ali bin Hassan al-Tamimi"),  # chain kept in order
        ("Yusuf bin Ahmad", "Yusuf Ahmad"),  # particle left out
        ("bin Salman Mohammed", "Mohammed bin Salman"),  # family part written first
    ],
)
def test_lineage_in_order_still_matches(a: str, b: str) -> None:
    assert name_similarity(a, b) >= NAME_MATCH


def test_single_record_path_applies_the_rules_too() -> None:
    stats = TokenStats.empty()
    pairs = [
        ("Khalid bin Faisal al-Saud", "Faisal bin Khalid al-Saud"),
        ("KarlPutin", "Karl Putin"),
        ("Peter Cok", "Peter Cook"),
        ("Keller, Graham L.", "Graham T Keller"),
    ]
    batch = compare_lists([a for a, _ in pairs], [b for _, b in pairs])
    for (a, b), want in zip(pairs, batch, strict=True):
        rows = [
            scalar.normalise(
                {
                    "id": n,
                    "full_name": n,
                    "given_name": None,
                    "family_name": None,
                    "date_of_birth": None,
                    "sex": None,
                    "nationality": None,
                    "document_number": None,
                    "document_country": None,
                    "phone": None,
                    "email": None,
                    "address": None,
                    "postcode": None,
                },
                stats,
            )
            for n in (a, b)
        ]
        got = scalar.compare_names(rows[0], rows[1])["name_sim"]
        assert got == pytest.approx(want, abs=1e-9)


def test_an_organisation_extra_word_counts_in_full() -> None:
    # A subsidiary or branch is another body; a person's extra given name is not another person.
    org = compare_lists(["Northwind Trading Holdings"], ["Northwind Trading"], "org")[0]
    person = name_similarity("Anna Maria Kowalski", "Anna Kowalski")
    assert org < NAME_MATCH <= person
    # A legal form is still cheap to leave out.
    assert (
        compare_lists(["Pacific Freight Services"], ["Pacific Freight Services Ltd"], "org")[0]
        >= NAME_MATCH
    )


def test_ordinals_are_numbers_not_look_alike_letters() -> None:
    assert tokens_of("3rd Battalion", "org") == ["3", "battalion"]
    assert tokens_of("Ig0r", "person") == ["igor"]
    assert compare_lists(["3rd Avenue Traders"], ["Third Avenue Traders"], "org")[0] >= NAME_MATCH


def test_arabic_initial_alif_with_hamza_is_a_vowel() -> None:
    assert tokens_of("إبراهيم")[0].startswith("a")
    assert tokens_of("أسامة")[0].startswith("a")
    assert name_similarity("أسامة حمدان", "Osama Hamdan") > 0.75


def test_different_initials_are_not_undone_by_the_spaceless_forms() -> None:
    # "grahamlkeller" and "grahamtkeller" differ in one letter; L and T are different people.
    assert name_similarity("Keller, Graham L.", "Graham T Keller") <= CONFLICT_CAP
    assert name_similarity("Graham L. Keller", "Graham Keller") >= NAME_MATCH  # initial left out
    assert name_similarity("Graham L. Keller", "G. L. Keller") >= NAME_MATCH


@pytest.mark.parametrize(
    ("a", "b"),
    [("Ted Halvorsen", "Theodore Halvorsen"), ("Bill Okonjo", "William Okonjo")],
)
def test_a_listed_nickname_is_the_same_given_name(a: str, b: str) -> None:
    assert name_similarity(a, b) >= NAME_MATCH
    # Two nicknames are not compared with each other, and a nickname is not a surname.
    assert name_similarity("Ted Halvorsen", "Teddy Okonjo") < NAME_MATCH


def test_a_nickname_match_says_why_on_both_paths() -> None:
    left = prepare(pl.Series(["Bob Marchetti", "Bob Marchetti"]))
    right = prepare(pl.Series(["Robert Marchetti", "Roberta Marchetti"]))
    out = compare(_paired(left, right)).sort("pair")
    assert out["variant"].to_list()[0] == "Bob is a nickname of Robert"
    assert out["name_sim"][0] >= NAME_MATCH
    q, r = (_scalar_row(n) for n in ("Bob Marchetti", "Robert Marchetti"))
    got = scalar.compare_names(q, r)
    assert got["variant"] == "Bob is a nickname of Robert"
    assert got["name_sim"] == pytest.approx(out["name_sim"][0], abs=1e-9)
    # Organisations have no nicknames.
    assert compare_lists(["Bob Trading"], ["Robert Trading"], "org")[0] < NAME_MATCH


def _scalar_row(name: str) -> dict[str, object]:
    fields = ["given_name", "family_name", "date_of_birth", "sex", "nationality",
              "document_number", "document_country", "phone", "email", "address",
              "postcode"]  # fmt: skip
    row: dict[str, str | None] = {"id": name, "full_name": name, **dict.fromkeys(fields)}
    return scalar.normalise(row, TokenStats.empty())


def test_initials_run_together_stand_for_the_given_names() -> None:
    assert name_similarity("JP Okonkwo", "Jean-Paul Okonkwo") >= NAME_MATCH
    q, r = (_scalar_row(n) for n in ("JP Okonkwo", "Jean-Paul Okonkwo"))
    got = scalar.compare_names(q, r)
    assert got["variant"] == "JP is the initials of Jean Paul"
    assert got["name_sim"] == pytest.approx(name_similarity("JP Okonkwo", "Jean-Paul Okonkwo"))
    # A short name with a vowel is a name, not initials; the letters must be the other's words.
    assert name_similarity("Al Kowalski", "Adam Lee Kowalski") < NAME_MATCH
    assert name_similarity("JP Okonkwo", "Jean Okonkwo") < NAME_MATCH


def test_an_acronym_stands_for_the_organisation_words() -> None:
    got = compare_lists(
        ["NSF", "U.K. Ministry of Defence", "NSF"],
        [
            "National Science Foundation",
            "United Kingdom Ministry of Defence",
            "National Sea Fleet Trust",
        ],
        "org",
    )
    assert got[0] >= NAME_MATCH and got[1] >= NAME_MATCH
    assert got[2] < NAME_MATCH  # an extra word still names another body
    left = prepare(pl.Series(["NSF"]), kind="org")
    right = prepare(pl.Series(["National Science Foundation"]), kind="org")
    out = compare(_paired(left, right), "org")
    assert out["variant"][0] == "NSF is the initials of National Science Foundation"


def test_a_long_legal_form_with_one_typo_is_that_legal_form() -> None:
    assert tokens_of("Nordlicht Aktiengeselschaft", "org") == ["nordlicht", "ag"]
    assert tokens_of("Volga Freight Joint Stock Compan", "org") == ["volga", "freight", "jsc"]
    assert tokens_of("Volga Freight Joynt Stock Company", "org") == ["volga", "freight", "jsc"]
    # Short legal-form words are left alone: one edit turns them into other words.
    assert tokens_of("Acme Limiter", "org") == ["acme", "limiter"]
    assert tokens_of("Acme Cooperation", "org") == ["acme", "cooperation"]


def test_a_given_name_in_another_language_is_the_same_name_on_both_paths() -> None:
    # Jevgenij / Yevgeny share Wikidata's given-name item in rigour's tagger data (decision 0021).
    left = prepare(pl.Series(["Jevgenij Marchetti", "Jevgenij Marchetti"]))
    right = prepare(pl.Series(["Yevgeny Marchetti", "Yevgeny Okonjo"]))
    out = compare(_paired(left, right)).sort("pair")
    assert out["variant"].to_list()[0] == "Jevgenij is a form of Yevgeny"
    assert out["name_sim"][0] >= NAME_MATCH
    assert out["name_sim"][1] < NAME_MATCH
    q, r = (_scalar_row(n) for n in ("Jevgenij Marchetti", "Yevgeny Marchetti"))
    got = scalar.compare_names(q, r)
    assert got["variant"] == "Jevgenij is a form of Yevgeny"
    assert got["name_sim"] == pytest.approx(out["name_sim"][0], abs=1e-9)
    assert compare_lists(["Jevgenij Trading"], ["Yevgeny Trading"], "org")[0] < NAME_MATCH


def test_a_baltic_case_ending_on_a_slavic_surname_is_folded_off() -> None:
    # Latvian writes a man's foreign surname with -s (Cabinet Regulation No. 114 of 2004),
    # Lithuanian with -as: decision 0023.
    assert romanise.fold("medvedevs") == romanise.fold("medvedev")
    assert romanise.fold("ivanovas") == romanise.fold("ivanov")
    assert romanise.fold("karpinas") == romanise.fold("karpin")
    # English patronymic surnames and feminine forms are left as they are.
    assert romanise.fold("collins") == ("collins",)
    assert romanise.fold("ivanova") == ("ivanova",)
    assert name_similarity("Pavel Sidorovs", "Pavel Sidorov") == 1.0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Marta Kowal czyk", "Marta Anna Kowalczyk"),  # a word split by a space
        ("Teng Hsiao-ping", "Deng Xiaoping"),  # Wade-Giles syllables, pinyin one word
        ("Wang Mei-ling", "Wang Meiling"),
    ],
)
def test_a_word_written_as_two_is_that_word_on_both_paths(a: str, b: str) -> None:
    left, right = prepare(pl.Series([a])), prepare(pl.Series([b]))
    out = compare(_paired(left, right))
    assert out["name_sim"][0] >= NAME_MATCH
    assert "in two words" in out["variant"][0]
    for q, r in ((a, b), (b, a)):
        got = scalar.compare_names(_scalar_row(q), _scalar_row(r))
        assert got["name_sim"] == pytest.approx(compare_lists([q], [r])[0], abs=1e-9)
        assert "in two words" in got["variant"]


def test_halves_that_are_names_of_the_other_side_are_not_joined() -> None:
    a = {"tok": ["ali", "khan", "ali"], "wt": ["ali", "khan", "ali"]}
    b = {"tok": ["alikhan", "ali"], "wt": ["alikhan", "ali"]}
    assert split_words(a, b) == []
    # "Jean-Claude" is no pair of Mandarin syllables: it stays two given names.
    c = {"tok": ["jean", "claude"], "wt": ["jean", "claude"]}
    d = {"tok": ["jeanclaud"], "wt": ["jeanclaud"]}
    assert split_words(c, d) == []


def test_a_vessel_is_compared_without_its_class_prefix() -> None:
    assert vessel_name("M/V Northern Star") == "Northern Star"
    assert vessel_name("MT Kara Sea") == "Kara Sea"
    got = compare_lists(["MV Northern Star", "SS Northern Star"], ["Northern Star"] * 2, "vessel")
    assert min(got) >= NAME_MATCH
    # Organisations keep every word: "MV" there is part of the registered name.
    assert compare_lists(["MV Northern Star"], ["Northern Star"], "org")[0] < NAME_MATCH


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Sigrun Gunnarsdottir", "Sigrun Einarsdottir", False),  # Gunnar's and Einar's daughters
        ("Olafur Hakonarsson", "Olafur Haraldsson", False),
        ("Sigrun Gunnarsdóttir", "Sigrun Gunnarsdottir", True),
        ("Olafur Haraldsson", "Olafur Haralldsson", True),  # one slip in the father's name
    ],
)
def test_icelandic_patronymics_are_compared_on_the_parents_names(
    a: str, b: str, same: bool
) -> None:
    batch = compare_lists([a], [b])[0]
    assert (batch >= NAME_MATCH) is same
    got = scalar.compare_names(_scalar_row(a), _scalar_row(b))
    assert got["name_sim"] == pytest.approx(batch, abs=1e-9)
