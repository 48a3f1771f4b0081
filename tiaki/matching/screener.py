"""Screen one record at a time against a watchlist held in memory (the border-post API)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from tiaki.matching import blocking, model
from tiaki.matching.engine import DEFAULT_THRESHOLDS, Reference, as_frame, score_candidates
from tiaki.matching.records import FIELDS, normalise, validate_record

_SEED = 0x71A61  # any fixed seed: key hashes only have to agree within one process


@dataclass(frozen=True)
class Alert:
    watchlist_id: str
    score: float
    explanation: str


def _hash(keys: pl.Series) -> np.ndarray:
    return keys.hash(seed=_SEED).to_numpy()


class Screener:
    """Built once from a watchlist; `screen(record)` returns alerts, best first.

    The blocking keys of the watchlist are kept as a sorted array of 64-bit hashes, so finding
    the candidates of one record is a handful of binary searches instead of a hash join; the
    candidates are then scored by exactly the same code as batch screening.
    """

    def __init__(self, watchlist: Any, threshold: float | None = None) -> None:
        self.threshold = DEFAULT_THRESHOLDS["screen"] if threshold is None else threshold
        self.ref = Reference.build(as_frame(watchlist, "watchlist"))
        self._prior = model.prior_bits("screen", len(self.ref))
        keys = self.ref.keys
        order = np.argsort(_hash(keys["key"]), kind="stable")
        self._hashes = _hash(keys["key"])[order]
        self._rows = keys["row"].to_numpy()[order]
        self._kind = keys["key"].str.slice(0, 1).to_numpy()[order]

    def __len__(self) -> int:
        return len(self.ref)

    def _candidates(self, query: pl.DataFrame) -> pl.DataFrame:
        qkeys = blocking.record_keys(query)
        h = _hash(qkeys["key"])
        lo = np.searchsorted(self._hashes, h, side="left")
        hi = np.searchsorted(self._hashes, h, side="right")
        if not (hi > lo).any():
            return pl.DataFrame(schema={"q": pl.UInt32, "r": pl.UInt32})
        idx = np.concatenate([np.arange(a, b) for a, b in zip(lo, hi, strict=True) if b > a])
        hits = pl.DataFrame({"r": self._rows[idx], "kind": self._kind[idx]}).unique()
        cands = (
            hits.group_by("r")
            .agg(blocking.vote(pl.col("kind")).sum().alias("votes"))
            .filter(pl.col("votes") >= blocking.MIN_VOTES)
        )
        return cands.select(pl.lit(0, dtype=pl.UInt32).alias("q"), pl.col("r").cast(pl.UInt32))

    def screen(self, record: Mapping[str, Any]) -> list[Alert]:
        """Alerts for one record (a mapping with the contract's field names)."""
        row = {f: record.get(f) for f in FIELDS}
        if row["id"] in (None, ""):
            row["id"] = "record"  # the caller knows which record it asked about
        query = normalise(validate_record(row), self.ref.stats)
        out = score_candidates(
            self.ref, query, self._candidates(query), self.threshold, self._prior
        )
        ids = self.ref.norm["id"][out["r"]]
        return [
            Alert(i, s, e) for i, s, e in zip(ids, out["score"], out["explanation"], strict=True)
        ]
