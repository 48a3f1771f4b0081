"""Lost, stolen and revoked travel document matching (the check INTERPOL's SLTD database and
national registers are queried for at the border).

A document number is compared with the register twice:

* *exact*: after normalisation (Unicode NFKC, upper case, separators such as blanks, dashes,
  dots, slashes and MRZ fillers removed);
* *confusable*: after additionally folding characters that OCR, handwriting and re-keying mix
  up (O/Q/D->0, I/L->1, S->5, B->8, Z->2, G->6, and Cyrillic/Greek letters that look Latin).
  ICAO Doc 9303 Part 3 (section 4.5) restricts MRZ document numbers to A-Z, 0-9 and '<', and
  the OCR-B font is where these confusions arise.

A hit also needs the same issuing state (alpha-3, alpha-2 accepted): numbers are only unique per
issuer. When the traveller's issuer is unknown a hit is still returned, marked so.

:func:`bulk_match` does this for whole data frames with one polars join on the folded key
(1,000,000 x 1,000,000 rows in seconds); :class:`DocumentRegistry` serves single look-ups.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import polars as pl

from ._iso3166 import ALPHA2_TO_ALPHA3

__all__ = [
    "CONFUSABLES",
    "DocumentHit",
    "DocumentRegistry",
    "RegisteredDocument",
    "bulk_match",
    "explain_match",
    "fold_number",
    "normalise_issuer",
    "normalise_number",
]

# Look-alike letters from other scripts first (to Latin), then Latin letters to the digit they
# are mistaken for. Applied per character, so lengths and positions are preserved.
_HOMOGLYPHS = {
    # Cyrillic
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}  # fmt: skip
CONFUSABLES: dict[str, str] = {
    "O": "0", "Q": "0", "D": "0",
    "I": "1", "L": "1",
    "S": "5", "B": "8", "Z": "2", "G": "6",
}  # fmt: skip
_FOLD = {k: CONFUSABLES.get(v, v) for k, v in _HOMOGLYPHS.items()} | CONFUSABLES
_FOLD_TABLE = str.maketrans(_FOLD)
_NOT_ASCII_ALNUM = re.compile(r"[^A-Z0-9]")
_ISSUER_MAP = {**ALPHA2_TO_ALPHA3, "D": "DEU"}  # "D" is Germany's MRZ code (Doc 9303 Part 3)

MatchKind = Literal["exact", "confusable"]
IssuerMatch = Literal["same", "unknown"]


def normalise_number(number: str | None) -> str:
    """NFKC (full-width digits to ASCII), upper case, keep letters and digits only."""
    if not number:
        return ""
    if number.isascii() and number.isalnum():
        return number.upper()  # NFKC leaves ASCII as it is, and every character is kept
    if number.isascii():  # separators too: ASCII letters and digits are [A-Za-z0-9]
        return _NOT_ASCII_ALNUM.sub("", number.upper())
    return "".join(c for c in unicodedata.normalize("NFKC", number).upper() if c.isalnum())


def fold_number(number: str | None) -> str:
    """The confusable-folded key: equal keys mean the numbers could be the same document."""
    return normalise_number(number).translate(_FOLD_TABLE)


def normalise_issuer(issuer: str | None) -> str | None:
    if not issuer:
        return None
    code = issuer.strip().upper().rstrip("<")
    return _ISSUER_MAP.get(code, code) or None


def explain_match(traveller_number: str, registered_number: str) -> tuple[MatchKind, str] | None:
    """Why two numbers match, or None if they do not even after folding.

    The explanation names each position (1-based) where the traveller's character had to be
    read as the registered one, e.g. "number equal after folding O→0 at position 9".
    """
    a, b = normalise_number(traveller_number), normalise_number(registered_number)
    if not a or not b:
        return None
    if a == b:
        return "exact", "exact number"
    if a.translate(_FOLD_TABLE) != b.translate(_FOLD_TABLE):
        return None
    diffs = [f"{x}→{y} at position {i}" for i, (x, y) in enumerate(zip(a, b, strict=True), 1)
             if x != y]
    return "confusable", "number equal after folding " + ", ".join(diffs)


def _issuer_text(match: IssuerMatch) -> str:
    return "same issuer" if match == "same" else "issuer not recorded for traveller"


@dataclass(frozen=True, slots=True)
class RegisteredDocument:
    """An entry of a lost/stolen/revoked document register."""

    number: str
    issuer: str | None
    doc_type: str | None = None
    status: str | None = None  # e.g. "stolen", "lost", "revoked"
    reference: str | None = None  # the register's own record id


@dataclass(frozen=True, slots=True)
class DocumentHit:
    registered: RegisteredDocument
    kind: MatchKind
    issuer_match: IssuerMatch
    explanation: str


class DocumentRegistry:
    """In-memory register for one-at-a-time look-ups (e.g. a visa application being keyed)."""

    def __init__(self, documents: Iterable[RegisteredDocument]) -> None:
        self._by_key: dict[str, list[RegisteredDocument]] = {}
        for doc in documents:
            key = fold_number(doc.number)
            if key:
                self._by_key.setdefault(key, []).append(doc)

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_key.values())

    def lookup(self, number: str | None, issuer: str | None = None) -> list[DocumentHit]:
        """Register entries matching ``number`` (exact or confusable) from the same issuer;
        all issuers when ``issuer`` is unknown. Exact hits come first."""
        hits = []
        wanted = normalise_issuer(issuer)
        for doc in self._by_key.get(fold_number(number), ()):
            reg_issuer = normalise_issuer(doc.issuer)
            if wanted is not None and reg_issuer != wanted:
                continue
            why = explain_match(number or "", doc.number)
            if why is None:  # cannot happen for equal folded keys; kept for safety
                continue
            issuer_match: IssuerMatch = "same" if wanted is not None else "unknown"
            hits.append(DocumentHit(doc, why[0], issuer_match,
                                    f"{why[1]}, {_issuer_text(issuer_match)}"))
        hits.sort(key=lambda h: h.kind != "exact")
        return hits


def _keys(number: pl.Expr, issuer: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """Vectorised twins of normalise_number / fold_number / normalise_issuer."""
    norm = number.str.normalize("NFKC").str.to_uppercase().str.replace_all(r"[^\p{L}\p{N}]", "")
    folded = norm.str.replace_many(list(_FOLD), list(_FOLD.values()))
    iss = issuer.cast(pl.String).str.strip_chars().str.to_uppercase().str.strip_chars_end("<")
    iss = pl.when(iss == "").then(None).otherwise(iss.replace(_ISSUER_MAP))
    return norm, folded, iss


def bulk_match(
    travellers: pl.DataFrame | pl.LazyFrame,
    registry: pl.DataFrame | pl.LazyFrame,
    *,
    number: str = "document_number",
    issuer: str = "issuer",
    registry_number: str = "document_number",
    registry_issuer: str = "issuer",
    include_unknown_issuer: bool = True,
) -> pl.DataFrame:
    """Every (traveller, registered document) pair whose numbers match, exact or confusable.

    Returns the columns of both frames (registry columns suffixed ``_registry`` on a name
    clash) plus ``traveller_row`` / ``registry_row`` (0-based input row numbers),
    ``match_kind`` ("exact" / "confusable"), ``issuer_match`` ("same" / "unknown") and
    ``explanation``. Rows without a number never match.
    """
    t = travellers.lazy().with_row_index("traveller_row")
    r = registry.lazy().with_row_index("registry_row")
    t_norm, t_fold, t_iss = _keys(pl.col(number), pl.col(issuer))
    r_norm, r_fold, r_iss = _keys(pl.col(registry_number), pl.col(registry_issuer))
    t = t.with_columns(_t_norm=t_norm, _key=t_fold, _iss=t_iss).filter(pl.col("_key") != "")
    r = r.with_columns(_r_norm=r_norm, _key=r_fold, _iss=r_iss).filter(pl.col("_key") != "")

    same = t.filter(pl.col("_iss").is_not_null()).join(
        r, on=["_key", "_iss"], how="inner", suffix="_registry"
    ).with_columns(issuer_match=pl.lit("same"))
    parts = [same]
    if include_unknown_issuer:
        unknown = t.filter(pl.col("_iss").is_null()).drop("_iss").join(
            r.drop("_iss"), on="_key", how="inner", suffix="_registry"
        ).with_columns(issuer_match=pl.lit("unknown"))
        parts.append(unknown)
    hits = pl.concat(parts, how="diagonal_relaxed").collect()

    exact = pl.col("_t_norm") == pl.col("_r_norm")
    hits = hits.with_columns(match_kind=pl.when(exact).then(pl.lit("exact"))
                             .otherwise(pl.lit("confusable")))
    # Character-level explanations only for the (few) confusable pairs; exact ones are constant.
    conf = hits.filter(pl.col("match_kind") == "confusable")
    details = [
        (explain_match(a, b) or ("confusable", "number equal after folding"))[1]
        for a, b in zip(conf["_t_norm"].to_list(), conf["_r_norm"].to_list(), strict=True)
    ]
    conf = conf.with_columns(_why=pl.Series(details, dtype=pl.String))
    rest = hits.filter(pl.col("match_kind") == "exact").with_columns(_why=pl.lit("exact number"))
    hits = pl.concat([rest, conf], how="vertical")
    issuer_text = (
        pl.when(pl.col("issuer_match") == "same")
        .then(pl.lit(_issuer_text("same")))
        .otherwise(pl.lit(_issuer_text("unknown")))
    )
    hits = hits.with_columns(explanation=pl.concat_str([pl.col("_why"), issuer_text],
                                                       separator=", "))
    return hits.drop("_t_norm", "_r_norm", "_key", "_iss", "_why", strict=False).sort(
        "traveller_row", "registry_row"
    )
