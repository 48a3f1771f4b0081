"""Dedupe on dirty person records: e-mail addresses graded, a given name against a family name
is not a contradiction.

The records are made up for each rule (not taken from Splink's fake_1000, which
`bench/fake1000.py` measures).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import pytest

from tiaki.matching import Screener, dedupe, fields, model, screen


def _score(a: dict[str, Any], b: dict[str, Any]) -> tuple[float, str]:
    out = dedupe([{"id": "A", **a}, {"id": "B", **b}], threshold=0.0)
    assert out.height == 1
    return float(out["score"][0]), str(out["explanation"][0])


BASE = {"given_name": "Aroha", "family_name": "Tane", "date_of_birth": "1990-04-05"}


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("aroha.tane@example.org", "aroha.tane@example.org", "same"),
        ("aroha.tane@example.org", "aroha.tane@exmaple.com", "same user name"),
        ("aroha.tane@example.org", "arohatane@example.org", "one or two characters off"),
        ("aroha.tane@example.org", "aroah.tame@example.org", "one or two characters off"),
        ("aroha.tane@example.org", "mere.ngata@example.org", "differs"),
        # Initials are not a user name worth the level: "a.t" at two domains is two people.
        ("a.t@example.org", "a.t@sample.net", "differs"),
    ],
)
def test_email_levels(a: str, b: str, level: str) -> None:
    _, why = _score({**BASE, "email": a}, {**BASE, "email": b})
    assert f"email {level}" in why


def test_email_slip_is_evidence_not_a_contradiction() -> None:
    bits = model.Params.priors().bits()["email"]
    same, user, close, differs = (bits[i] for i in range(len(fields.EMAIL_LEVELS)))
    assert same > user > close > 0 > differs
    # Random pairs that show no slip at all do not make a slip worth more than the prior says.
    lv = {k: np.full(1_000, fields.NULL, dtype=np.int8) for k in fields.LEVELS}
    lv["email"] = np.full(1_000, fields.EMAIL_DIFFERS, dtype=np.int8)
    u = model.estimate_u(lv, model.Params.priors())["email"]
    assert u[fields.EMAIL_CLOSE] >= model.PRIORS["email"][fields.EMAIL_CLOSE][1]


def test_given_name_against_family_name_is_no_evidence() -> None:
    rec = {"date_of_birth": "1990-04-05", "email": "aroha.tane@example.org"}
    only_given = {**rec, "given_name": "Aroha"}
    only_family = {**rec, "family_name": "Tane"}
    _, why = _score(only_given, only_family)
    _, nameless = _score(rec, only_family)
    assert why == nameless == "dob exact, email same"  # nothing compared, nothing said
    # Two given names that differ do contradict each other.
    _, other_given = _score(only_given, {**rec, "given_name": "Mere"})
    assert "conflicting name" in other_given or other_given.startswith("name 0.")


def test_swapped_given_and_family_name_is_evidence() -> None:
    score, why = _score(
        {"given_name": "Tane", "family_name": "Aroha", "date_of_birth": "1990-04-05"}, BASE
    )
    assert why.startswith("name 1.0") and score >= 0.8


def test_screener_agrees_on_email_and_name_parts() -> None:
    watch = [
        {"id": "W1", "given_name": "Aroha", "date_of_birth": "1990-04-05",
         "email": "aroha.tane@example.org"},
        {"id": "W2", "family_name": "Ngata", "date_of_birth": "1971-01-09",
         "email": "mngata@sample.net"},
    ]  # fmt: skip
    recs = [
        {"id": "R1", "family_name": "Tane", "date_of_birth": "1990-04-05",
         "email": "aroha.tane@exampel.org"},
        {"id": "R2", "given_name": "Mere", "family_name": "Ngata", "date_of_birth": "1971-01-09",
         "email": "mngata@sample.nz"},
    ]  # fmt: skip
    batch = screen(watch, recs, threshold=0.0)
    one = Screener(watch, threshold=0.0, sample=recs)
    for row in recs:
        got = {(a.watchlist_id, round(a.score, 4), a.explanation) for a in one.screen(row)}
        want = {(w, s, e) for w, r, s, e in batch.iter_rows() if r == row["id"]}
        assert got and got == want


@pytest.mark.parametrize(
    ("email", "user"),
    [("aroha.tane@example.org", "aroha.tane"), ("em@aosn@ware.com", "em@aosn"),
     ("a.t@example.org", None), ("no-at-sign", None), ("aroha.tane@", "aroha.tane")],
)  # fmt: skip
def test_user_name_rule_is_the_same_on_both_paths(email: str, user: str | None) -> None:
    assert fields.user_name(email) == user
    assert pl.select(fields._user(pl.lit(email))).item() == user
