"""How much a name token says about identity: its information in bits, -log2 p(token).

p(token) is estimated from the reference side of a match (the watchlist, or the side being
indexed), smoothed towards a prior so that a 50-person watchlist does not make every token look
rare, and floored by the world-wide frequencies in `lexicon.COMMON_NAME_TOKENS`, looked up by
phonetic key so that every spelling of Mohammed (and "mhmd" from Arabic script) is common.
This is the term-frequency adjustment of Fellegi-Sunter models (Winkler, "Frequency-based
matching in the Fellegi-Sunter model of record linkage", US Census Bureau RR 2000/06), applied
per token.

Tokens of one name are not independent: a Vietnamese "Ngoc" is usually followed by "Anh", a
Korean given name written "Seo-yeon" is two tokens for one choice, an Arabic "al-Harbi" is
most often a Khalid or a Mohammed. Summing each token's bits as if the tokens were drawn
independently counts that information twice and makes a common full name look like one person
in millions. So, where the reference side lists each person once (a watchlist), the records
that carry each *pair* of tokens are counted too, and a token's bits are conditioned on the
rarer tokens of the same name: bits(t_j) = min(-log2 p(t_j), min_i -log2 p(t_j | t_i)), with
p(t_j | t_i) smoothed towards p(t_j). This is the chain rule, -log2 p(t1, t2) = -log2 p(t1)
- log2 p(t2 | t1), with the joint approximated by the strongest pairwise dependence.
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
# Conditional frequencies p(t_j | t_i) are shrunk towards p(t_j) as if PAIR_PSEUDO_COUNT records
# with t_i had shown it: t_i has to be seen with t_j in many records before the two count as
# one name. (10, 20 and 50 give the same multi-script figures within 3 alerts; see 0007.)
PAIR_PSEUDO_COUNT = 20.0
# Bits are ranked rounded to this many decimals, so both paths order tied tokens alike.
RANK_DECIMALS = 9


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
    # Columns a, b (str, a < b), n (u32): records containing both tokens; None = not counted
    # (the reference side may hold one person several times: see `from_tokens`).
    pairs: pl.DataFrame | None = None
    # Occurrences of a token that belong to the pair being scored and so are no evidence of
    # how common it is: the reference record's own, and, when the counts include a sample of
    # the records screened (`engine.screening_reference`), the screened record's too. The
    # same discount whether or not a record fell in the sample keeps the answer independent
    # of chunking and of which path (batch or single record) scores it.
    discount: int = 1

    @classmethod
    def empty(cls) -> TokenStats:
        return cls(pl.DataFrame(schema={"tok": pl.String, "n": pl.UInt32}), 0)

    @classmethod
    def from_tokens(cls, tokens: pl.Series, pairs: bool = False) -> TokenStats:
        """Count, for each token, how many records carry it (once per record).

        With `pairs`, also count the records carrying each pair of tokens. Only for a side
        that lists each person once: where a file holds the same person twice (linking two
        files, de-duplicating one), the pairs sought would make their own names look common.
        """
        per_record = pl.DataFrame({"tok": tokens.list.unique()}).with_row_index("row")
        flat = per_record.explode("tok").drop_nulls()
        counts = flat.group_by("tok").agg(pl.len().cast(pl.UInt32).alias("n"))
        pair_counts = None
        if pairs:
            free = flat.filter(_free(pl.col("tok")))
            pair_counts = (
                free.join(free, on="row", suffix="_b")
                .filter(pl.col("tok") < pl.col("tok_b"))
                .group_by(a="tok", b="tok_b")
                .agg(pl.len().cast(pl.UInt32).alias("n"))
            )
        return cls(counts, len(tokens), pair_counts)

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
        pair_parts = [p.pairs for p in parts if p.pairs is not None]
        pairs = None
        if len(pair_parts) == len(parts):  # pairs only if every part counted them
            pairs = pl.concat(pair_parts).group_by("a", "b").agg(pl.col("n").sum().cast(pl.UInt32))
        return cls(counts, sum(p.total for p in parts), pairs)

    @cached_property
    def _count_of(self) -> dict[str, int]:
        return dict(zip(self.counts["tok"].to_list(), self.counts["n"].to_list(), strict=True))

    @cached_property
    def _pair_of(self) -> dict[tuple[str, str], int]:
        if self.pairs is None:
            return {}
        p = self.pairs
        return dict(zip(zip(p["a"].to_list(), p["b"].to_list(), strict=True),
                        p["n"].to_list(), strict=True))  # fmt: skip

    def record_bits(self, tokens: list[str], pkeys: list[str]) -> list[float]:
        """`bits` for the tokens of one name, in plain Python (the single-record path)."""
        w0 = [self.token_bits(t, k) for t, k in zip(tokens, pkeys, strict=True)]
        if self.pairs is None or len(tokens) < 2:
            return w0
        free = [_is_free(t) for t in tokens]
        rank = [round(w, RANK_DECIMALS) for w in w0]
        out = list(w0)
        for j, tj in enumerate(tokens):
            if not free[j]:
                continue
            pj = 2.0 ** -w0[j]
            for i, ti in enumerate(tokens):
                # Condition on the rarer tokens (ties: the earlier one), never on itself.
                if (
                    not free[i]
                    or ti == tj
                    or not (rank[i] > rank[j] or (rank[i] == rank[j] and i < j))
                ):
                    continue
                ni = max(self._count_of.get(ti, 0) - self.discount, 0)
                both = self._pair_of.get((ti, tj) if ti < tj else (tj, ti), 0)
                nij = max(both - self.discount, 0)
                p = (nij + PAIR_PSEUDO_COUNT * pj) / (ni + PAIR_PSEUDO_COUNT)
                out[j] = min(out[j], min(max(-(math.log(p) / math.log(2)), MIN_BITS), MAX_BITS))
        return out

    def token_bits(self, tok: str, pk: str) -> float:
        """`bits` for one token, in plain Python (the single-record path); same arithmetic."""
        if len(tok) == 1:
            return INITIAL_BITS
        for words, fixed in _FIXED:
            if tok in words:
                return fixed
        seen = max(self._count_of.get(tok, 0) - self.discount, 0)
        p_data = (seen + PSEUDO_COUNT * P0) / (self.total + PSEUDO_COUNT)
        p = max(p_data, _prior_of().get(pk, 0.0))
        return min(max(-(math.log(p) / math.log(2)), MIN_BITS), MAX_BITS)

    def bits(self, tokens: pl.Series, pkeys: pl.Series) -> pl.Series:
        """Weight in bits for every token of every name (List[Float64], same shape)."""
        if len(tokens) <= SMALL:
            # Polars' per-query overhead dominates for a record or two.
            return pl.Series(
                [
                    self.record_bits(ts, ks)
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
        seen = (pl.col("n").fill_null(0).cast(pl.Float64) - self.discount).clip(lower_bound=0)
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
        if self.pairs is not None:
            flat = self._conditioned(flat.with_columns(bits.alias("w")))
            bits = pl.col("w")
        per_row = flat.sort("ord").group_by("row", maintain_order=True).agg(bits.alias("w"))
        # Names without tokens may explode to a null row or to none: rebuild every row.
        out = (
            pl.DataFrame({"row": pl.int_range(0, len(tokens), eager=True)})
            .join(per_row, on="row", how="left")
            .sort("row")
            .get_column("w")
        )
        return out.fill_null([]).list.drop_nulls()

    def _conditioned(self, flat: pl.DataFrame) -> pl.DataFrame:
        """`record_bits`' conditioning for exploded tokens (row, ord, tok, n, w)."""
        assert self.pairs is not None
        free = flat.filter(pl.col("tok").is_not_null() & _free(pl.col("tok"))).select(
            "row", "ord", "tok", "w", rank=pl.col("w").round(RANK_DECIMALS),
            n=pl.col("n").fill_null(0).cast(pl.Int64),
        )  # fmt: skip
        x = free.join(free, on="row", suffix="_i").filter(
            (pl.col("tok") != pl.col("tok_i"))
            & (
                (pl.col("rank_i") > pl.col("rank"))
                | ((pl.col("rank_i") == pl.col("rank")) & (pl.col("ord_i") < pl.col("ord")))
            )
        )
        lo = pl.col("tok") < pl.col("tok_i")
        x = x.with_columns(
            a=pl.when(lo).then("tok").otherwise("tok_i"),
            b=pl.when(lo).then("tok_i").otherwise("tok"),
        ).join(self.pairs.rename({"n": "n_ij"}), on=["a", "b"], how="left")
        nij = (pl.col("n_ij").fill_null(0).cast(pl.Float64) - self.discount).clip(lower_bound=0)
        ni = (pl.col("n_i").cast(pl.Float64) - self.discount).clip(lower_bound=0)
        p = (nij + PAIR_PSEUDO_COUNT * (2.0 ** -pl.col("w"))) / (ni + PAIR_PSEUDO_COUNT)
        cond = x.group_by("ord").agg((-p.log(2)).clip(MIN_BITS, MAX_BITS).min().alias("c"))
        return flat.join(cond, on="ord", how="left").with_columns(
            w=pl.min_horizontal("w", pl.col("c").fill_null(pl.col("w")))
        )


def _is_free(tok: str) -> bool:
    """A token whose bits come from the data (not an initial, particle, legal form...)."""
    return len(tok) > 1 and not any(tok in words for words, _ in _FIXED)


def _free(tok: pl.Expr) -> pl.Expr:
    """`_is_free` as an expression."""
    fixed = [w for words, _ in _FIXED for w in words]
    return (tok.str.len_chars() > 1) & ~tok.is_in(fixed)
