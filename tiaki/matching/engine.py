"""The matching engine: one pipeline behind screening, linking and de-duplication.

A *reference* side (the watchlist, the right-hand file, or the records being de-duplicated) is
normalised and indexed once; the *query* side is streamed through in chunks. For each chunk:
blocking keys -> candidate pairs (Polars hash joins) -> name and field comparisons (RapidFuzz
`cpdist` over all pairs) -> Fellegi-Sunter evidence -> scores -> explanations for the pairs kept.
Nothing depends on how the query side is chunked, so chunked and whole runs give equal output.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, Literal

import numpy as np
import polars as pl

from tiaki.matching import blocking, explain, fields, model, names
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

_NAME = ["tok", "wt", "pk", "wpk", "w", "compact", "scompact", "rcompact", "cjk", "wcompact",
         "wscompact"]  # fmt: skip
_NAME_COLUMNS = ["name", "part", *_NAME]
_FIELD_COLUMNS = [
    "wsum", "dob_y", "dob_m", "dob_d", "dob_text", "sex", "nat", "doc", "doc_country", "phone",
    "email", "address", "postcode",
]  # fmt: skip
_PAIR_COLUMNS = ["id", *_NAME_COLUMNS, *_FIELD_COLUMNS]
# Records of the query side used to estimate the model (the first ones, so that the estimate
# does not depend on how the rest is chunked), random pairs for u, candidate pairs for EM.
SAMPLE_ROWS = 20_000
U_PAIRS = 200_000
EM_PAIRS = 60_000
_NAME_OUT = ["name_sim", "name_bits", "conflicts", "extras", "initials_only", "initials",
             "reordered", "joined", "variant"]  # fmt: skip


def as_frame(data: Any, source: str = "input", strict: bool = False) -> pl.DataFrame:
    """Accept a Polars or pandas frame, a list of dicts or a dict of lists; validate it."""
    if isinstance(data, pl.DataFrame):
        df = data
    elif isinstance(data, list | tuple) and not data:
        df = pl.DataFrame(schema=dict.fromkeys(FIELDS, pl.String))
    elif hasattr(data, "to_dict") and hasattr(data, "columns"):
        df = pl.from_pandas(data.astype(str).where(data.notna(), None))
    else:
        df = pl.DataFrame(data, infer_schema_length=None)
    return validate(df.cast(pl.String), source, strict=strict)


def name_stats(frames: Iterable[pl.DataFrame], pairs: bool = False) -> TokenStats:
    """Token statistics over validated frames, one frame at a time (frames may be chunks).

    `pairs`: count pairs of tokens too (`TokenStats.from_tokens`), for a watchlist."""
    parts = [TokenStats.from_tokens(name_tokens(full_names(f)), pairs) for f in frames]
    return TokenStats.combine(parts)


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


def other_parts(left: str | None, right: str | None) -> bool:
    """The two names are different fields: only a given name on one side, only a family name
    on the other (`records.name_part`)."""
    return left is not None and right is not None and left != right


def _compare_names(pairs: pl.DataFrame, query: pl.DataFrame, ref: pl.DataFrame) -> pl.DataFrame:
    """`names.compare` for candidate pairs (``q``, ``r``), in their order; a missing name on
    either side is "no name evidence" (name_sim null), not a disagreement.

    So is a given name on one side against a family name on the other when no token agrees
    ("Luke" with no family name, "Robinson" with no given name): each side lacks the field the
    other has, and two different fields do not contradict each other. Where a token does agree
    it is kept as evidence: the same word written as the given name on one side and the family
    name on the other is a swap, common in person records."""
    named = _gather(pairs.select("q", "r"), query, ref, _NAME_COLUMNS).with_row_index("pair")
    cols = names.compare(named.select("pair", pl.col(f"^[lr]_({'|'.join(_NAME)})$")))
    other = (
        pl.col("l_part").is_not_null()
        & pl.col("r_part").is_not_null()
        & (pl.col("l_part") != pl.col("r_part"))
    )
    no_name = (
        (pl.col("l_tok").list.len() == 0)
        | (pl.col("r_tok").list.len() == 0)
        | (other & (pl.col("name_bits") <= 0))
    )
    return (
        named.select("pair", "l_tok", "r_tok", "l_part", "r_part")
        .join(cols, on="pair", how="left", maintain_order="left")
        .with_columns(pl.when(no_name).then(None).otherwise(pl.col("name_sim")).alias("name_sim"))
        .select(_NAME_OUT)
    )


def _name_weight(nm: pl.DataFrame) -> np.ndarray:
    return model.name_weight(
        nm["name_sim"].fill_null(np.nan).to_numpy(),
        nm["name_bits"].fill_null(0.0).to_numpy(),
        nm["initials_only"].fill_null(False).to_numpy(),
        nm["conflicts"].fill_null(0).to_numpy(),
        nm["extras"].fill_null(0).to_numpy(),
    )


def estimate(
    ref_norm: pl.DataFrame,
    ref_keys: pl.DataFrame,
    sample: pl.DataFrame | None,
    mode: Mode,
) -> model.Params:
    """Estimate the model's m and u from the data (Splink's recipe, see `model`).

    u from random pairs of a query-side sample and the reference side; m by EM over the
    candidate pairs the blocking finds for that sample. For de-duplication and for a
    watchlist on its own the sample is the reference side itself.
    """
    prior = model.Params.priors()
    query = ref_norm if sample is None else sample
    query = query.head(SAMPLE_ROWS)
    if query.is_empty() or ref_norm.is_empty():
        return prior
    rng = np.random.default_rng(20261201)
    n = min(U_PAIRS, query.height * ref_norm.height)
    rand = pl.DataFrame(
        {
            "q": rng.integers(0, query.height, n).astype(np.uint32),
            "r": rng.integers(0, ref_norm.height, n).astype(np.uint32),
        }
    )
    if sample is None:
        rand = rand.filter(pl.col("q") != pl.col("r"))
    u_levels = fields.levels(fields.batch_inputs(_gather(rand, query, ref_norm, _FIELD_COLUMNS)))
    u = model.estimate_u(u_levels, prior)
    cands = blocking.candidates(blocking.record_keys(query), ref_keys)
    if sample is None or mode == "dedupe":
        cands = cands.filter(pl.col("q") < pl.col("r"))
    cands = cands.sort("q", "r").head(EM_PAIRS)
    m, share = prior.m, None
    if mode == "screen" and sample is None:
        # A watchlist screened on its own lists each person once: its candidate pairs hold no
        # matches for EM to learn m from, only different people with alike names, and EM
        # takes "same nationality, alike name" for the match class and learns that a date of
        # birth decades away is usual among matches (decision 0007). So m keeps the priors,
        # and those pairs give what they do show: how often different people with alike names
        # agree on the fields that go with a name (sex, nationality).
        if not cands.is_empty():
            nm = _compare_names(cands, query, ref_norm)
            alike = pl.Series(nm["name_sim"].fill_null(0.0) >= model.NAME_EM_CUTS[-1])
            pairs = _gather(cands.filter(alike), query, ref_norm, _FIELD_COLUMNS)
            u = model.estimate_u_alike(fields.levels(fields.batch_inputs(pairs)), u)
        return model.Params(m=prior.m, u=u, pairs_for_u=rand.height)
    if not cands.is_empty():
        pairs = _gather(cands, query, ref_norm, _FIELD_COLUMNS)
        lv = fields.levels(fields.batch_inputs(pairs))
        nm = _compare_names(cands, query, ref_norm)
        m, share = model.estimate_m(lv, nm["name_sim"].fill_null(np.nan).to_numpy(), u, prior)
    return model.Params(m=m, u=u, pairs_for_u=rand.height, pairs_for_m=cands.height,
                        match_share=share)  # fmt: skip


@dataclass(frozen=True)
class Reference:
    """The indexed side of a match, with the model estimated for it."""

    norm: pl.DataFrame
    keys: pl.DataFrame
    stats: TokenStats
    params: model.Params

    @classmethod
    def build(
        cls,
        df: pl.DataFrame,
        stats: TokenStats | None = None,
        sample: pl.DataFrame | None = None,
        mode: Mode = "dedupe",
    ) -> Reference:
        """Index `df`; estimate the model from it and `sample` (validated query records).

        A watchlist (mode "screen") lists each person once, so its names' tokens are also
        counted in pairs and a name's bits allow for tokens that go together (`stats`)."""
        stats = stats or name_stats([df], pairs=mode == "screen")
        norm = normalise(df, stats).select(_PAIR_COLUMNS)
        keys = blocking.index_keys(blocking.record_keys(norm))
        query = None if sample is None else normalise(sample, stats).select(_PAIR_COLUMNS)
        return cls(norm, keys, stats, estimate(norm, keys, query, mode))

    def __len__(self) -> int:
        return self.norm.height

    @cached_property
    def key_index(self) -> blocking.KeyIndex:
        """`keys` sorted for binary search, built on first use and kept with the index."""
        return blocking.KeyIndex.build(self.keys)


