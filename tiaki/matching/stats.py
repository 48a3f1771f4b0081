"""How much a name token says about identity: its information in bits, -log2 p(token).

p(token) is estimated from the reference side of a match (the watchlist, or the side being
indexed), smoothed towards a prior so that a 50-person watchlist does not make every token look
rare, and floored by the world-wide frequencies in `lexicon.COMMON_NAME_TOKENS`, looked up by
phonetic key so that every spelling of Mohammed (and "mhmd" from Arabic script) is common.
This is the term-frequency adjustment of Fellegi-Sunter models (Winkler, "Frequency-based
matching in the Fellegi-Sunter model of record linkage", US Census Bureau RR 2000/06), applied
per token.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property, lru_cache

import polars as pl

from tiaki.matching import lexicon, romanise
from tiaki.matching.normalize import phonetic_keys

# Smoothing: a token never seen behaves as if it had probability P0 in a population of
# PSEUDO_COUNT people. The record being scored does not count as evidence that its own tokens
# are common (leave-one-out), which matters on short lists. 1/4096 (12 bits) is about the share
# of the median surname in a large country (Forebears.io), so an unseen token is "fairly rare",
# not "unique".
P0 = 2.0**-12
PSEUDO_COUNT = 2000.0
MIN_BITS = 0.5
MAX_BITS = 20.0
# Fixed weights, in bits, for tokens whose identifying power does not depend on the data.
PARTICLE_BITS = 1.0
INITIAL_BITS = 3.0
LEGAL_FORM_BITS = 1.0
STOPWORD_BITS = 0.5


@lru_cache(maxsize=1)
def prior_table() -> pl.DataFrame:
    """World-wide frequency floor per phonetic key (max over the spellings that share it)."""
    # Folded as the data's tokens are, so that "Fatimah" finds the floor of "fatima".
    toks = [romanise.fold(t)[-1] for t in lexicon.COMMON_NAME_TOKENS]
    keys = phonetic_keys(pl.Series([[t] for t in toks])).list.first()
    return (
        pl.DataFrame({"pk": keys, "prior": list(lexicon.COMMON_NAME_TOKENS.values())})
        .group_by("pk")
        .agg(pl.col("prior").max())
    )


@lru_cache(maxsize=1)
def _prior_of() -> dict[str, float]:
    t = prior_table()
    return dict(zip(t["pk"].to_list(), t["prior"].to_list(), strict=True))


_FIXED = [
    (lexicon.PARTICLES, PARTICLE_BITS),
    (lexicon.LEGAL_FORMS, LEGAL_FORM_BITS),
    (lexicon.ORG_STOPWORDS, STOPWORD_BITS),
]
SMALL = 8


@dataclass(frozen=True)
class TokenStats:
    """Document frequencies of phonetic keys on the reference side."""

    counts: pl.DataFrame  # columns tok (str), n (u32): records containing the token
    total: int  # number of records

    @classmethod
    def empty(cls) -> TokenStats:
        return cls(pl.DataFrame(schema={"tok": pl.String, "n": pl.UInt32}), 0)

    @classmethod
    def from_tokens(cls, tokens: pl.Series) -> TokenStats:
        """Count, for each token, how many records carry it (once per record)."""
        counts = (
            pl.DataFrame({"tok": tokens.list.unique()})
            .explode("tok")
            .drop_nulls()
            .group_by("tok")
            .agg(pl.len().cast(pl.UInt32).alias("n"))
        )
        return cls(counts, len(tokens))

    @classmethod
    def combine(cls, parts: list[TokenStats]) -> TokenStats:
        """Statistics of the union of disjoint sets of records."""
        if not parts:
            return cls.empty()
        counts = (
            pl.concat([p.counts for p in parts])
            .group_by("tok")
            .agg(pl.col("n").sum().cast(pl.UInt32))
        )
        return cls(counts, sum(p.total for p in parts))

    @cached_property
    def _count_of(self) -> dict[str, int]:
        return dict(zip(self.counts["tok"].to_list(), self.counts["n"].to_list(), strict=True))

    def token_bits(self, tok: str, pk: str) -> float:
        """`bits` for one token, in plain Python (the single-record path); same arithmetic."""
        if len(tok) == 1:
            return INITIAL_BITS
        for words, fixed in _FIXED:
            if tok in words:
                return fixed
        seen = max(self._count_of.get(tok, 0) - 1, 0)
        p_data = (seen + PSEUDO_COUNT * P0) / (self.total + PSEUDO_COUNT)
        p = max(p_data, _prior_of().get(pk, 0.0))
        return min(max(-(math.log(p) / math.log(2)), MIN_BITS), MAX_BITS)

    def bits(self, tokens: pl.Series, pkeys: pl.Series) -> pl.Series:
        """Weight in bits for every token of every name (List[Float64], same shape)."""
        if len(tokens) <= SMALL:
            # Polars' per-query overhead dominates for a record or two.
            return pl.Series(
                [
                    [self.token_bits(t, k) for t, k in zip(ts, ks, strict=True)]
                    for ts, ks in zip(tokens.to_list(), pkeys.to_list(), strict=True)
                ],
                dtype=pl.List(pl.Float64),
            )
        flat = pl.DataFrame(
            {
                "row": pl.int_range(0, len(tokens), eager=True),
                "tok": tokens,
                "pk": pkeys,
            }
        ).explode(["tok", "pk"])
        flat = flat.with_row_index("ord")
        flat = flat.join(self.counts, on="tok", how="left").join(prior_table(), on="pk", how="left")
        seen = (pl.col("n").fill_null(0).cast(pl.Float64) - 1).clip(lower_bound=0)
        p_data = (seen + PSEUDO_COUNT * P0) / (self.total + PSEUDO_COUNT)
        p = pl.max_horizontal(p_data, pl.col("prior").fill_null(0.0))
        bits = (-p.log(2)).clip(MIN_BITS, MAX_BITS)
        bits = (
            pl.when(pl.col("tok").is_null())
            .then(None)
            .when(pl.col("tok").str.len_chars() == 1)
            .then(INITIAL_BITS)
            .when(pl.col("tok").is_in(list(lexicon.PARTICLES)))
            .then(PARTICLE_BITS)
            .when(pl.col("tok").is_in(list(lexicon.LEGAL_FORMS)))
            .then(LEGAL_FORM_BITS)
            .when(pl.col("tok").is_in(list(lexicon.ORG_STOPWORDS)))
            .then(STOPWORD_BITS)
            .otherwise(bits)
        )
        per_row = flat.sort("ord").group_by("row", maintain_order=True).agg(bits.alias("w"))
        # Names without tokens may explode to a null row or to none: rebuild every row.
        out = (
            pl.DataFrame({"row": pl.int_range(0, len(tokens), eager=True)})
            .join(per_row, on="row", how="left")
            .sort("row")
            .get_column("w")
        )
        return out.fill_null([]).list.drop_nulls()
