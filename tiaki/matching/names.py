"""Vectorised comparison of names, token by token.

Each name is a bag of tokens with weights in bits (see `stats`). For a candidate pair every
token of one name is scored against every token of the other with RapidFuzz (`process.cpdist`,
all pairs in one call, on both cores); each token keeps its best partner, in both directions.
This is the symmetric Monge-Elkan measure (Monge & Elkan, "The field matching problem", KDD
1996) weighted by token information, which tolerates any name order and extra middle names.
Three rules on top make it fit people's names:

* initials: a one-letter token agrees with any token that starts with that letter, at 0.9,
  but a name that agrees only through initials is capped below any threshold ("N.N." is not
  "Nursultan Nazarbayev");
* extra versus conflicting tokens: a token with no partner while the other name is fully
  covered is extra information (a patronymic, a second given name) and costs little; tokens
  without partners on *both* sides contradict each other ("Sergey Viktorovich Lavrov" vs
  "Sergey Ivanovich Lavrov") and count in full;
* joined or split words ("FridrichBuchenberg", "Patr ushev") are caught by comparing the names
  with spaces removed, in written and in sorted order.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from rapidfuzz import process
from rapidfuzz.distance import OSA

from tiaki.matching.normalize import Kind, name_tokens, phonetic_keys
from tiaki.matching.stats import TokenStats

# A token pair below this similarity is "no partner". 0.7 lets one edit in a 4-letter token
# through ("Pulin"/"Putin" 0.8) but not a different name of similar shape ("Daniel"/"Donald").
TOKEN_MATCH = 0.7
INITIAL_SIM = 0.9
PHONETIC_SIM = 0.9
# Weight kept by an unpartnered token when the other name is fully covered.
EXTRA_FACTOR = 0.3
# Names that agree only through initials never score above this.
INITIALS_ONLY_CAP = 0.5
# Minimum spaceless similarity for the joined-words rule to apply.
COMPACT_MIN = 0.88

NAME_COLUMNS = ["tok", "pk", "w", "compact", "scompact"]


def prepare(raw: pl.Series, stats: TokenStats | None = None, kind: Kind = "person") -> pl.DataFrame:
    """Tokens, phonetic keys, weights and spaceless forms for a column of raw names."""
    tok = name_tokens(raw, kind)
    pk = phonetic_keys(tok)
    w = (stats or TokenStats.empty()).bits(tok, pk)
    return pl.DataFrame({"tok": tok, "pk": pk, "w": w}).with_columns(
        compact=pl.col("tok").list.join(""),
        scompact=pl.col("tok").list.sort().list.join(""),
    )


def _side(pairs: pl.DataFrame, side: str) -> pl.DataFrame:
    cols = [f"{side}_tok", f"{side}_pk", f"{side}_w"]
    df = pairs.select("pair", *cols).rename(dict(zip(cols, ["t", "k", "w"], strict=True)))
    df = df.with_columns(i=pl.int_ranges(pl.col("t").list.len()))
    return df.explode(["t", "k", "w", "i"]).drop_nulls("t")


def token_similarities(lt: pl.Series, rt: pl.Series, lk: pl.Series, rk: pl.Series) -> pl.Series:
    """Similarity of aligned token pairs, with the initials and phonetic rules applied."""
    osa = pl.Series(process.cpdist(lt, rt, scorer=OSA.normalized_similarity, workers=-1))
    df = pl.DataFrame({"lt": lt, "rt": rt, "lk": lk, "rk": rk, "osa": osa})
    l1 = pl.col("lt").str.len_chars() == 1
    r1 = pl.col("rt").str.len_chars() == 1
    same_initial = pl.col("lt").str.slice(0, 1) == pl.col("rt").str.slice(0, 1)
    phon = (pl.col("lk") == pl.col("rk")) & (pl.col("lk").str.len_chars() >= 2)
    sim = (
        pl.when(l1 & r1)
        .then(pl.col("osa"))
        .when(l1 | r1)
        .then(pl.when(same_initial).then(INITIAL_SIM).otherwise(0.0))
        .when(phon)
        .then(pl.max_horizontal(pl.col("osa"), pl.lit(PHONETIC_SIM)))
        .otherwise(pl.col("osa"))
    )
    return df.select(sim.alias("sim")).get_column("sim")


def compare(pairs: pl.DataFrame) -> pl.DataFrame:
    """Score name pairs.

    `pairs` has `pair` (unique id) and, for sides `l` and `r`, the columns of `prepare` prefixed
    `l_` / `r_`. Returns one row per pair: `pair`, `name_sim` (0-1), `name_bits` (information
    of the agreeing tokens, in bits), `conflicts` (unpartnered tokens on both sides), `extras`
    (unpartnered tokens on one side), `initials_only`, `compact_sim`.
    """
    left, right = _side(pairs, "l"), _side(pairs, "r")
    x = left.join(right, on="pair", suffix="_r")
    x = x.with_columns(
        sim=token_similarities(x["t"], x["t_r"], x["k"], x["k_r"]),
        full=(pl.col("t").str.len_chars() > 1) & (pl.col("t_r").str.len_chars() > 1),
    )
    full_sim = pl.when(pl.col("full")).then(pl.col("sim")).otherwise(0.0)
    best_l = x.group_by("pair", "i").agg(
        pl.col("sim").max().alias("best"), pl.col("w").first(), full_sim.max().alias("fbest")
    )
    best_r = x.group_by("pair", "i_r").agg(
        pl.col("sim").max().alias("best"), pl.col("w_r").first().alias("w"),
        full_sim.max().alias("fbest"),
    )  # fmt: skip
    agg = [
        (pl.col("w") * pl.col("best")).filter(pl.col("best") >= TOKEN_MATCH).sum().alias("m"),
        pl.col("w").filter(pl.col("best") >= TOKEN_MATCH).sum().alias("wm"),
        pl.col("w").filter(pl.col("best") < TOKEN_MATCH).sum().alias("wu"),
        (pl.col("best") < TOKEN_MATCH).sum().alias("nu"),
        (pl.col("fbest") >= TOKEN_MATCH).any().alias("has_full"),
    ]
    sl = best_l.group_by("pair").agg(agg)
    sr = best_r.group_by("pair").agg(agg)
    s = (
        pairs.select("pair", "l_compact", "r_compact", "l_scompact", "r_scompact")
        .join(sl, on="pair", how="left")
        .join(sr, on="pair", how="left", suffix="_r")
        .fill_null(0)
    )
    compact = pl.max_horizontal(
        pl.Series(
            process.cpdist(s["l_compact"], s["r_compact"], scorer=OSA.normalized_similarity,
                           workers=-1)
        ),
        pl.Series(
            process.cpdist(s["l_scompact"], s["r_scompact"], scorer=OSA.normalized_similarity,
                           workers=-1)
        ),
    )  # fmt: skip
    s = s.with_columns(compact_sim=compact)
    conflict = (pl.col("nu") > 0) & (pl.col("nu_r") > 0)
    factor = pl.when(conflict).then(1.0).otherwise(EXTRA_FACTOR)
    denom = pl.col("wm") + pl.col("wm_r") + factor * (pl.col("wu") + pl.col("wu_r"))
    aligned = pl.when(denom > 0).then((pl.col("m") + pl.col("m_r")) / denom).otherwise(0.0)
    has_full = pl.col("has_full") | pl.col("has_full_r")
    aligned = pl.when(has_full).then(aligned).otherwise(aligned.clip(0.0, INITIALS_ONLY_CAP))
    use_compact = (pl.col("compact_sim") >= COMPACT_MIN) & (pl.col("compact_sim") > aligned)
    total_w = (pl.col("wm") + pl.col("wu") + pl.col("wm_r") + pl.col("wu_r")) / 2
    return s.select(
        "pair",
        pl.when(use_compact).then(pl.col("compact_sim")).otherwise(aligned).alias("name_sim"),
        pl.when(use_compact)
        .then(pl.col("compact_sim") * total_w)
        .otherwise((pl.col("m") + pl.col("m_r")) / 2)
        .alias("name_bits"),
        pl.when(use_compact | ~conflict)
        .then(0)
        .otherwise(pl.min_horizontal("nu", "nu_r"))
        .cast(pl.Int32)
        .alias("conflicts"),
        pl.when(use_compact | conflict)
        .then(0)
        .otherwise(pl.col("nu") + pl.col("nu_r"))
        .cast(pl.Int32)
        .alias("extras"),
        (~has_full & ~use_compact).alias("initials_only"),
        "compact_sim",
    )


def _paired(left: pl.DataFrame, right: pl.DataFrame) -> pl.DataFrame:
    return pl.concat(
        [
            left.select(pl.all().name.prefix("l_")),
            right.select(pl.all().name.prefix("r_")),
        ],
        how="horizontal",
    ).with_row_index("pair")


@dataclass(frozen=True)
class NameScore:
    score: float
    bits: float
    conflicts: int
    extras: int


def compare_lists(
    names1: list[str], names2: list[str], kind: Kind = "person", stats: TokenStats | None = None
) -> list[float]:
    """Similarity (0-1) of aligned lists of raw names, e.g. for evaluating on labelled pairs."""
    left = prepare(pl.Series(names1, dtype=pl.String), stats, kind)
    right = prepare(pl.Series(names2, dtype=pl.String), stats, kind)
    out = compare(_paired(left, right)).sort("pair")
    return [float(v) for v in out["name_sim"]]


def name_similarity(a: str, b: str, kind: Kind = "person") -> float:
    """Similarity (0-1) of two names; the batch function `compare_lists` is much faster."""
    return compare_lists([a], [b], kind)[0]