def describe_rows(
    q_rows: list[dict[str, Any]],
    r_rows: list[dict[str, Any]],
    lv: dict[str, np.ndarray],
    nm_rows: list[dict[str, Any]],
    address: np.ndarray,
) -> list[str]:
    """Explanations for scored pairs (`explain.describe`, shared with the Screener)."""
    return [
        explain.describe(
            q, r, {k: int(v[i]) for k, v in lv.items()}, nm,
            None if np.isnan(address[i]) else float(address[i]),
        )
        for i, (q, r, nm) in enumerate(zip(q_rows, r_rows, nm_rows, strict=True))
    ]  # fmt: skip


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
    x = fields.batch_inputs(pairs)
    lv = fields.levels(x)
    fixed = prior + np.sum(list(ref.params.field_weights(lv).values()), axis=0)
    name_max = (pairs["l_wsum"].to_numpy() + pairs["r_wsum"].to_numpy()) / 2
    keep = fixed + name_max >= model.logit_bits(threshold)
    if not keep.any():
        return empty
    # Stage 2: the names of the pairs that can still make it.
    kept = cands.filter(pl.Series(keep))
    nm = _compare_names(kept, query, ref.norm)
    weight = fixed[keep] + _name_weight(nm)
    scores = model.score(weight)
    ok = scores >= threshold
    if not ok.any():
        return empty
    out = kept.filter(pl.Series(ok))
    lv_out = {k: v[keep][ok] for k, v in lv.items()}
    q_rows = query.select("name", "tok")[out["q"]].to_dicts()
    r_rows = ref.norm.select("name", "tok")[out["r"]].to_dicts()
    why = describe_rows(q_rows, r_rows, lv_out, nm.filter(pl.Series(ok)).to_dicts(),
                        x.address[keep][ok])  # fmt: skip
    return (
        out.with_columns(
            score=pl.Series(np.round(scores[ok], 4)), explanation=pl.Series(why, dtype=pl.String)
        )
        .select("q", "r", "score", "explanation")
        .sort(["q", "score", "r"], descending=[False, True, False])
    )


