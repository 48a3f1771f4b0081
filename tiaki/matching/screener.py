"""Screen one record at a time against a watchlist held in memory (the border-post API)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from tiaki.matching import blocking, model, scalar
from tiaki.matching.engine import DEFAULT_THRESHOLDS, as_frame, screening_reference
from tiaki.matching.records import FIELDS, clean_record


@dataclass(frozen=True)
class Alert:
    watchlist_id: str
    score: float
    explanation: str


class Screener:
    """Built once from a watchlist; `screen(record)` returns alerts, best first.

    The blocking keys of the watchlist are kept as a sorted array of 64-bit hashes
    (`blocking.KeyIndex`, shared with batch screening), so finding
    the candidates of one record is a handful of binary searches instead of a hash join. The
    record is normalised, blocked and scored in plain Python (`scalar`), rule for rule the
    batch engine's, which tests/matching/test_screener_equivalence.py holds to the same alerts,
    scores and explanations. `ref` and `threshold` are what batch screening needs
    (`engine.run("screen", screener.ref, chunks, screener.threshold)`).
    """

    def __init__(
        self,
        watchlist: Any,
        threshold: float | None = None,
        strict: bool = False,
        sample: Any = None,
    ) -> None:
        """`sample`: records of the kind screened (travellers), whose names tell how common a
        name is beside the watchlist's (`engine.screening_reference`)."""
        self.threshold = DEFAULT_THRESHOLDS["screen"] if threshold is None else threshold
        self.strict = strict
        self.ref = screening_reference(
            as_frame(watchlist, "watchlist", strict),
            None if sample is None else as_frame(sample, "sample", strict),
        )
        self._prior = model.prior_bits("screen", len(self.ref))
        # The batch engine's sorted keys (`blocking.KeyIndex`), built here once for both.
        index = self.ref.key_index
        self._hashes = index.hashes
        self._rows = index.rows
        self._kind = index.keys.str.slice(0, 1).to_numpy()

    def __len__(self) -> int:
        return len(self.ref)

    def _candidates(self, keys: set[str]) -> list[int]:
        """Watchlist rows with enough blocking votes (the rule of `blocking.candidates`)."""
        h = blocking.hash_keys(pl.Series(sorted(keys), dtype=pl.String))
        lo = np.searchsorted(self._hashes, h, side="left")
        hi = np.searchsorted(self._hashes, h, side="right")
        kinds: dict[int, set[str]] = {}
        for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
            for i in range(a, b):
                kinds.setdefault(int(self._rows[i]), set()).add(str(self._kind[i]))
        return sorted(
            r
            for r, ks in kinds.items()
            if sum(2 if k in blocking.STRONG else 1 for k in ks) >= blocking.MIN_VOTES
        )

    def screen(self, record: Mapping[str, Any]) -> list[Alert]:
        """Alerts for one record (a mapping with the contract's field names).

        Same answer as batch screening (tests/matching/test_screener_equivalence.py), computed
        in plain Python (`scalar`): for one record Polars' fixed cost per query would dominate.
        """
        row = {f: record.get(f) for f in FIELDS}
        if row["id"] in (None, ""):
            row["id"] = "record"  # the caller knows which record it asked about
        query = scalar.normalise(clean_record(row, strict=self.strict), self.ref.stats)
        rows = self._candidates(scalar.record_keys(query))
        if not rows:
            return []
        refs = self.ref.norm[rows].to_dicts()
        out = scalar.score_candidates(
            query, list(zip(rows, refs, strict=True)), self.ref.params, self.threshold, self._prior
        )
        return [Alert(refs[rows.index(r)]["id"], s, e) for r, s, e in out]
