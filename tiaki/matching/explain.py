"""Human-readable explanations of a scored pair: ONE definition for both paths.

Example: "name 0.97 (transliterated: Иванов→ivanov), dob day/month swapped, nationality same,
document number differs". Only fields present on both sides are mentioned. Explanations are
written for reported pairs only (a few per query record), so plain Python is fast enough for
the batch engine and the single-record `Screener` alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tiaki.matching import fields

# Below this many bits a name is called common in the explanation (1 person in 4,000).
COMMON_NAME_BITS = 12.0
_NON_ASCII = re.compile(r"[^\x00-\x7F]")


def _translit(raw: str | None, tok: list[str]) -> str | None:
    if raw is None or not _NON_ASCII.search(raw):
        return None
    return f"{raw}→{' '.join(tok)}"


def _count(n: int, word: str) -> str | None:
    return f"1 {word}" if n == 1 else f"{n} {word}s" if n > 1 else None


def _name(nm: Mapping[str, Any], q: Mapping[str, Any], r: Mapping[str, Any]) -> str | None:
    sim = nm["name_sim"]
    if sim is None or sim != sim:  # None or nan: no name on one side
        return None
    translit = ", ".join(
        t for t in (_translit(q["name"], q["tok"]), _translit(r["name"], r["tok"])) if t
    )
    notes = [
        f"transliterated: {translit}" if translit else None,
        nm.get("variant") or None,
        "order differs" if nm["reordered"] else None,
        "words joined or split" if nm["joined"] else None,
        _count(int(nm["initials"]), "initial"),
        _count(int(nm["extras"]), "extra name"),
        _count(int(nm["conflicts"]), "conflicting name"),
        "common name" if nm["name_bits"] < COMMON_NAME_BITS and sim >= 0.6 else None,
    ]
    note = "; ".join(n for n in notes if n)
    head = f"name {round(float(sim), 2)}"
    return f"{head} ({note})" if note else head


def describe(
    q: Mapping[str, Any],
    r: Mapping[str, Any],
    levels: Mapping[str, int],
    nm: Mapping[str, Any],
    address: float | None,
) -> str:
    """One explanation. `q`/`r` carry ``name`` and ``tok`` of each side, `levels` the level
    code of every field (`fields.levels`), `nm` the name comparison, `address` its similarity."""
    parts = [_name(nm, q, r)]
    for key, label in fields.LABELS.items():
        code = int(levels[key])
        if code < 0:
            continue
        word = fields.LEVELS[key][code]
        if key == "address" and address is not None:
            word = f"{round(float(address), 2)}"
        parts.append(f"{label} {word}")
    return ", ".join(p for p in parts if p)
