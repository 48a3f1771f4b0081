"""Fellegi-Sunter scoring: every field adds log2(m/u) bits of evidence, the sum becomes a
match probability.

m = P(level | same person), u = P(level | different people) (Fellegi & Sunter, "A theory for
record linkage", JASA 64, 1969). The m values below are fixed priors in the range that Splink's
and the US Census Bureau's estimates on civil data land in (Winkler 1988; Splink's FEBRL and
"historical people" tutorials). u values are what chance gives: the number of distinct values a
field takes. Names get their u from the data, token by token (`stats`, `names`), which is what
keeps a common name from raising an alert on its own.

The score is the posterior probability 2^W / (1 + 2^W) with W = PRIOR_BITS + the evidence, so
a threshold of 0.5 means "more likely the same person than not".
"""

from __future__ import annotations

import math

import polars as pl

from tiaki.matching.fields import CLOSE, DIFFERS, EXACT, ONE_DIGIT, PARTIAL, SAME, SWAPPED

# Prior odds that a candidate pair is a match, in bits: 2^-15 is about 1 in 33,000. With it a
# full name of two tokens that are each carried by 1 person in 300 (about 16 bits) is not
# enough alone, while a name that rare plus a date of birth is.
PRIOR_BITS = -15.0


def _bits(m: float, u: float) -> float:
    return math.log2(m / u)


# Names. A conflicting pair of tokens ("Viktorovich" vs "Ivanovich") happens in 5% of true
# matches but in most non-matches that got this far; an extra token (a middle name given only
# on one side) in a third of true matches.
NAME_CONFLICT = _bits(0.05, 0.8)
NAME_EXTRA = _bits(0.3, 0.5)
NAME_DISAGREE = _bits(0.02, 0.9)  # names below NAME_AGREE: essentially a different name
NAME_AGREE = 0.6
INITIALS_ONLY_MAX = 4.0

# Date of birth: u by how precisely both dates are known (year, month, day) over ~50 years.
DOB_U = {1: 1 / 50, 2: 1 / 600, 3: 1 / 18_250}
DOB_M = {EXACT: 0.85, PARTIAL: 0.85, SWAPPED: 0.02, ONE_DIGIT: 0.05}
DOB_ONE_DIGIT_U = 20 / 18_250  # 8 digits, a few plausible slips each
DOB_DIFFERS = _bits(0.05, 0.98)

SEX = {SAME: _bits(0.98, 0.5), DIFFERS: _bits(0.02, 0.5)}
NAT_M_SAME, NAT_M_DIFFERS = 0.9, 0.1  # dual nationals, changed nationality
DOC = {SAME: _bits(0.6, 1e-7), CLOSE: _bits(0.05, 1e-5), DIFFERS: _bits(0.4, 1.0)}
PHONE = {SAME: _bits(0.5, 1e-6), DIFFERS: _bits(0.5, 1.0)}
EMAIL = {SAME: _bits(0.5, 1e-7), DIFFERS: _bits(0.5, 1.0)}
ADDRESS_HIGH, ADDRESS_MID = 0.9, 0.75
ADDRESS = {"high": _bits(0.6, 5e-4), "mid": _bits(0.2, 5e-3), "low": _bits(0.2, 0.99)}
POSTCODE = {SAME: _bits(0.85, 2e-3), DIFFERS: _bits(0.15, 1.0)}


def _map(col: str, table: dict[str, float]) -> pl.Expr:
    return pl.col(col).replace_strict(table, default=0.0, return_dtype=pl.Float64).fill_null(0.0)


def nationality_u(values: pl.Series) -> float:
    """Chance that two random people share a nationality: the sum of squared shares."""
    shares = values.drop_nulls().value_counts(normalize=True)
    if shares.is_empty():
        return 0.05
    return float(max((shares["proportion"] ** 2).sum(), 0.01))


def evidence(df: pl.DataFrame, nat_u: float) -> pl.DataFrame:
    """Bits per field and the score, from the name comparison and field levels of each pair."""
    name_w = (
        pl.when(pl.col("name_sim").is_null())
        .then(0.0)
        .when(pl.col("name_sim") < NAME_AGREE)
        .then(NAME_DISAGREE)
        .when(pl.col("initials_only"))
        .then(pl.min_horizontal(pl.col("name_bits"), pl.lit(INITIALS_ONLY_MAX)))
        .otherwise(
            pl.col("name_bits")
            + NAME_CONFLICT * pl.col("conflicts")
            + NAME_EXTRA * pl.col("extras")
        )
    )
    dob_m = pl.col("dob").replace_strict(DOB_M, default=0.05, return_dtype=pl.Float64)
    dob_u = pl.col("dob_prec").replace_strict(DOB_U, return_dtype=pl.Float64)
    dob_w = (
        pl.when(pl.col("dob").is_null())
        .then(0.0)
        .when(pl.col("dob") == DIFFERS)
        .then(DOB_DIFFERS)
        .when(pl.col("dob") == ONE_DIGIT)
        .then((dob_m / DOB_ONE_DIGIT_U).log(2))
        .otherwise((dob_m / dob_u).log(2))
    )
    nat = {SAME: _bits(NAT_M_SAME, nat_u), DIFFERS: _bits(NAT_M_DIFFERS, 1 - nat_u)}
    addr = pl.col("address")
    addr_w = (
        pl.when(addr.is_null())
        .then(0.0)
        .when(addr >= ADDRESS_HIGH)
        .then(ADDRESS["high"])
        .when(addr >= ADDRESS_MID)
        .then(ADDRESS["mid"])
        .otherwise(ADDRESS["low"])
    )
    parts = {
        "w_name": name_w,
        "w_dob": dob_w,
        "w_sex": _map("sex", SEX),
        "w_nat": _map("nat", nat),
        "w_doc": _map("doc", DOC),
        "w_phone": _map("phone", PHONE),
        "w_email": _map("email", EMAIL),
        "w_address": addr_w,
        "w_postcode": _map("postcode", POSTCODE),
    }
    out = df.with_columns(**parts)
    total = PRIOR_BITS + pl.sum_horizontal(list(parts))
    # Clip before exponentiating; the probability is 0 or 1 to 6 decimals beyond +-30 bits.
    score = 1.0 / (1.0 + (2.0 ** (-total.clip(-60.0, 60.0))))
    return out.with_columns(weight=total, score=score)
