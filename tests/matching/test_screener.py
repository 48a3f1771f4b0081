"""The single-record Screener agrees with batch screening."""

from __future__ import annotations

import pytest

from tiaki.matching import MatchInputError, Screener, screen

WATCH = [
    {"id": "W1", "full_name": "Сергей Иванов", "date_of_birth": "1980-03-05", "nationality": "RUS"},
    {"id": "W2", "full_name": "Mere Ngata", "date_of_birth": "1999-09-09"},
]
RECORDS = [
    {"id": "R1", "full_name": "IVANOV Sergei", "date_of_birth": "1980-03-05"},
    {"id": "R2", "full_name": "Mere Ngatta", "date_of_birth": "1999-09-09"},
    {"id": "R3", "full_name": "Nobody Known"},
]


def test_screener_matches_batch() -> None:
    s = Screener(WATCH)
    assert len(s) == 2
    batch = screen(WATCH, RECORDS)
    for rec in RECORDS:
        single = [(a.watchlist_id, a.score, a.explanation) for a in s.screen(rec)]
        expected = [(w, sc, e) for w, r, sc, e in batch.iter_rows() if r == rec["id"]]
        assert single == expected


def test_screener_compares_unparsed_date_as_text() -> None:
    alerts = Screener(WATCH).screen(
        {"id": "x", "full_name": "Mere Ngata", "date_of_birth": "1999-09-O9"}
    )
    assert [a.watchlist_id for a in alerts] == ["W2"]
    assert "dob" in alerts[0].explanation


def test_screener_model_is_estimated_and_stored_with_the_index() -> None:
    params = Screener(WATCH).ref.params
    assert params.pairs_for_u > 0
    assert params.describe()["dob"]["years apart"]["bits"] < -3


def test_screener_strictness_is_the_callers() -> None:
    with pytest.raises(MatchInputError, match="date_of_birth"):
        Screener(WATCH, strict=True).screen(
            {"id": "x", "full_name": "A", "date_of_birth": "1990-1-1"}
        )
