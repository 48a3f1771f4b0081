"""Screen one record at a time against a watchlist held in memory (the border-post API)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tiaki.matching import model, scalar
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
        self._index = self.ref.key_index
        # The normalised watchlist as Python tuples, one a row, taken once: gathering a few
        # rows from the Polars frame and turning them into dicts cost about 15 us a
        # candidate, more than half the time of a record with many candidates. Row by row
        # rather than column by column, so that one row's values lie together in memory
        # (p95 1.44-1.69 against 1.71-1.81 ms by columns, which take 63 rather than 144 MiB
        # for 100,000 entries; docs/benchmarks.md, 3 December 2026, night).
        self._names = self.ref.norm.columns
        self._tuples = self.ref.norm.rows()

    def __len__(self) -> int:
        return len(self.ref)

    def _rows(self, rows: list[int]) -> list[dict[str, Any]]:
        names, tuples = self._names, self._tuples
        return [dict(zip(names, tuples[r], strict=True)) for r in rows]

    def screen(self, record: Mapping[str, Any]) -> list[Alert]:
        """Alerts for one record (a mapping with the contract's field names).

        Same answer as batch screening (tests/matching/test_screener_equivalence.py), computed
        in plain Python (`scalar`): for one record Polars' fixed cost per query would dominate.
        """
        row = {f: record.get(f) for f in FIELDS}
        if row["id"] in (None, ""):
            row["id"] = "record"  # the caller knows which record it asked about
        query = scalar.normalise(clean_record(row, strict=self.strict), self.ref.stats)
        rows = self._index.record_rows(sorted(scalar.record_keys(query))).tolist()
        if not rows:
            return []
        refs = self._rows(rows)
        out = scalar.score_candidates(
            query, list(zip(rows, refs, strict=True)), self.ref.params, self.threshold, self._prior
        )
        return [Alert(refs[rows.index(r)]["id"], s, e) for r, s, e in out]
