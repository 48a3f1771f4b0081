"""Name-pair evaluation on OpenSanctions' nomenklatura benchmark (../shared/data/name_pairs)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from tiaki.matching.names import NAME_MATCH, NameKind, compare_lists


def shared_data() -> Path:
    env = os.environ.get("TIAKI_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


@dataclass
class NameResult:
    pairs: int
    threshold: float
    precision: float
    recall: float
    f1: float
    seconds: float


def evaluate(path: Path | None = None, threshold: float = NAME_MATCH) -> NameResult | None:
    """P/R/F1 of the engine's name comparison; None when the shared data is absent."""
    path = path or shared_data() / "name_pairs" / "cases.csv"
    if not path.exists():
        return None
    df = pl.read_csv(path, infer_schema=False)
    start = time.perf_counter()
    scores: list[float] = [0.0] * df.height
    # The file mixes people, organisations and vessels; the comparison knows legal forms for
    # organisations and class prefixes ("MV") for vessels.
    kinds = df["schema"].replace_strict({"Person": "person", "Vessel": "vessel"}, default="org")
    kind: NameKind
    for kind in ("person", "org", "vessel"):
        idx = (kinds == kind).arg_true().to_list()
        sub = df[idx]
        got = compare_lists(sub["name1"].to_list(), sub["name2"].to_list(), kind)
        for i, s in zip(idx, got, strict=True):
            scores[i] = s
    seconds = time.perf_counter() - start
    truth = (df["is_match"].str.to_lowercase() == "true").to_list()
    tp = sum(1 for s, t in zip(scores, truth, strict=True) if s >= threshold and t)
    fp = sum(1 for s, t in zip(scores, truth, strict=True) if s >= threshold and not t)
    fn = sum(1 for s, t in zip(scores, truth, strict=True) if s < threshold and t)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return NameResult(df.height, threshold, p, r, 2 * p * r / (p + r) if p + r else 0.0, seconds)
