"""A common full name is not one person in millions: tokens that go together are counted once.

A watchlist with many Vietnamese names built from a few family names and compound given names
("Ngoc Anh" is one given name in two words) beside 600 other people. Summing each token's
bits as if the tokens were independent made "Tran Ngoc Anh" worth about 20 bits, enough to
alert on a namesake born in the same year or whose year of birth is 20 years away (decision
0007, "Names whose tokens go together").
"""

from __future__ import annotations

import itertools

import numpy as np
import polars as pl
import pytest

from tiaki.matching import Screener, model, screen
from tiaki.matching.normalize import name_tokens, phonetic_keys
from tiaki.matching.stats import TokenStats

FAMILY = ["Nguyen", "Tran", "Le", "Pham", "Dang", "Huynh"]
GIVEN = ["Ngoc Anh", "Minh Tuan", "Quoc Bao", "Thu Ha", "Van An", "Thi Huong"]
LISTED = {"id": "T", "full_name": "Tran Ngoc Anh", "date_of_birth": "1975-06-14"}


def _dob(rng: np.random.Generator) -> str:
    y, m, d = int(rng.integers(1950, 2005)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
    return f"{y:04d}-{m:02d}-{d:02d}"


def _word(rng: np.random.Generator) -> str:
    return "".join(str(rng.choice(list("bcdfgklmnprstvz"))) + str(rng.choice(list("aeiou")))
                   for _ in range(3)).title()  # fmt: skip


@pytest.fixture(scope="module")
def watchlist() -> list[dict[str, str]]:
    rng = np.random.default_rng(7)
    rows = [
        {"id": f"V{k}", "full_name": f"{FAMILY[k % 6]} {GIVEN[(k // 6) % 6]}",
         "date_of_birth": _dob(rng)}
        for k in range(60)
    ]  # fmt: skip
    rows += [
        {"id": f"O{k}", "full_name": f"{_word(rng)} {_word(rng)}", "date_of_birth": _dob(rng)}
        for k in range(600)
    ]
    return [*rows, LISTED]


NAMESAKES = [
    {"id": "same-year", "full_name": "Ngoc Anh Tran", "date_of_birth": "1975-02-03"},
    {"id": "twenty-years", "full_name": "Ngoc Anh Tran", "date_of_birth": "1995-03-02"},
    {"id": "two-years", "full_name": "Ngoc Anh Tran", "date_of_birth": "1973-02-03"},
    {"id": "decades", "full_name": "Ngoc Anh Tran", "date_of_birth": "1955-02-03"},
]
THE_PERSON = {"id": "listed", "full_name": "Ngoc Anh Tran", "date_of_birth": "1975-06-14"}


def test_identical_common_name_with_another_dob_does_not_alert_in_batch(watchlist) -> None:
    alerts = screen(watchlist, [*NAMESAKES, THE_PERSON])
    assert alerts["right_id"].to_list() == ["listed"]
    assert alerts["left_id"].to_list() == ["T"]


def test_identical_common_name_with_another_dob_does_not_alert_in_screener(watchlist) -> None:
    s = Screener(watchlist)
    for rec in NAMESAKES:
        assert s.screen(rec) == [], rec["id"]
    alerts = s.screen(THE_PERSON)
    assert [a.watchlist_id for a in alerts] == ["T"]


def test_the_alert_still_explains_itself_in_words(watchlist) -> None:
    (alert,) = Screener(watchlist).screen(THE_PERSON)
    assert alert.explanation.startswith("name 1.0 (order differs")
    assert "dob exact" in alert.explanation
    batch = screen(watchlist, [THE_PERSON])
    assert batch["explanation"].to_list() == [alert.explanation]
    assert batch["score"].to_list() == [alert.score]


def _stats(names: list[str], pairs: bool) -> tuple[TokenStats, pl.Series, pl.Series]:
    tok = name_tokens(pl.Series(names))
    return TokenStats.from_tokens(tok, pairs=pairs), tok, phonetic_keys(tok)


def test_a_token_that_always_comes_with_another_adds_little() -> None:
    names = [f"{f} Ngoc Anh" for f in FAMILY] * 10 + [f"Person{k} Other{k}" for k in range(200)]
    st, _, _ = _stats(names, pairs=True)
    plain, _, _ = _stats(names, pairs=False)
    tok = name_tokens(pl.Series(["Tran Ngoc Anh"]))
    t, k = tok.to_list()[0], phonetic_keys(tok).to_list()[0]
    w, w_plain = st.record_bits(t, k), plain.record_bits(t, k)
    # "ngoc" and "anh" are seen together 60 times out of 60: one of them is nearly free ...
    assert min(w[1:]) < 1.0 < min(w_plain[1:])
    # ... and no token ever gains bits from the pair counts.
    assert all(a <= b for a, b in zip(w, w_plain, strict=True))


def test_pairs_are_counted_only_where_asked_and_both_paths_agree() -> None:
    names = [f"{f} {g}" for f in FAMILY for g in GIVEN] * 3 + ["Mere Ngata"]
    st, tok, pk = _stats(names, pairs=True)
    plain, _, _ = _stats(names, pairs=False)
    assert plain.pairs is None and st.pairs is not None
    batch = st.bits(tok, pk).to_list()  # the Polars path (more than `stats.SMALL` names)
    single = [st.record_bits(t, k) for t, k in zip(tok.to_list(), pk.to_list(), strict=True)]
    assert [len(b) for b in batch] == [len(s) for s in single]
    assert list(itertools.chain(*batch)) == pytest.approx(list(itertools.chain(*single)), abs=1e-9)
    # Combining chunks keeps the pairs only when every chunk counted them.
    assert TokenStats.combine([st, st]).pairs is not None
    assert TokenStats.combine([st, plain]).pairs is None


@pytest.fixture(scope="module")
def with_nationality(watchlist) -> list[dict[str, str]]:
    """The same list with the Vietnamese names' nationality, the others' from a few countries."""
    others = ["NZL", "FJI", "WSM", "TON", "AUS"]
    return [
        {**row, "nationality": "VNM" if row["id"][0] in "VT" else others[i % len(others)]}
        for i, row in enumerate(watchlist)
    ]


def test_nationality_that_goes_with_the_name_does_not_make_a_namesake(with_nationality) -> None:
    namesakes = [{**rec, "nationality": "VNM"} for rec in NAMESAKES]
    person = {**THE_PERSON, "nationality": "VNM"}
    alerts = screen(with_nationality, [*namesakes, person])
    assert alerts["right_id"].to_list() == ["listed"]
    s = Screener(with_nationality)
    assert [s.screen(r) for r in namesakes] == [[]] * len(namesakes)
    assert "nationality same" in s.screen(person)[0].explanation


def test_a_watchlist_alone_keeps_the_date_of_birth_decisive() -> None:
    # A watchlist holds no pair of records of one person: nothing to learn m from. Before, on
    # 200 people in ten scripts with a sex and their script's nationality, EM took people of
    # one nationality with alike names for matches and "years apart" fell to -0.5 bits.
    from bench import multiscript

    watch, _, _, _ = multiscript.generate(per_script=20, strangers=0, attributes=True)
    words = Screener(watch.to_dicts()).ref.params.describe()
    assert words["dob"]["years apart"]["bits"] < -8
    assert words["dob"]["exact"]["bits"] > 12


def test_agreeing_on_a_field_that_goes_with_the_name_is_weak_evidence() -> None:
    # 5,000 pairs of different people with alike names, 95 % of one nationality and of
    # either sex: against random pairs (u 0.1) "nationality same" was worth 3.2 bits.
    base = {"sex": np.array([0.5, 0.5]), "nat": np.array([0.1, 0.9])}
    lv = {"sex": np.array([0, 1] * 2_500), "nat": np.array([0] * 4_750 + [1] * 250)}
    u = model.estimate_u_alike(lv, base)
    assert u["nat"][0] == pytest.approx((4_750 + 200) / 7_000)
    assert u["sex"] == pytest.approx([0.5, 0.5])
    m = model.Params.priors().m
    assert np.log2(m["nat"][0] / u["nat"][0]) < 0.5 < np.log2(m["nat"][0] / base["nat"][0]) - 2


def test_names_common_among_the_travellers_need_more_than_a_namesake() -> None:
    """A short watchlist lists each name once, so on its own an identical full name looks like
    one person in millions. The travellers screened show which names are common: namesakes of
    a listed person, born the same day and month some years apart, do not alert once the index
    counts them (they did when it counted the watchlist alone), and the listed person still does.
    """
    watch = [{"id": "W1", "full_name": "Tran Ngoc Anh", "date_of_birth": "1985-03-14"},
             {"id": "W2", "full_name": "Kim Min-jun", "date_of_birth": "1979-11-02"}]  # fmt: skip
    travellers = [
        {"id": f"N{year}", "full_name": "Tran Ngoc Anh", "date_of_birth": f"{year}-03-14"}
        for year in (1961, 1997, 2003)
    ] + [
        {"id": f"K{year}", "full_name": "Kim Minjun", "date_of_birth": f"{year}-11-02"}
        for year in (1958, 1993)
    ] + [
        {"id": f"S{i}", "full_name": name, "date_of_birth": "1990-01-01"}
        for i, name in enumerate(["Nguyen Ngoc Anh", "Tran Van An", "Kim Seo-yeon", "Park Minjun",
                                  "Tran Thi Huong", "Le Ngoc Anh", "Kim Jihun", "Lee Minjun"])
    ] + [
        {"id": "T1", "full_name": "Ngoc Anh Tran", "date_of_birth": "1985-03-14"},
        {"id": "T2", "full_name": "Kim Minjun", "date_of_birth": "1979-11-02"},
    ]  # fmt: skip
    alone = {r for r in screen(watch, travellers, chunk_size=4)["right_id"].to_list()}
    assert {"T1", "T2"} <= alone
    batch = screen(watch, travellers)
    assert sorted(batch["right_id"].to_list()) == ["T1", "T2"]
    s = Screener(watch, sample=travellers)
    assert [r["id"] for r in travellers if s.screen(r)] == ["T1", "T2"]
