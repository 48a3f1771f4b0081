"""Lost/stolen travel document matching: normalisation, confusable folding, bulk and single."""

from __future__ import annotations

import random
import time

import polars as pl
import pytest

from tiaki.screening.parsers.documents import (
    DocumentRegistry,
    RegisteredDocument,
    bulk_match,
    explain_match,
    fold_number,
    normalise_issuer,
    normalise_number,
)


def test_normalise_and_fold() -> None:
    assert normalise_number(" a12-345 67.0/ ") == "A12345670"
    assert normalise_number("ＡＢ１２３") == "AB123"  # full-width input (NFKC)
    assert normalise_number("L898902C3<<") == "L898902C3"
    assert fold_number("A1234567O") == fold_number("A12345670")
    assert fold_number("SOLID8") == fold_number("5011D8") == "501108"
    assert fold_number("АВ123") == fold_number("AB123")  # Cyrillic А/В look Latin
    assert normalise_issuer("gb") == "GBR" and normalise_issuer("D<<") == "DEU"
    assert normalise_issuer("") is None


def test_explanations() -> None:
    assert explain_match("A1234567O", "A12345670") == (
        "confusable", "number equal after folding O→0 at position 9")
    assert explain_match("a 1234567-0", "A12345670") == ("exact", "exact number")
    assert explain_match("I8S", "185") == (
        "confusable", "number equal after folding I→1 at position 1, S→5 at position 3")
    assert explain_match("A1234567", "A1234568") is None
    assert explain_match("", "") is None


REGISTER = [
    RegisteredDocument("A12345670", "NZL", "P", "stolen", "SLTD-1"),
    RegisteredDocument("X9876543", "FRA", "P", "lost", "SLTD-2"),
    RegisteredDocument("X9876543", "DEU", "I", "revoked", "SLTD-3"),
]


def test_single_lookup() -> None:
    reg = DocumentRegistry(REGISTER)
    assert len(reg) == 3
    [hit] = reg.lookup("A12345670", "NZL")
    assert (hit.kind, hit.issuer_match) == ("exact", "same")
    assert hit.explanation == "exact number, same issuer"
    assert hit.registered.reference == "SLTD-1"
    [hit] = reg.lookup("A1234567O", "NZ")  # alpha-2 issuer accepted
    assert hit.kind == "confusable"
    assert hit.explanation == "number equal after folding O→0 at position 9, same issuer"
    assert reg.lookup("A12345670", "AUS") == []  # numbers are only unique per issuer
    unknown = reg.lookup("X98765A3".replace("A", "4"), None)
    assert {h.registered.reference for h in unknown} == {"SLTD-2", "SLTD-3"}
    assert all(h.explanation.endswith("issuer not recorded for traveller") for h in unknown)
    assert reg.lookup("", "NZL") == [] and reg.lookup(None) == []


def test_bulk_match_small() -> None:
    travellers = pl.DataFrame({
        "pax_id": ["t0", "t1", "t2", "t3", "t4", "t5"],
        "document_number": ["A1234567O", "a12345670", "A12345670", "X9876543", None, "ZZZ"],
        "issuer": ["NZL", "nz", "AUS", None, "NZL", "NZL"],
    })
    registry = pl.DataFrame({
        "document_number": [d.number for d in REGISTER],
        "issuer": [d.issuer for d in REGISTER],
        "reference": [d.reference for d in REGISTER],
    })
    hits = bulk_match(travellers, registry)
    rows = hits.select("pax_id", "reference", "match_kind", "issuer_match", "explanation").rows()
    assert rows == [
        ("t0", "SLTD-1", "confusable", "same",
         "number equal after folding O→0 at position 9, same issuer"),
        ("t1", "SLTD-1", "exact", "same", "exact number, same issuer"),
        ("t3", "SLTD-2", "exact", "unknown", "exact number, issuer not recorded for traveller"),
        ("t3", "SLTD-3", "exact", "unknown", "exact number, issuer not recorded for traveller"),
    ]
    assert "document_number_registry" in hits.columns  # both sides' columns are kept
    strict = bulk_match(travellers, registry, include_unknown_issuer=False)
    assert strict["pax_id"].to_list() == ["t0", "t1"]


def test_bulk_agrees_with_single_lookup() -> None:
    rng = random.Random(7)
    alphabet = "ABCDGILOQSZ0125689"
    register = [RegisteredDocument("".join(rng.choice(alphabet) for _ in range(6)),
                                   rng.choice(["NZL", "AUS"])) for _ in range(300)]
    numbers = ["".join(rng.choice(alphabet) for _ in range(6)) for _ in range(300)]
    numbers += [d.number for d in register[:50]]
    swap = str.maketrans("012568OIZSGB", "OIZSGB012568")  # confusable look-alikes
    numbers += [d.number.translate(swap) for d in register[50:100]]
    issuers = [rng.choice(["NZL", "AU", None]) for _ in numbers]
    hits = bulk_match(
        pl.DataFrame({"document_number": numbers, "issuer": issuers}),
        pl.DataFrame({"document_number": [d.number for d in register],
                      "issuer": [d.issuer for d in register]}),
    )
    reg = DocumentRegistry(register)
    expected = sorted(
        (i, h.registered.number, h.registered.issuer, h.kind, h.explanation)
        for i, (n, iss) in enumerate(zip(numbers, issuers, strict=True))
        for h in reg.lookup(n, iss)
    )
    got = sorted(zip(hits["traveller_row"].to_list(), hits["document_number_registry"],
                     hits["issuer_registry"], hits["match_kind"], hits["explanation"],
                     strict=True))
    assert got == expected
    assert {kind for *_, kind, _ in expected} == {"exact", "confusable"}


@pytest.mark.parametrize("n", [1_000_000])
def test_bulk_million_by_million_in_seconds(n: int) -> None:
    def numbers(seed: int) -> pl.Series:
        # Letter + 8 digits, built in polars so generating the data stays cheap.
        s = pl.Series(range(n)).shuffle(seed)
        letter = (s % 26 + 65).cast(pl.UInt8).map_elements(chr, return_dtype=pl.String)
        return letter + (s * 7919 % 90_000_000 + 10_000_000).cast(pl.String)

    issuers = pl.Series(["NZL", "AUS", "GBR", "FRA"] * (n // 4))
    registry = pl.DataFrame({"document_number": numbers(1), "issuer": issuers})
    planted = registry.head(100).with_columns(
        pl.col("document_number").str.replace("0", "O"))
    travellers = pl.concat([pl.DataFrame({"document_number": numbers(2),
                                          "issuer": issuers.shuffle(3)}).slice(100), planted])
    assert travellers.height == registry.height == n
    start = time.perf_counter()
    hits = bulk_match(travellers, registry)
    elapsed = time.perf_counter() - start
    assert elapsed < 30, f"bulk match took {elapsed:.1f}s"  # ~1.5 s on a 2-core runner
    planted_rows = set(range(n - 100, n))
    assert planted_rows <= set(hits["traveller_row"].to_list())
