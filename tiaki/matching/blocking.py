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

from dataclasses import dataclass

import numpy as np
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


# Every kind of key, as one bit of a pair's set of agreeing kinds (``candidates``).
KINDS = "pskybcadteuox"
_BIT = {kind: 1 << i for i, kind in enumerate(KINDS)}
_STRONG_BITS = sum(_BIT[k] for k in STRONG)
_WEAK_BITS = sum(_BIT.values()) - _STRONG_BITS
_PACK = 1 << 32  # a pair's query and reference rows (UInt32 each) in one UInt64
_SEED = 0x71A61  # any fixed seed: key hashes only have to agree within one process


def _kind_bit(key: pl.Expr) -> pl.Expr:
    return key.str.slice(0, 1).replace_strict(_BIT, return_dtype=pl.UInt16)


# Votes of every set of agreeing kinds (a bit set): two for each strong kind, one for another.
_VOTES = np.array([2 * (b & _STRONG_BITS).bit_count() + (b & _WEAK_BITS).bit_count()
                   for b in range(1 << len(KINDS))], dtype=np.int32)


def _voted_pairs(pair: np.ndarray, bit: np.ndarray) -> np.ndarray:
    """The pairs (``pair``: packed rows, or one query's reference rows) with enough votes from
    their agreeing keys (``bit``: each key's kind), sorted: each kind votes once per pair,
    however many of its keys agree. Sorted and reduced in NumPy: a Polars group-by of the
    pairs cost ten times more."""
    if not len(pair):
        return pair
    order = np.argsort(pair, kind="stable")
    pair, bit = pair[order], bit[order]
    starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
    kinds = np.bitwise_or.reduceat(bit, starts)
    return pair[starts][_VOTES[kinds] >= MIN_VOTES]


def _voted(pair: np.ndarray, bit: np.ndarray) -> pl.DataFrame:
    """Candidates from agreeing keys (``pair`` the packed rows, ``bit`` the key's kind), in
    (query, reference) row order."""
    keep = _voted_pairs(pair, bit)
    return pl.DataFrame({"q": (keep // _PACK).astype(np.uint32),
                         "r": (keep % _PACK).astype(np.uint32)},
                        schema={"q": pl.UInt32, "r": pl.UInt32})


def candidates(query_keys: pl.DataFrame, ref_keys: pl.DataFrame) -> pl.DataFrame:
    """Pairs (``q`` query row, ``r`` reference row) with enough blocking votes."""
    joined = query_keys.join(ref_keys, on="key", suffix="_r").select(
        pair=pl.col("row").cast(pl.UInt64) * _PACK + pl.col("row_r").cast(pl.UInt64),
        bit=_kind_bit(pl.col("key")),
    )
    return _voted(joined["pair"].to_numpy(), joined["bit"].to_numpy())


@dataclass(frozen=True)
class KeyIndex:
    """Reference-side keys sorted by a 64-bit hash, built once: a query chunk's keys are found
    by binary search (``lookup``) instead of a hash join that hashed every reference key
    again for every chunk (a million keys for a 100,000-entry watchlist)."""

    hashes: np.ndarray  # sorted
    rows: np.ndarray  # reference row of each key, in hash order
    bits: np.ndarray  # its kind's bit (``KINDS``)
    keys: pl.Series  # the keys themselves, in hash order: a hash match is checked on them

    @classmethod
    def build(cls, keys: pl.DataFrame) -> KeyIndex:
        hashes = hash_keys(keys["key"])
        order = np.argsort(hashes, kind="stable")
        bits = keys.select(_kind_bit(pl.col("key")))["key"].to_numpy()
        return cls(hashes[order], keys["row"].to_numpy()[order], bits[order],
                   keys["key"].gather(order))

    def lookup(self, query_keys: pl.DataFrame) -> pl.DataFrame:
        """``candidates(query_keys, ref_keys)`` for the keys this index was built from."""
        hashes = hash_keys(query_keys["key"])
        found = self.hashes.searchsorted(hashes, side="left")
        ends = self.hashes.searchsorted(hashes, side="right")
        n = ends - found
        total = int(n.sum())
        at = np.repeat(np.arange(len(n)), n)
        pos = np.repeat(found - (np.cumsum(n) - n), n) + np.arange(total)
        same = (self.keys.gather(pos) == query_keys["key"].gather(at)).to_numpy()
        at, pos = at[same], pos[same]
        pair = (query_keys["row"].to_numpy()[at].astype(np.uint64) * np.uint64(_PACK)
                + self.rows[pos].astype(np.uint64))
        return _voted(pair, self.bits[pos])

    def record_rows(self, keys: list[str]) -> np.ndarray:
        """``lookup`` for one record's keys: the reference rows with enough votes, sorted.

        Plain NumPy on a handful of keys (the single-record ``Screener``): building frames
        for one record would cost more than the search. A 64-bit hash match is taken as a
        key match here; ``lookup`` also compares the keys, a check that a chance collision
        (about one in 10^12 per key against a million) could not change a vote count often
        enough to matter, and that would cost a Polars call per record."""
        hashes = hash_keys(pl.Series(keys, dtype=pl.String))
        found = self.hashes.searchsorted(hashes, side="left")
        n = self.hashes.searchsorted(hashes, side="right") - found
        pos = np.repeat(found - (np.cumsum(n) - n), n) + np.arange(int(n.sum()))
        return _voted_pairs(self.rows[pos], self.bits[pos])


def hash_keys(keys: pl.Series) -> np.ndarray:
    return keys.hash(seed=_SEED).to_numpy()
