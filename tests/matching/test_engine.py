"""screen / link / dedupe: date tolerance, evidence, generic names, explanations, chunking."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from tiaki.matching import MatchInputError, dedupe, link, screen

WATCH = [
    {
        "id": "W1",
        "full_name": "Сергей Иванов",
        "date_of_birth": "1980-03-05",
        "nationality": "RUS",
        "sex": "M",
        "document_number": "751234567",
    },
    {"id": "W2", "full_name": "Oleksandr Zhukovskyi"},
    {"id": "W3", "full_name": "John Smith"},
    {"id": "W4", "given_name": "Mohammed", "family_name": "Ali", "date_of_birth": "1990-01-02"},
    {"id": "W5", "full_name": "Thi Hoa Nguyen", "date_of_birth": "1994-07-21", "sex": "F"},
]


def _alerts(records: list[dict[str, Any]], **kw: Any) -> dict[str, tuple[str, float, str]]:
    out = screen(WATCH, records, **kw)
    return {r: (w, s, e) for w, r, s, e in out.iter_rows()}


def test_transliterated_name_with_swapped_date_alerts_and_explains() -> None:
    got = _alerts(
        [
            {
                "id": "R1",
                "given_name": "Sergei",
                "family_name": "Ivanov",
                "date_of_birth": "1980-05-03",
                "nationality": "RUS",
                "sex": "M",
            }
        ]
    )
    watch_id, score, why = got["R1"]
    assert watch_id == "W1" and score > 0.9
    assert "transliterated: Сергей Иванов→sergey ivanov" in why
    assert "dob day/month swapped" in why and "nationality same" in why


@pytest.mark.parametrize(
    ("dob", "level"),
    [
        ("1994-07-21", "dob exact"),
        ("1994-07", "dob agrees on year and month"),
        ("1994-07-12", "dob one digit off"),
        ("1994-07-31", "dob one digit off"),  # day digits transposed
        ("1949-07-21", "dob one digit off"),  # year digits transposed
        ("1994-01-21", "dob one digit off"),  # month mistyped
        ("19940721", "dob exact"),  # ISO 8601 basic format
        ("1994-07-2l", "dob one character off as written"),  # not a date: compared as text
    ],
)
def test_date_of_birth_tolerance(dob: str, level: str) -> None:
    rec = {"id": "R", "full_name": "Nguyen Thi Hoa", "date_of_birth": dob, "sex": "F"}
    watch_id, _, why = _alerts([rec])["R"]
    assert watch_id == "W5" and level in why and "order differs" in why


def test_unparsed_value_is_refused_only_when_strict() -> None:
    rec = {"id": "R", "full_name": "Nguyen Thi Hoa", "date_of_birth": "1994-21-07"}
    with pytest.raises(MatchInputError, match="records line 2, field date_of_birth"):
        screen(WATCH, [rec], strict=True)
    with pytest.raises(MatchInputError, match="field nationality"):
        screen(WATCH, [{"id": "R", "full_name": "X", "nationality": "New Zealand"}], strict=True)


def test_full_date_years_away_outweighs_identical_name() -> None:
    """A namesake born decades apart is a different person, however rare the name."""
    far = _alerts(
        [{"id": "R", "full_name": "Oleksandr Zhukovskyi", "date_of_birth": "1950-06-01"}],
    )
    assert "R" in far  # the entry has no date: the name alone decides
    watch = [*WATCH, {"id": "W6", "full_name": "Tevita Fifita", "date_of_birth": "1982-04-11"}]
    rec = {"id": "R", "full_name": "Tevita Fifita", "date_of_birth": "1961-09-30"}
    out = screen(watch, [rec], threshold=0.0)
    assert out["score"][0] < 0.5 and "dob years apart" in out["explanation"][0]
    near = screen(watch, [{**rec, "date_of_birth": "1982-04-12"}])
    assert near.height == 1 and "dob one digit off" in near["explanation"][0]


def test_date_that_differs_counts_against() -> None:
    same = _alerts([{"id": "R", "full_name": "Mohammed Ali", "date_of_birth": "1990-01-02"}])
    assert "R" in same
    other = _alerts(
        [{"id": "R", "full_name": "Mohammed Ali", "date_of_birth": "1971-11-30"}], threshold=0.0
    )
    assert other["R"][1] < 0.1 and "dob years apart" in other["R"][2]


def test_common_name_alone_stays_below_threshold_rare_name_alerts() -> None:
    got = _alerts(
        [
            {"id": "C", "full_name": "Mohammed Ali"},
            {"id": "S", "full_name": "John Smith"},
            {"id": "R", "full_name": "Oleksandr Zhukovskyi"},
        ]
    )
    assert "C" not in got and "S" not in got
    assert got["R"][0] == "W2"


def test_document_number_is_evidence() -> None:
    base = {"id": "R", "full_name": "S. Ivanov", "nationality": "RUS"}
    without = _alerts([base], threshold=0.0)["R"][1]
    with_doc = _alerts([{**base, "document_number": "75 1234567"}], threshold=0.0)["R"]
    assert with_doc[1] > without and "document number same" in with_doc[2]


def test_scores_are_probabilities_and_threshold_applies() -> None:
    out = screen(WATCH, [{"id": "R", "full_name": "John Smith", "date_of_birth": "1960"}], 0.0)
    assert out["score"].is_between(0, 1).all()
    assert screen(WATCH, [{"id": "R", "full_name": "Ivan Petrov"}], 0.99).is_empty()


def test_link_and_dedupe() -> None:
    left = [
        {"id": "L1", "full_name": "Anna Kowalska", "date_of_birth": "1985-02-03"},
        {"id": "L2", "full_name": "Piotr Nowak", "date_of_birth": "1979-12-30"},
    ]
    right = [{"id": "R9", "full_name": "KOWALSKA Anna", "date_of_birth": "1985-02-03"}]
    pairs = link(left, right)
    assert pairs.select("left_id", "right_id").rows() == [("L1", "R9")]
    recs = [*left, {"id": "L3", "full_name": "Ana Kowalska", "date_of_birth": "1985-03-02"}]
    assert dedupe(recs).select("left_id", "right_id").rows() == [("L1", "L3")]


def _population(n: int) -> pl.DataFrame:
    given = ["Anna", "Ivan", "Maria", "Li", "Ahmed", "Siosaia", "Mere", "Tomasz"]
    family = ["Kowalska", "Petrov", "Nguyen", "Wang", "Hassan", "Taufa", "Ngata", "Nowak"]
    return pl.DataFrame(
        {
            "id": [f"P{i}" for i in range(n)],
            "given_name": [given[i % len(given)] for i in range(n)],
            "family_name": [family[(i * 3) % len(family)] for i in range(n)],
            "date_of_birth": [
                f"{1950 + i % 40}-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(n)
            ],
        }
    )


@pytest.mark.parametrize("fn", ["screen", "dedupe"])
def test_chunked_equals_unchunked(fn: str) -> None:
    pop = _population(60)
    noisy = pop.with_columns(pl.col("family_name").str.replace("a", "aa"), id="Q" + pl.col("id"))
    if fn == "screen":
        whole = screen(pop, noisy, 0.0, chunk_size=10_000)
        parts = screen(pop, noisy, 0.0, chunk_size=7)
    else:
        both = pl.concat([pop, noisy])
        whole, parts = dedupe(both, 0.0, chunk_size=10_000), dedupe(both, 0.0, chunk_size=7)
    assert whole.height > 0
    assert whole.equals(parts)


def test_missing_id_column_is_a_clear_error() -> None:
    with pytest.raises(MatchInputError, match="missing required column 'id'"):
        screen(WATCH, [{"full_name": "X"}])


def test_key_index_finds_the_candidates_of_the_hash_join() -> None:
    """Batch screening looks a chunk's keys up in the reference's sorted `KeyIndex`; the
    pairs must be those of the join of the keys (`blocking.candidates`), votes and all."""
    import random

    from tiaki.matching import blocking
    from tiaki.matching.engine import as_frame, screening_reference
    from tiaki.matching.records import normalise

    rng = random.Random(7)
    first, last = ["Anna", "Ivan", "Li", "Mohammed", "Jose"], ["Smith", "Ivanov", "Wu", "Khan"]

    def person(i: int) -> dict[str, str]:
        return {"id": str(i), "given_name": rng.choice(first), "family_name": rng.choice(last),
                "date_of_birth": f"19{rng.randrange(60, 70)}-0{rng.randrange(1, 4)}-1"
                                 f"{rng.randrange(3)}",
                "document_number": f"P{rng.randrange(300):05d}",
                "email": f"u{rng.randrange(50)}@example.org"}

    ref = screening_reference(as_frame([person(i) for i in range(400)]))
    query = normalise(as_frame([person(i) for i in range(300)]), ref.stats)
    keys = blocking.record_keys(query)
    joined = blocking.candidates(keys, ref.keys).sort("q", "r")
    found = ref.key_index.lookup(keys)
    assert not joined.is_empty()
    assert found.equals(joined)
    assert ref.key_index.lookup(keys.head(0)).is_empty()
    # One record at a time (the `Screener`): the same reference rows for every query row.
    for q, own in keys.group_by("row", maintain_order=True):
        want = joined.filter(pl.col("q") == q[0])["r"].to_list()
        assert ref.key_index.record_rows(own["key"].to_list()).tolist() == want
    assert ref.key_index.record_rows([]).tolist() == []
