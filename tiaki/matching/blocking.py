"""Candidate generation: which pairs are worth comparing at all.

Each record gets several blocking keys (Fellegi & Sunter 1969 call them "blocks"; Christen,
"A survey of indexing techniques for scalable record linkage", IEEE TKDE 2012, recommends a
union of several keys so that an error in one field does not lose the pair):

* ``p`` two name tokens' phonetic keys, sorted: any order, one typo in a third token;
* ``s`` one phonetic key, only when it is rare on the reference side;
* ``k`` one phonetic key plus the full date of birth: a typo in every other token;
* ``y`` one phonetic key plus the year of birth;
* ``b`` the full date of birth plus the first letter of a token: typos in every token;
* ``c`` one phonetic key plus the postcode, ``a`` two consecutive address words;
* ``d`` the document number, ``t`` the phone number, ``e`` the e-mail address;
* ``u`` the e-mail address's user name (a typo in the domain), ``o`` its domain (a typo in the
  user name; one vote, and only while few records share it);
* ``x`` the document number's characters sorted: transposed digits (Christen 2012, sec. 4.5).

Keys carried by more than ``MAX_BLOCK`` reference records (``CAPS`` for the weak kinds) are
dropped (they would only produce pairs that the model rejects), and a pair must collect
``MIN_VOTES`` votes (``p``, ``s``, ``k``, ``d``, ``t``, ``e`` count 2, the others 1), so a shared
token and a shared birth year alone are not enough. Each kind of key votes once however many
keys of that kind agree. Keys are joined with Polars' hash join.
"""

from __future__ import annotations

import polars as pl

from tiaki.matching import lexicon
from tiaki.matching.fields import MIN_USER

MAX_BLOCK = 300
# Weak keys (one vote) are only worth joining on while they are selective.
CAPS = {"y": 25, "b": 100, "c": 100, "a": 100, "x": 100, "u": 25, "o": 25}
RARE_TOKEN = 5
MIN_VOTES = 2
MAX_PAIR_TOKENS = 5  # name tokens used for pair keys: 5 tokens -> 10 keys

STRONG = ["p", "s", "k", "d", "t", "e", "u"]


def _usable_pk(pk: pl.Expr, tok: pl.Expr) -> pl.Expr:
    # Particles, initials and one-letter keys would put most of the data in one block.
    return (
        (pk.str.len_chars() >= 2) & (tok.str.len_chars() >= 2) & ~tok.is_in(list(lexicon.PARTICLES))
    )


def record_keys(norm: pl.DataFrame) -> pl.DataFrame:
    """All blocking keys of normalised records: columns ``row`` (u32) and ``key`` (str).

    Built as one lazy query so that Polars plans and runs it once (this matters for the
    single-record screener, where per-query overhead dominates).
    """
    base = norm.lazy().select(
        pl.int_range(0, pl.len(), dtype=pl.UInt32).alias("row"),
        "tok",
        "pk",
        "dob_y",
        "dob_m",
        "dob_d",
        "doc",
        "phone",
        "email",
        "postcode",
        "address",
    )
    toks = (
        base.select("row", "tok", "pk", "dob_y", "dob_m", "dob_d", "postcode")
        .explode(["tok", "pk"])
        .filter(_usable_pk(pl.col("pk"), pl.col("tok")))
        .unique(["row", "pk"], keep="first", maintain_order=True)
    )
    single = toks.select("row", ("s:" + pl.col("pk")).alias("key"))
    year = toks.filter(pl.col("dob_y").is_not_null()).select(
        "row", pl.format("y:{}:{}", "pk", "dob_y").alias("key")
    )
    full_dob = pl.col("dob_m").is_not_null() & pl.col("dob_d").is_not_null()
    tok_dob = toks.filter(full_dob).select(
        "row", pl.format("k:{}:{}-{}-{}", "pk", "dob_y", "dob_m", "dob_d").alias("key")
    )
    # Every token counts here, short ones too ("Tu", "Rei"): the date does the narrowing.
    dob = (
        base.filter(full_dob)
        .select("row", "tok", "dob_y", "dob_m", "dob_d")
        .explode("tok")
        .filter(pl.col("tok").is_not_null() & ~pl.col("tok").is_in(list(lexicon.PARTICLES)))
        .select(
            "row",
            pl.format(
                "b:{}-{}-{}:{}", "dob_y", "dob_m", "dob_d", pl.col("tok").str.slice(0, 1)
            ).alias("key"),
        )
    )
    post = toks.filter(pl.col("postcode").is_not_null()).select(
        "row", pl.format("c:{}:{}", "pk", "postcode").alias("key")
    )
    # Two consecutive address words ("hurley street"): specific without the postcode, which
    # has typos of its own.
    words = (
        base.filter(pl.col("address").is_not_null())
        .select("row", w=pl.col("address").str.split(" "))
        .explode("w")
        .filter((pl.col("w").str.len_chars() >= 3) & ~pl.col("w").str.contains(r"\d"))
        .with_columns(nxt=pl.col("w").shift(-1).over("row"))
    )
    addr = words.filter(pl.col("nxt").is_not_null()).select(
        "row", pl.format("a:{} {}", "w", "nxt").alias("key")
    )
    anagram = base.filter(pl.col("doc").str.len_chars() >= 5).select(
        "row", ("x:" + pl.col("doc").str.split("").list.sort().list.join("")).alias("key")
    )
    first = toks.group_by("row", maintain_order=True).head(MAX_PAIR_TOKENS)
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
    email = base.filter(pl.col("email").is_not_null()).select(
        "row",
        user=pl.col("email").str.extract(r"^(.+)@[^@]*$", 1),
        domain=pl.col("email").str.extract(r"@([^@]+)$", 1),
    )
    user = email.filter(pl.col("user").str.len_chars() >= MIN_USER).select(
        "row", ("u:" + pl.col("user")).alias("key")
    )
    domain = email.filter(pl.col("domain").is_not_null()).select(
        "row", ("o:" + pl.col("domain")).alias("key")
    )
    parts = [pairs, single, tok_dob, year, dob, post, addr, anagram, *exact, user, domain]
    return pl.concat(parts).unique().collect()


def index_keys(keys: pl.DataFrame) -> pl.DataFrame:
    """Reference-side keys worth joining on: common keys dropped, rare-token rule applied."""
    counts = keys.group_by("key").agg(pl.len().alias("n"))
    caps = {**CAPS, "s": RARE_TOKEN}
    cap = (
        pl.col("key").str.slice(0, 1).replace_strict(caps, default=MAX_BLOCK, return_dtype=pl.Int64)
    )
    ok = counts.filter(pl.col("n") <= cap)
    return keys.join(ok.select("key"), on="key", how="semi")


def vote(kind: pl.Expr) -> pl.Expr:
    """Votes of one kind of key (its first letter)."""
    return pl.when(kind.is_in(STRONG)).then(2).otherwise(1)


def candidates(query_keys: pl.DataFrame, ref_keys: pl.DataFrame) -> pl.DataFrame:
    """Pairs (``q`` query row, ``r`` reference row) with enough blocking votes."""
    joined = query_keys.join(ref_keys, on="key", suffix="_r").select(
        "row", "row_r", kind=pl.col("key").str.slice(0, 1)
    )
    # Each kind votes once per pair, however many of its keys agree.
    votes = vote(pl.col("kind").unique()).sum().alias("votes")
    return (
        joined.group_by("row", "row_r")
        .agg(votes)
        .filter(pl.col("votes") >= MIN_VOTES)
        .select(pl.col("row").alias("q"), pl.col("row_r").alias("r"))
    )
