"""Comparison levels for every field except the name, computed for all candidate pairs at once.

Each field is compared into a small set of named levels; `model` turns a level into evidence.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from tiaki.matching.names import workers

# Level names (also the words used in explanations).
SAME, DIFFERS = "same", "differs"
EXACT, SWAPPED, ONE_DIGIT, PARTIAL = "exact", "day/month swapped", "one digit off", "partial"
CLOSE = "close"


def _l(c: str) -> pl.Expr:
    return pl.col(f"l_{c}")


def _r(c: str) -> pl.Expr:
    return pl.col(f"r_{c}")


def _both(c: str) -> pl.Expr:
    return _l(c).is_not_null() & _r(c).is_not_null()


def _same_or_differs(c: str) -> pl.Expr:
    return pl.when(_both(c)).then(
        pl.when(_l(c) == _r(c)).then(pl.lit(SAME)).otherwise(pl.lit(DIFFERS))
    )


def _dob8(side: str) -> pl.Expr:
    y, m, d = (pl.col(f"{side}_dob_{p}") for p in "ymd")
    return pl.format(
        "{}{}{}", y.cast(pl.String), m.cast(pl.String).str.zfill(2), d.cast(pl.String).str.zfill(2)
    )


def _pairwise(df: pl.DataFrame, a: pl.Expr, b: pl.Expr, scorer: Any) -> pl.Series:
    """RapidFuzz over aligned columns, only for rows where both are present (0 elsewhere)."""
    ab = df.select(a.alias("a"), b.alias("b"))
    both = ab["a"].is_not_null() & ab["b"].is_not_null()
    out = np.zeros(df.height, dtype=np.float64)
    if both.any():
        sub = ab.filter(both)
        idx = both.arg_true().to_numpy()
        out[idx] = process.cpdist(
            sub["a"].to_list(), sub["b"].to_list(), scorer=scorer, workers=workers(sub.height)
        )
    return pl.Series(out)


def _dob(dist: pl.Expr) -> pl.Expr:
    """exact / day-month swapped / one digit off / partial (agree as far as both go) / differs.

    Tolerances follow the error types measured in civil-registration data: transposed day and
    month (US vs European order), one mistyped digit, and missing day or month
    (Christen, "Data Matching", Springer 2012, ch. 5.3).
    """
    full = (
        _l("dob_m").is_not_null()
        & _l("dob_d").is_not_null()
        & _r("dob_m").is_not_null()
        & _r("dob_d").is_not_null()
    )
    y_eq = _l("dob_y") == _r("dob_y")
    m_ok = _l("dob_m").is_null() | _r("dob_m").is_null() | (_l("dob_m") == _r("dob_m"))
    d_ok = _l("dob_d").is_null() | _r("dob_d").is_null() | (_l("dob_d") == _r("dob_d"))
    swapped = (_l("dob_m") == _r("dob_d")) & (_l("dob_d") == _r("dob_m"))
    return (
        pl.when(_l("dob_y").is_null() | _r("dob_y").is_null())
        .then(None)
        .when(full & y_eq & m_ok & d_ok)
        .then(pl.lit(EXACT))
        .when(full & y_eq & swapped)
        .then(pl.lit(SWAPPED))
        .when(full & (dist == 1))
        .then(pl.lit(ONE_DIGIT))
        .when(~full & y_eq & m_ok & d_ok)
        .then(pl.lit(PARTIAL))
        .otherwise(pl.lit(DIFFERS))
    )


def _dob_precision() -> pl.Expr:
    """Finest date part known on both sides: 3 day, 2 month, 1 year."""
    m = _l("dob_m").is_not_null() & _r("dob_m").is_not_null()
    d = _l("dob_d").is_not_null() & _r("dob_d").is_not_null()
    return pl.when(m & d).then(3).when(m).then(2).otherwise(1)


def _document(dist: pl.Expr) -> pl.Expr:
    """same / one edit (typo or transposed characters) / differs, for the document number.

    A number that agrees but was issued by different countries counts as "differs": passport
    numbers are unique only within the issuing state (ICAO Doc 9303 part 4).
    """
    country_clash = _both("doc_country") & (_l("doc_country") != _r("doc_country"))
    return (
        pl.when(~_both("doc"))
        .then(None)
        .when(country_clash)
        .then(pl.lit(DIFFERS))
        .when(dist == 0)
        .then(pl.lit(SAME))
        .when((dist == 1) & (_l("doc").str.len_chars() >= 6))
        .then(pl.lit(CLOSE))
        .otherwise(pl.lit(DIFFERS))
    )


def compare_fields(df: pl.DataFrame) -> pl.DataFrame:
    """Levels of every non-name field for a frame of pairs with ``l_``/``r_`` columns.

    ``address`` is the token-sort similarity of the addresses (0-1), the rest are level names.
    """
    dob_dist = _pairwise(df, _dob8("l"), _dob8("r"), OSA.distance)
    doc_dist = _pairwise(df, _l("doc"), _r("doc"), OSA.distance)
    addr = _pairwise(df, _l("address"), _r("address"), fuzz.token_sort_ratio) / 100.0
    return df.select(
        dob=_dob(pl.lit(dob_dist)),
        dob_prec=_dob_precision(),
        sex=_same_or_differs("sex"),
        nat=_same_or_differs("nat"),
        doc=_document(pl.lit(doc_dist)),
        phone=_same_or_differs("phone"),
        email=_same_or_differs("email"),
        address=pl.when(_both("address")).then(pl.lit(addr)),
        postcode=_same_or_differs("postcode"),
    )
