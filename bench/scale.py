"""Scale test (travellers x watchlist through the CLI) and the single-record API latency."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from bench import synthetic
from tiaki.matching import Screener


@dataclass
class ScaleResult:
    travellers: int
    watchlist: int
    seconds: float
    cpu_seconds: float
    peak_mib: float
    alerts: int
    planted: int
    planted_found: int
    false_alerts: int


@dataclass
class ApiResult:
    watchlist: int
    queries: int
    build_seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


def run(
    n_travellers: int, n_watchlist: int, planted: int = 1000, script_share: float = 0.0
) -> tuple[ScaleResult, ApiResult]:
    """`script_share`: the share of the watchlist written in the multi-script benchmark's ten
    scripts (Hangul, Han, Thai, Arabic, Cyrillic, Devanagari, Greek, Persian, Vietnamese,
    Māori), beside the 20 % in Cyrillic."""
    data = synthetic.generate(n_watchlist, n_travellers, planted, script_share=script_share)
    with tempfile.TemporaryDirectory(prefix="tiaki-bench-") as tmp:
        folder = Path(tmp)
        watch, travellers = synthetic.write(data, folder)
        out = folder / "alerts.csv"
        cmd = [
            sys.executable,
            "-m",
            "bench.scale_child",
            "screen",
            "--watchlist",
            str(watch),
            "--records",
            str(travellers),
            "--out",
            str(out),
        ]
        proc = subprocess.run(
            cmd, check=True, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1]
        )
        stats = json.loads(proc.stdout.strip().splitlines()[-1])
        alerts = pl.read_csv(out, infer_schema=False)
    truth = data.planted.rename({"watchlist_id": "left_id", "traveller_id": "right_id"})
    found = alerts.join(truth, on=["left_id", "right_id"], how="semi").height
    false_alerts = alerts.join(truth, on=["left_id", "right_id"], how="anti").height
    scale = ScaleResult(
        n_travellers,
        n_watchlist,
        stats["seconds"],
        stats["cpu_seconds"],
        stats["peak_mib"],
        alerts.height,
        planted,
        found,
        false_alerts,
    )
    return scale, api_latency(data, queries=min(2000, n_travellers))


def api_latency(data: synthetic.Synthetic, queries: int) -> ApiResult:
    start = time.perf_counter()
    screener = Screener(data.watchlist)
    build = time.perf_counter() - start
    records = data.travellers.head(queries).to_dicts()
    for rec in records[:20]:  # warm-up: first calls compile Polars plans and fill caches
        screener.screen(rec)
    lat = []
    for rec in records:
        t = time.perf_counter()
        screener.screen(rec)
        lat.append((time.perf_counter() - t) * 1000)
    a = np.asarray(lat)
    return ApiResult(
        len(screener), queries, build, *(float(np.percentile(a, q)) for q in (50, 95, 99))
    )
