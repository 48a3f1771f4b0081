"""Lost/stolen documents at scale: travellers' passports against the register (items 11-12).

Synthetic: random 9-character passport numbers from 20 issuers; the register holds different
random numbers plus ``planted`` numbers copied from travellers, a third of them rewritten with
a look-alike character (O for 0, I for 1, S for 5) as a forger or a typist would.
"""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass

import numpy as np
import polars as pl

from tiaki.screening.parsers.documents import bulk_match

ISSUERS = ["NZL", "AUS", "CHN", "IND", "PHL", "FJI", "WSM", "TON", "THA", "VNM",
           "KOR", "GBR", "USA", "MYS", "IDN", "LKA", "NPL", "BGD", "PAK", "RUS"]
LOOK_ALIKE = str.maketrans({"0": "O", "1": "I", "5": "S"})


@dataclass(frozen=True)
class DocumentResult:
    travellers: int
    register: int
    seconds: float
    hits: int
    planted: int
    planted_found: int
    peak_mib: float


def _numbers(rng: np.random.Generator, n: int) -> list[str]:
    letters = rng.integers(65, 91, n)
    digits = rng.integers(0, 10**8, n)
    return [f"{chr(a)}{d:08d}" for a, d in zip(letters, digits, strict=True)]


def run(travellers: int, register: int, planted: int = 1000, seed: int = 11) -> DocumentResult:
    rng = np.random.default_rng(seed)
    t_numbers = _numbers(rng, travellers)
    t_issuers = [ISSUERS[i] for i in rng.integers(0, len(ISSUERS), travellers)]
    r_numbers = _numbers(rng, register - planted)
    r_issuers = [ISSUERS[i] for i in rng.integers(0, len(ISSUERS), register - planted)]
    picks = rng.choice(travellers, planted, replace=False)
    for k, row in enumerate(picks):
        number = t_numbers[row]
        r_numbers.append(number.translate(LOOK_ALIKE) if k % 3 == 0 else number)
        r_issuers.append(t_issuers[row])
    trav = pl.DataFrame({"id": range(travellers), "document_number": t_numbers,
                         "issuer": t_issuers})
    reg = pl.DataFrame({"document_number": r_numbers, "issuer": r_issuers})
    started = time.perf_counter()
    hits = bulk_match(trav, reg)
    seconds = time.perf_counter() - started
    found = set(hits["id"].to_list()) & {int(p) for p in picks}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return DocumentResult(travellers, register, seconds, hits.height, planted, len(found), peak)
