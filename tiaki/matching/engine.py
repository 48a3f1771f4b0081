"""The matching engine: one pipeline behind screening, linking and de-duplication.

A *reference* side (the watchlist, the right-hand file, or the records being de-duplicated) is
normalised and indexed once; the *query* side is streamed through in chunks. For each chunk:
blocking keys -> candidate pairs (Polars hash joins) -> name and field comparisons (RapidFuzz
`cpdist` over all pairs) -> Fellegi-Sunter evidence -> scores -> explanations for the pairs kept.
Nothing depends on how the query side is chunked, so chunked and whole runs give equal output.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

import polars as pl

from tiaki.matching import blocking, fields, model, names
from tiaki.matching.explain import explanations
from tiaki.matching.normalize import name_tokens
from tiaki.matching.records import FIELDS, full_names, normalise, validate
from tiaki.matching.stats import TokenStats

Mode = Literal["screen", "link", "dedupe"]

# Posterior probability above which a pair is reported. Screening leans towards recall (an
# analyst reviews every alert; a missed trafficker is the costly error), linking and
# de-duplication merge records automatically, so they ask for stronger evidence.
DEFAULT_THRESHOLDS: dict[str, float] = {"screen": 0.5, "link": 0.8, "dedupe": 0.8}
CHUNK_SIZE = 50_000
OUTPUT_COLUMNS = ["left_id", "right_id", "score", "explanation"]

_NAME = ["tok", "pk", "w", "compact", "scompact", "cjk"]
_NAME_COLUMNS = ["name", *_NAME]
_FIELD_COLUMNS = [
    "wsum", "dob_y", "dob_m", "dob_d", "sex", "nat", "doc", "doc_country", "phone", "email",
    "address", "postcode",
]  # fmt: skip
_PAIR_COLUMNS = ["id", *_NAME_COLUMNS, *_FIELD_COLUMNS]


def as_frame(data: Any, source: str = "input") -> pl.DataFrame:
    """Accept a Polars or pandas frame, a list of dicts or a dict of lists; validate it."""
    if isinstance(data, pl.DataFrame):
        df = data
    elif isinstance(data, list | tuple) and not data:
        df = pl.DataFrame(schema=dict.fromkeys(FIELDS, pl.String))
    elif hasattr(data, "to_dict") and hasattr(data, "columns"):
        df = pl.from_pandas(data.astype(str).where(data.notna(), None))
    else:
        df = pl.DataFrame(data, infer_schema_length=None)
    return validate(df.cast(pl.String), source)


def name_stats(frames: Iterable[pl.DataFrame]) -> TokenStats:
    """Token statistics over validated frames, one frame at a time (frames may be chunks)."""
    parts = [TokenStats.from_tokens(name_tokens(full_names(f))) for f in frames]
    return TokenStats.combine(parts)


@dataclass(frozen=True)
class Reference:
    """The indexed side of a match."""

    norm: pl.DataFrame
    keys: pl.DataFrame
    stats: TokenStats
    nat_u: float

    @classmethod
    def build(cls, df: pl.DataFrame, stats: TokenStats | None = None) -> Reference:
        stats = stats or name_stats([df])
        norm = normalise(df, stats)
        keys = blocking.index_keys(blocking.record_keys(norm))
        return cls(norm.select(_PAIR_COLUMNS), keys, stats, model.nationality_u(norm["nat"]))

    def __len__(self) -> int:
        return self.norm.height


def _gather(
    cands: pl.DataFrame, query: pl.DataFrame, ref: pl.DataFrame, cols: list[str]
) -> pl.DataFrame:
    return pl.concat(
        [
            cands,
            query.select(pl.col(cols).name.prefix("l_"))[cands["q"]],
            ref.select(pl.col(cols).name.prefix("r_"))[cands["r"]],
        ],
        how="horizontal",
    )


def score_candidates(
    ref: Reference,
    query: pl.DataFrame,
    cands: pl.DataFrame,
    threshold: float,
    prior: float,
) -> pl.DataFrame:
    """Score candidate pairs (``q`` query row, ``r`` reference row) and keep those >= threshold.

    The cheap fields are scored first. A pair whose weight could not reach the threshold even
    if every name token agreed exactly is dropped before the (costlier) name comparison: the
    name can add at most the bits of its tokens, so this loses nothing.
    Returns ``q``, ``r``, ``score``, ``explanation`` sorted by query row, best score first.
    """
    empty = pl.DataFrame(
        schema={"q": pl.UInt32, "r": pl.UInt32, "score": pl.Float64, "explanation": pl.String}
    )
    if cands.is_empty():
        return empty
    # Stage 1: only the scalar columns of every candidate (gathering name lists is costly).
    pairs = _gather(cands, query, ref.norm, _FIELD_COLUMNS)
    weights = model.field_weights(ref.nat_u)
    scored = pl.concat([pairs, fields.compare_fields(pairs)], how="horizontal").with_columns(
        **weights
    )
    fixed = prior + pl.sum_horizontal(list(weights))
    name_max = (pl.col("l_wsum") + pl.col("r_wsum")) / 2
    scored = scored.filter(fixed + name_max >= model.logit_bits(threshold))
    if scored.is_empty():
        return empty
    # Stage 2: the names of the pairs that can still make it.
    scored = pl.concat(
        [scored, _gather(scored.select("q", "r"), query, ref.norm, _NAME_COLUMNS).drop("q", "r")],
        how="horizontal",
    ).with_row_index("pair")
    name_cols = names.compare(scored.select("pair", pl.col(f"^[lr]_({'|'.join(_NAME)})$")))
    # A missing name on either side is "no name evidence", not a disagreement.
    no_name = (pl.col("l_tok").list.len() == 0) | (pl.col("r_tok").list.len() == 0)
    scored = (
        scored.join(name_cols, on="pair", how="left")
        .with_columns(pl.when(no_name).then(None).otherwise(pl.col("name_sim")).alias("name_sim"))
        .with_columns(w_name=model.name_weight())
        .with_columns(weight=fixed + pl.col("w_name"))
        .with_columns(score=model.score(pl.col("weight")))
        .filter(pl.col("score") >= threshold)
    )
    return (
        scored.with_columns(explanation=explanations(scored))
        .select("q", "r", pl.col("score").round(4), "explanation")
        .sort(["q", "score", "r"], descending=[False, True, False])
    )


def match_chunk(
    ref: Reference, chunk: pl.DataFrame, threshold: float, mode: Mode, offset: int = 0
) -> pl.DataFrame:
    """Match one validated query chunk against the reference. ``q`` is global (offset added)."""
    query = normalise(chunk, ref.stats).select(_PAIR_COLUMNS)
    cands = blocking.candidates(blocking.record_keys(query), ref.keys)
    if mode == "dedupe":
        # Each unordered pair once, never a record with itself.
        cands = cands.filter(pl.col("q").cast(pl.Int64) + offset < pl.col("r").cast(pl.Int64))
    prior = model.prior_bits(mode, len(ref))
    out = score_candidates(ref, query, cands, threshold, prior)
    return out.with_columns(ids_q=query["id"][out["q"]], q=out["q"] + offset)


def _finish(out: pl.DataFrame, ref: Reference, query_is_left: bool) -> pl.DataFrame:
    ref_ids = ref.norm["id"][out["r"]]
    left, right = (out["ids_q"], ref_ids) if query_is_left else (ref_ids, out["ids_q"])
    return pl.DataFrame(
        {
            "left_id": left,
            "right_id": right,
            "score": out["score"],
            "explanation": out["explanation"],
        }
    )


def run(
    mode: Mode,
    ref: Reference,
    chunks: Iterable[tuple[int, pl.DataFrame]],
    threshold: float | None = None,
) -> Iterator[pl.DataFrame]:
    """Stream output frames (contract columns), one per query chunk."""
    th = DEFAULT_THRESHOLDS[mode] if threshold is None else threshold
    for offset, chunk in chunks:
        out = match_chunk(ref, chunk, th, mode, offset)
        yield _finish(out, ref, query_is_left=mode != "screen")


def _chunks(df: pl.DataFrame, size: int) -> Iterator[tuple[int, pl.DataFrame]]:
    for offset in range(0, max(df.height, 1), size):
        yield offset, df.slice(offset, size)


def _collect(frames: Iterable[pl.DataFrame]) -> pl.DataFrame:
    out = list(frames)
    if not out:
        return pl.DataFrame(schema=dict.fromkeys(OUTPUT_COLUMNS, pl.String)).with_columns(
            pl.col("score").cast(pl.Float64)
        )
    return pl.concat(out)


def screen(
    watchlist: Any, records: Any, threshold: float | None = None, chunk_size: int = CHUNK_SIZE
) -> pl.DataFrame:
    """Alerts for records that match a watchlist entry: left_id = watchlist, right_id = record."""
    ref = Reference.build(as_frame(watchlist, "watchlist"))
    recs = as_frame(records, "records")
    return _collect(run("screen", ref, _chunks(recs, chunk_size), threshold))


def link(
    left: Any, right: Any, threshold: float | None = None, chunk_size: int = CHUNK_SIZE
) -> pl.DataFrame:
    """Pairs of records, one from each side, that are the same person."""
    lf, rf = as_frame(left, "left"), as_frame(right, "right")
    ref = Reference.build(rf, name_stats([lf, rf]))
    return _collect(run("link", ref, _chunks(lf, chunk_size), threshold))


def dedupe(
    records: Any, threshold: float | None = None, chunk_size: int = CHUNK_SIZE
) -> pl.DataFrame:
    """Pairs of records in one file that are the same person (left_id is the earlier row)."""
    recs = as_frame(records, "records")
    ref = Reference.build(recs)
    return _collect(run("dedupe", ref, _chunks(recs, chunk_size), threshold))