def match_chunk(
    ref: Reference, chunk: pl.DataFrame, threshold: float, mode: Mode, offset: int = 0
) -> pl.DataFrame:
    """Match one validated query chunk against the reference. ``q`` is global (offset added)."""
    query = normalise(chunk, ref.stats).select(_PAIR_COLUMNS)
    cands = ref.key_index.lookup(blocking.record_keys(query))
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


def screening_reference(watchlist: pl.DataFrame, sample: pl.DataFrame | None = None) -> Reference:
    """The index a watchlist is screened with (validated frames).

    How common a name is comes from the watchlist and, when given, the first `SAMPLE_ROWS`
    records screened against it (the issue's "estimated from the reference side and the records
    screened against it"): a watchlist of a few hundred people lists most names once, so an
    identical full name looked like one person in millions and a namesake born a decade apart
    alerted; the travellers show which names are common where they come from. Only the first
    records count, so chunking does not change the answer. The field weights stay estimated
    from the watchlist alone (decision 0007's amendment: EM over a traveller file, which holds
    few of the listed people, takes alike names for matches). The single-record `Screener`
    takes the same `sample`, so both paths give the same answers."""
    if sample is None:
        return Reference.build(watchlist, stats=name_stats([watchlist], pairs=True), mode="screen")
    stats = name_stats([watchlist, sample.head(SAMPLE_ROWS)], pairs=True)
    return Reference.build(watchlist, stats=replace(stats, discount=2), mode="screen")


def screen(
    watchlist: Any,
    records: Any,
    threshold: float | None = None,
    chunk_size: int = CHUNK_SIZE,
    strict: bool = False,
) -> pl.DataFrame:
    """Alerts for records that match a watchlist entry: left_id = watchlist, right_id = record.

    The index counts names on the watchlist and the first records (`screening_reference`); a
    `Screener` given the same records as its `sample` gives the same answers.
    """
    recs = as_frame(records, "records", strict)
    ref = screening_reference(as_frame(watchlist, "watchlist", strict), recs)
    return _collect(run("screen", ref, _chunks(recs, chunk_size), threshold))


def link(
    left: Any,
    right: Any,
    threshold: float | None = None,
    chunk_size: int = CHUNK_SIZE,
    strict: bool = False,
) -> pl.DataFrame:
    """Pairs of records, one from each side, that are the same person."""
    lf, rf = as_frame(left, "left", strict), as_frame(right, "right", strict)
    ref = Reference.build(rf, name_stats([lf, rf]), sample=lf.head(SAMPLE_ROWS), mode="link")
    return _collect(run("link", ref, _chunks(lf, chunk_size), threshold))


def dedupe(
    records: Any,
    threshold: float | None = None,
    chunk_size: int = CHUNK_SIZE,
    strict: bool = False,
) -> pl.DataFrame:
    """Pairs of records in one file that are the same person (left_id is the earlier row)."""
    recs = as_frame(records, "records", strict)
    ref = Reference.build(recs, mode="dedupe")
    return _collect(run("dedupe", ref, _chunks(recs, chunk_size), threshold))
