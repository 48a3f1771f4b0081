"""Candidate generation: which pairs are worth comparing at all.

Each record gets several blocking keys (Fellegi & Sunter 1969 call them "blocks"; Christen,
"A survey of indexing techniques for scalable record linkage", IEEE TKDE 2012, recommends a
union of several keys so that an error in one field does not lose the pair):

* ``p`` two name tokens' phonetic keys, sorted: any order, one typo in a third token;
* ``s`` one phonetic key, only when it is rare on the reference side;
* ``y`` one phonetic key plus the year of birth: a typo in every other token;
* ``b`` the full date of birth plus the first letter of a token: typos in every token;
* ``d`` the document number, ``t`` the phone number, ``e`` the e-mail address.

Keys carried by more than ``MAX_BLOCK`` reference records are dropped (they would only produce
pairs that the model rejects), and a pair must collect ``MIN_VOTES`` votes (``p``, ``s``, ``d``,
``t``, ``e`` count 2, ``y`` and ``b`` count 1), so a shared token and a shared birth year alone
are not enough. Keys are joined with Polars' hash join.
"""

from __future__ import annotations

import polars as pl

from tiaki.matching import lexicon

MAX_BLOCK = 300
RARE_TOKEN = 5
MIN_VOTES = 2
MAX_PAIR_TOKENS = 5  # name tokens used for pair keys: 5 tokens -> 10 keys

_STRONG = ["p", "s", "d", "t", "e"]


def _usable_pk(pk: pl.Expr, tok: pl.Expr) -> pl.Expr:
    # Particles, initials and one-letter keys would put most of the data in one block.
    return (pk.str.len_chars() >= 2) & (tok.str.len_chars() >= 2) & ~tok.is_in(
        list(lexicon.PARTICLES)
    )


def record_keys(norm: pl.DataFrame) -> pl.DataFrame:
    """All blocking keys of normalised records: columns ``row`` (u32) and ``key`` (str)."""
    base = norm.select(
        pl.int_range(0, pl.len(), dtype=pl.UInt32).alias("row"), "tok", "pk", "dob_y", "dob_m",
        "dob_d", "doc", "phone", "email",
    )  # fmt: skip
    toks = (
        base.select("row", "tok", "pk", "dob_y", "dob_m", "dob_d")
        .explode(["tok", "pk"])
        .filter(_usable_pk(pl.col("pk"), pl.col("tok")))
        .unique(["row", "pk"])
    )
    single = toks.select("row", ("s:" + pl.col("pk")).alias("key"))
    year = toks.filter(pl.col("dob_y").is_not_null()).select(
        "row", pl.format("y:{}:{}", "pk", "dob_y").alias("key")
    )
    full_dob = pl.col("dob_m").is_not_null() & pl.col("dob_d").is_not_null()
    dob = toks.filter(full_dob).select(
        "row",
        pl.format("b:{}-{}-{}:{}", "dob_y", "dob_m", "dob_d", pl.col("tok").str.slice(0, 1)).alias(
            "key"
        ),
    )
    first = toks.sort("row").group_by("row", maintain_order=True).head(MAX_PAIR_TOKENS)
    pairs = (
        first.select("row", pl.col("pk").alias("a"))
        .join(first.select("row", pl.col("pk").alias("b")), on="row")
        .filter(pl.col("a") < pl.col("b"))
        .select("row", pl.format("p:{}|{}", "a", "b").alias("key"))
    )
    exact = [
        base.filter(pl.col(col).is_not_null()).select("row", (prefix + pl.col(col)).alias("key"))
        for prefix, col in (("d:", "doc"), ("t:", "phone"), ("e:", "email"))
    ]
    return pl.concat([pairs, single, year, dob, *exact]).unique()


def index_keys(keys: pl.DataFrame) -> pl.DataFrame:
    """Reference-side keys worth joining on: common keys dropped, rare-token rule applied."""
    counts = keys.group_by("key").agg(pl.len().alias("n"))
    ok = counts.filter(
        (pl.col("n") <= MAX_BLOCK)
        & (~pl.col("key").str.starts_with("s:") | (pl.col("n") <= RARE_TOKEN))
    )
    return keys.join(ok.select("key"), on="key", how="semi")


def _votes() -> pl.Expr:
    strong = pl.col("key").str.slice(0, 1).is_in(_STRONG)
    return pl.when(strong).then(2).otherwise(1).sum().alias("votes")


def candidates(query_keys: pl.DataFrame, ref_keys: pl.DataFrame) -> pl.DataFrame:
    """Pairs (``q`` query row, ``r`` reference row) with enough blocking votes."""
    joined = query_keys.join(ref_keys, on="key", suffix="_r")
    return (
        joined.group_by("row", "row_r")
        .agg(_votes())
        .filter(pl.col("votes") >= MIN_VOTES)
        .select(pl.col("row").alias("q"), pl.col("row_r").alias("r"))
    )
