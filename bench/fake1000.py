"""Splink's `fake_1000` de-duplication set for Tiaki and Splink, in the same run.

`fake_1000` is the labelled toy set of Splink's tutorials: 1,000 records of 251 people with
typos, missing values, first name and surname swapped, dates of birth off by a digit, a month
or a decade, and mangled e-mail addresses. It is not shipped with any package installed here
(`splink_datasets.fake_1000` downloads it), so the benchmark takes the file's path: get
`data/fake_1000.csv` from Splink's `splink_demos` repository (columns unique_id, first_name,
surname, dob, city, email, group; `group` is the true cluster) and run

    .venv/bin/python -m bench.fake1000 --path var/fake_1000.csv

The engine has never been tuned on it. Tiaki runs through its command line (`tiaki dedupe` at
the default threshold) on a copy whose header only is renamed to the CSV contract
(docs/screening.md): unique_id -> id, first_name -> given_name, surname -> family_name,
dob -> date_of_birth, city -> address (the contract's only place for where a person lives; the
engine estimates from the data how much a shared town is worth), email -> email; `group` stays
in the file and is ignored like any unknown column. No value is cleaned. Splink runs the
settings and training of its own fake_1000 tutorial ("Estimating model parameters"), with
predictions kept at match probability 0.8, Tiaki's default for de-duplication.

Precision, recall and F1 are over unordered pairs against every pair of records within a true
cluster, as each tool outputs them ("pairwise") and after joining the pairs transitively into
clusters ("closure").
"""

from __future__ import annotations

import argparse
import csv
import itertools
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

HEADER = {
    "unique_id": "id",
    "first_name": "given_name",
    "surname": "family_name",
    "dob": "date_of_birth",
    "city": "address",
    "email": "email",
}
THRESHOLD = 0.8
TUTORIAL_CUT = 0.2

Pair = tuple[str, str]


@dataclass
class Result:
    tool: str
    seconds: float
    pairs: int
    precision: float
    recall: float
    f1: float
    closure_precision: float
    closure_recall: float
    closure_f1: float


def load(path: Path) -> tuple[list[dict[str, str]], set[Pair]]:
    """The records as written, and every within-cluster pair (ids sorted as text)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    label = "group" if "group" in rows[0] else "cluster"
    clusters: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        clusters[r[label]].append(r["unique_id"])
    truth = {_key(a, b) for ids in clusters.values() for a, b in itertools.combinations(ids, 2)}
    return rows, truth


def _key(a: object, b: object) -> Pair:
    x, y = str(a), str(b)
    return (x, y) if x <= y else (y, x)


def _prf(found: set[Pair], truth: set[Pair]) -> tuple[float, float, float]:
    tp = len(found & truth)
    p = tp / len(found) if found else 0.0
    r = tp / len(truth) if truth else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def closure(found: set[Pair], ids: list[str]) -> set[Pair]:
    """Every pair within the connected components of the found pairs."""
    parent = {i: i for i in ids}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in found:
        parent[root(a)] = root(b)
    groups: dict[str, list[str]] = defaultdict(list)
    for i in ids:
        groups[root(i)].append(i)
    return {_key(a, b) for g in groups.values() for a, b in itertools.combinations(g, 2)}


def result(tool: str, seconds: float, found: set[Pair], rows: list[dict[str, str]],
           truth: set[Pair]) -> Result:  # fmt: skip
    p, r, f = _prf(found, truth)
    cp, cr, cf = _prf(closure(found, [x["unique_id"] for x in rows]), truth)
    return Result(tool, seconds, len(found), p, r, f, cp, cr, cf)


def to_contract(path: Path, out: Path) -> None:
    """The same file with its header renamed to the contract's columns; values untouched."""
    with path.open(encoding="utf-8", newline="") as src, out.open("w", encoding="utf-8",
                                                                  newline="") as dst:  # fmt: skip
        reader = csv.reader(src)
        writer = csv.writer(dst, lineterminator="\n")
        writer.writerow([HEADER.get(c, c) for c in next(reader)])
        writer.writerows(reader)


def run_tiaki(path: Path, rows: list[dict[str, str]], truth: set[Pair]) -> Result:
    """`tiaki dedupe` in a child process at its default threshold; the header renaming and the
    interpreter's start are in the time."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        records, out = Path(tmp) / "records.csv", Path(tmp) / "pairs.csv"
        to_contract(path, records)
        subprocess.run(
            [sys.executable, "-m", "tiaki.matching", "dedupe", "--records", str(records),
             "--out", str(out), "--no-progress"],
            check=True, capture_output=True, env={**os.environ, "POLARS_MAX_THREADS": "2"},
        )  # fmt: skip
        seconds = time.perf_counter() - start
        with out.open(encoding="utf-8", newline="") as fh:
            found = {_key(r["left_id"], r["right_id"]) for r in csv.DictReader(fh)}
    return result("Tiaki (`tiaki dedupe`, default 0.8)", seconds, found, rows, truth)


def run_splink(path: Path, rows: list[dict[str, str]], truth: set[Pair]) -> list[Result]:
    """Splink's fake_1000 tutorial ("Estimating model parameters"): its comparisons, blocking
    rules and training (deterministic rules at recall 0.7, u from 2e6 random pairs, EM blocked
    on first name and surname, then on dob). One trained model, two cut-offs: match
    probability 0.8 (Tiaki's default) and 0.2, at which the tutorial ("Predicting results")
    clusters; the time is training and predicting once."""
    import pandas as pd
    import splink.comparison_library as cl
    from splink import ColumnExpression, DuckDBAPI, Linker, SettingsCreator, block_on

    start = time.perf_counter()
    df = pd.read_csv(path)
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.LevenshteinAtThresholds(ColumnExpression("dob").cast_to_string(), 1),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.EmailComparison("email"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "city"),
            block_on("surname"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    api = DuckDBAPI()
    linker = Linker(api.register(df), settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [
            block_on("first_name", "dob"),
            "l.first_name = r.first_name and levenshtein(r.surname, l.surname) <= 2",
            block_on("email"),
        ],
        recall=0.7,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    pred = linker.inference.predict(threshold_match_probability=TUTORIAL_CUT).as_pandas_dataframe()
    seconds = time.perf_counter() - start
    out = []
    for cut in (THRESHOLD, TUTORIAL_CUT):
        kept = pred[pred["match_probability"] >= cut]
        found = {_key(a, b) for a, b in zip(kept["unique_id_l"], kept["unique_id_r"], strict=True)}
        out.append(result(f"Splink 5 (tutorial model, EM, {cut})", seconds, found, rows, truth))
    return out


def run(path: Path) -> list[Result]:
    rows, truth = load(path)
    return [run_tiaki(path, rows, truth), *run_splink(path, rows, truth)]


def table(results: list[Result], truth_pairs: int) -> str:
    lines = [
        f"| tool | pairs (of {truth_pairs} true) | precision | recall | F1 | closure P | "
        "closure R | closure F1 | wall time (s) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.tool} | {r.pairs} | {r.precision:.4f} | {r.recall:.4f} | **{r.f1:.4f}** | "
            f"{r.closure_precision:.4f} | {r.closure_recall:.4f} | {r.closure_f1:.4f} | "
            f"{r.seconds:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.fake1000", description=__doc__.split("\n")[0])
    p.add_argument("--path", type=Path, required=True, help="fake_1000.csv as Splink ships it")
    args = p.parse_args(argv)
    _, truth = load(args.path)
    print(f"load average before: {os.getloadavg()}")
    results = run(args.path)
    print(table(results, len(truth)))
    print(f"load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
