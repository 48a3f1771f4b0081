"""Comparison levels for every field except the name, computed for all candidate pairs at once.

Each field is compared into a small set of named levels; `model` turns a level into evidence.
"""

from __future__ import annotations

import polars as pl
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

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
    return pl.format("{}{}{}", y.cast(pl.String), m.cast(pl.String).str.zfill(2),
                     d.cast(pl.String).str.zfill(2))  # fmt: skip


def dob_level(df: pl.DataFrame) -> pl.Series:
    """exact / day-month swapped / one digit off / partial (agree as far as both go) / differs.

    Tolerances follow the error types measured in civil-registration data: transposed day and
    month (US vs European order), one mistyped digit, and missing day or month
    (Christen, "Data Matching", Springer 2012, ch. 5.3).
    """
    full_l = _l("dob_m").is_not_null() & _l("dob_d").is_not_null()
    full_r = _r("dob_m").is_not_null() & _r("dob_d").is_not_null()
    d8 = df.select(_dob8("l").alias("a"), _dob8("r").alias("b"))
    full = df.select((full_l & full_r).alias("f"))["f"]
    dist = pl.Series(
        process.cpdist(d8["a"].fill_null(""), d8["b"].fill_null(""), scorer=OSA.distance, workers=-1)
    )
    y_eq = _l("dob_y") == _r("dob_y")
    m_ok = _l("dob_m").is_null() | _r("dob_m").is_null() | (_l("dob_m") == _r("dob_m"))
    d_ok = _l("dob_d").is_null() | _r("dob_d").is_null() | (_l("dob_d") == _r("dob_d"))
    swapped = (_l("dob_m") == _r("dob_d")) & (_l("dob_d") == _r("dob_m"))
    dist_col = pl.lit(dist).alias("dist")
    level = (
        pl.when(_l("dob_y").is_null() | _r("dob_y").is_null())
        .then(None)
        .when(pl.lit(full) & y_eq & m_ok & d_ok)
        .then(pl.lit(EXACT))
        .when(pl.lit(full) & y_eq & swapped)
        .then(pl.lit(SWAPPED))
        .when(pl.lit(full) & (dist_col == 1))
        .then(pl.lit(ONE_DIGIT))
        .when(~pl.lit(full) & y_eq & m_ok & d_ok)
        .then(pl.lit(PARTIAL))
        .otherwise(pl.lit(DIFFERS))
    )
    return df.select(level.alias("dob")).get_column("dob")


def dob_precision(df: pl.DataFrame) -> pl.Series:
    """Finest date part known on both sides: 3 day, 2 month, 1 year."""
    m = _l("dob_m").is_not_null() & _r("dob_m").is_not_null()
    d = _l("dob_d").is_not_null() & _r("dob_d").is_not_null()
    prec = pl.when(m & d).then(3).when(m).then(2).otherwise(1)
    return df.select(prec.alias("p")).get_column("p")


def document_level(df: pl.DataFrame) -> pl.Series:
    """same / one edit (typo or transposed characters) / differs, for the document number.

    A number that agrees but was issued by different countries counts as "differs": passport
    numbers are unique only within the issuing state (ICAO Doc 9303 part 4).
    """
    both = df.select(_both("doc").alias("b"))["b"]
    dist = pl.Series(
        process.cpdist(
            df["l_doc"].fill_null(""), df["r_doc"].fill_null(""), scorer=OSA.distance, workers=-1
        )
    )
    country_clash = _both("doc_country") & (_l("doc_country") != _r("doc_country"))
    level = (
        pl.when(~pl.lit(both))
        .then(None)
        .when(country_clash)
        .then(pl.lit(DIFFERS))
        .when(pl.lit(dist) == 0)
        .then(pl.lit(SAME))
        .when((pl.lit(dist) == 1) & (_l("doc").str.len_chars() >= 6))
        .then(pl.lit(CLOSE))
        .otherwise(pl.lit(DIFFERS))
    )
    return df.select(level.alias("doc")).get_column("doc")


def address_sim(df: pl.DataFrame) -> pl.Series:
    """Token-sort similarity of addresses (0-1), null when either is missing."""
    both = df.select(_both("address").alias("b"))["b"]
    sim = pl.Series(
        process.cpdist(
            df["l_address"].fill_null(""),
            df["r_address"].fill_null(""),
            scorer=fuzz.token_sort_ratio,
            workers=-1,
        )
    ) / 100.0
    return df.select(pl.when(pl.lit(both)).then(pl.lit(sim)).alias("a")).get_column("a")


def compare_fields(df: pl.DataFrame) -> pl.DataFrame:
    """Levels of every non-name field for a frame of pairs with ``l_``/``r_`` columns."""
    return pl.DataFrame(
        {
            "dob": dob_level(df),
            "dob_prec": dob_precision(df),
            "sex": df.select(_same_or_differs("sex").alias("x"))["x"],
            "nat": df.select(_same_or_differs("nat").alias("x"))["x"],
            "doc": document_level(df),
            "phone": df.select(_same_or_differs("phone").alias("x"))["x"],
            "email": df.select(_same_or_differs("email").alias("x"))["x"],
            "address": address_sim(df),
            "postcode": df.select(_same_or_differs("postcode").alias("x"))["x"],
        }
    )
