"""How much a name token says about identity: its information in bits, -log2 p(token).

p(token) is estimated from the reference side of a match (the watchlist, or the side being
indexed), smoothed towards a prior so that a 50-person watchlist does not make every token look
rare, and floored by the world-wide frequencies in `lexicon.COMMON_NAME_TOKENS`. This is the
term-frequency adjustment of Fellegi-Sunter models (Winkler, "Frequency-based matching in the
Fellegi-Sunter model of record linkage", US Census Bureau RR 2000/06), applied per token.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from tiaki.matching import lexicon
from tiaki.matching.normalize import phonetic_keys

# Smoothing: a token never seen behaves as if it had probability P0 in a population of
# PSEUDO_COUNT people. 1/4096 (12 bits) is about the share of the median surname in a large
# country (Forebears.io), so an unseen token is "fairly rare", not "unique".
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
    toks = list(lexicon.COMMON_NAME_TOKENS)
    keys = phonetic_keys(pl.Series([[t] for t in toks])).list.first()
    return (
        pl.DataFrame({"pk": keys, "prior": list(lexicon.COMMON_NAME_TOKENS.values())})
        .group_by("pk")
        .agg(pl.col("prior").max())
    )


@dataclass(frozen=True)
class TokenStats:
    """Document frequencies of phonetic keys on the reference side."""

    counts: pl.DataFrame  # columns pk (str), n (u32): records containing the key
    total: int  # number of records

    @classmethod
    def empty(cls) -> TokenStats:
        return cls(pl.DataFrame(schema={"pk": pl.String, "n": pl.UInt32}), 0)

    @classmethod
    def from_keys(cls, pkeys: pl.Series) -> TokenStats:
        """Count, for each phonetic key, how many records carry it (once per record)."""
        counts = (
            pl.DataFrame({"pk": pkeys.list.unique()})
            .explode("pk")
            .drop_nulls()
            .group_by("pk")
            .agg(pl.len().cast(pl.UInt32).alias("n"))
        )
        return cls(counts, len(pkeys))

    def bits(self, tokens: pl.Series, pkeys: pl.Series) -> pl.Series:
        """Weight in bits for every token of every name (List[Float64], same shape)."""
        flat = pl.DataFrame(
            {
                "row": pl.int_range(0, len(tokens), eager=True),
                "tok": tokens,
                "pk": pkeys,
            }
        ).explode(["tok", "pk"])
        flat = flat.with_row_index("ord")
        flat = flat.join(self.counts, on="pk", how="left").join(
            prior_table(), on="pk", how="left"
        )
        p_data = (pl.col("n").fill_null(0).cast(pl.Float64) + PSEUDO_COUNT * P0) / (
            self.total + PSEUDO_COUNT
        )
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
        out = (
            flat.sort("ord")
            .group_by("row", maintain_order=True)
            .agg(bits.alias("w"))
            .sort("row")
            .get_column("w")
        )
        # Names with no tokens explode to one null row; give them an empty list back.
        return out.list.drop_nulls()
