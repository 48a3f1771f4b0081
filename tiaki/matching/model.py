"""Fellegi-Sunter scoring: every field adds log2(m/u) bits of evidence, the sum becomes a
match probability.

m = P(level | same person), u = P(level | different people) (Fellegi & Sunter, "A theory for
record linkage", JASA 64, 1969). The m values below are fixed priors in the range that Splink's
and the US Census Bureau's estimates on civil data land in (Winkler 1988; Splink's FEBRL and
"historical people" tutorials). u values are what chance gives: the number of distinct values a
field takes. Names get their u from the data, token by token (`stats`, `names`), which is what
keeps a common name from raising an alert on its own.

The score is the posterior probability 2^W / (1 + 2^W) with W = prior + the evidence, so a
threshold of 0.5 means "more likely the same person than not".
"""

from __future__ import annotations

import math

import polars as pl

from tiaki.matching.fields import CLOSE, DIFFERS, EXACT, ONE_DIGIT, PARTIAL, SAME, SWAPPED

# Share of query records expected to have a partner on the reference side (see prior_bits).
BASE_RATE = {"link": 1.0, "dedupe": 0.1}
SCREEN_PER_PERSON = 1e-6
SCREEN_MAX_SHARE = 1e-3


def _bits(m: float, u: float) -> float:
    return math.log2(m / u)


# Names. Agreeing tokens earn their own bits (`names.compare`). A pair of contradicting tokens
# ("Viktorovich" vs "Ivanovich", "Michael" vs "Benjamin") appears in 1-2% of true matches
# (FEBRL's generator and census re-enumerations alike) but in almost every non-match that
# shares a surname; an extra token (a middle name given on one side) in a third of true matches.
NAME_CONFLICT = _bits(0.015, 0.95)
NAME_EXTRA = _bits(0.3, 0.5)
NAME_DISAGREE = _bits(0.02, 0.9)  # no token agrees at all
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
    return float(min(max((shares["proportion"] ** 2).sum(), 0.01), 0.9))


def name_weight() -> pl.Expr:
    """Bits of evidence from the name comparison columns of `names.compare`."""
    return (
        pl.when(pl.col("name_sim").is_null())
        .then(0.0)
        .when(pl.col("name_bits") <= 0)
        .then(NAME_DISAGREE)
        .when(pl.col("initials_only"))
        .then(pl.min_horizontal(pl.col("name_bits"), pl.lit(INITIALS_ONLY_MAX)))
        .otherwise(
            pl.col("name_bits")
            + NAME_CONFLICT * pl.col("conflicts")
            + NAME_EXTRA * pl.col("extras")
        )
    )


def field_weights(nat_u: float) -> dict[str, pl.Expr]:
    """Bits of evidence per non-name field, from the levels of `fields.compare_fields`."""
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
    return {
        "w_dob": dob_w,
        "w_sex": _map("sex", SEX),
        "w_nat": _map("nat", nat),
        "w_doc": _map("doc", DOC),
        "w_phone": _map("phone", PHONE),
        "w_email": _map("email", EMAIL),
        "w_address": addr_w,
        "w_postcode": _map("postcode", POSTCODE),
    }


def prior_bits(mode: str, reference_size: int) -> float:
    """log2 prior odds that a candidate pair is a match.

    Each query record has at most one true partner among the reference records, found with
    probability BASE_RATE[mode]; spread over the reference side that gives the prior odds
    (Fellegi & Sunter's lambda). Linking assumes every record has its partner, de-duplication
    that 1 record in 10 has a duplicate. Screening assumes each listed person is 1 traveller in
    a million, and at most 1 traveller in 1,000 is listed (generous on purpose: an alert is
    reviewed by a person). So on a short list a rare name alone alerts and "John Smith" alone
    does not, and on a long list chance look-alikes do not multiply with its length.
    """
    n = max(reference_size, 1)
    rate = min(SCREEN_MAX_SHARE, n * SCREEN_PER_PERSON) if mode == "screen" else BASE_RATE[mode]
    p = rate / n
    return math.log2(p / (1 - p)) if p < 1 else 10.0


def logit_bits(threshold: float) -> float:
    """The total weight W at which the score equals `threshold`."""
    if threshold <= 0:
        return -math.inf
    if threshold >= 1:
        return math.inf
    return math.log2(threshold / (1 - threshold))


def score(weight: pl.Expr) -> pl.Expr:
    # Clip before exponentiating; the probability is 0 or 1 to 6 decimals beyond +-30 bits.
    return 1.0 / (1.0 + (2.0 ** (-weight.clip(-60.0, 60.0))))
