"""Fellegi-Sunter scoring: every field adds log2(m/u) bits of evidence, the sum becomes a
match probability. One definition, in numpy, for the batch and the single-record paths.

m = P(level | same person), u = P(level | different people) (Fellegi & Sunter, "A theory for
record linkage", JASA 64, 1969). Both are *estimated from the data* when an index is built
(`estimate`), as Splink does: u from random pairs of records, m by expectation maximisation
over the blocked candidate pairs (Winkler 1988; Splink's `estimate_parameters_using_
expectation_maximisation`). The values below are the priors the estimates start from and are
pulled towards (a Dirichlet prior worth `PRIOR_PAIRS` pairs), so a short watchlist with hardly
any true pairs among its candidates keeps sensible weights. Names get their evidence from
token frequencies (`stats`, `names`): the term-frequency adjustment that makes a common name
need more evidence than a rare one.

The score is the posterior probability 2^W / (1 + 2^W) with W = prior + the evidence, so a
threshold of 0.5 means "more likely the same person than not".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from tiaki.matching import fields as f

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

# Prior (m, u) per level, in the order of `fields.LEVELS`. Dates: u by how precisely both
# are known over ~50 years of birth dates; a full date years away is rare for one person
# (a typo in the year is "one digit off") and usual for two.
PRIORS: dict[str, list[tuple[float, float]]] = {
    "dob": [
        (0.85, 1 / 18_250),  # exact
        (0.02, 1 / 30_000),  # day/month swapped
        (0.06, 20 / 18_250),  # one digit off
        (0.02, 1 / 55),  # agrees on year only
        (0.85, 1 / 50),  # agrees on year (the other side knows only the year)
        (0.85, 1 / 600),  # agrees on year and month
        (0.01, 0.16),  # differs (years close)
        (0.002, 0.82),  # years apart
        (0.85, 1 / 18_250),  # same as written
        (0.06, 20 / 18_250),  # one character off as written
    ],
    "sex": [(0.98, 0.5), (0.02, 0.5)],
    "nat": [(0.9, 0.05), (0.1, 0.95)],  # dual nationals, changed nationality
    "doc": [(0.6, 1e-7), (0.05, 1e-5), (0.35, 1.0)],
    "phone": [(0.5, 1e-6), (0.5, 1.0)],
    # same user name at another domain; one or two characters off (people at one domain with
    # alike user names, "j.smith" and "j.smyth", are far commoner than one shared address)
    "email": [(0.5, 1e-7), (0.05, 1e-5), (0.1, 1e-4), (0.35, 1.0)],
    "address": [(0.6, 5e-4), (0.2, 5e-3), (0.2, 0.99)],
    "postcode": [(0.85, 2e-3), (0.15, 1.0)],
}
# Strength of the priors, in pairs: EM's m estimates and the random-pair u estimates are
# pulled towards the priors as if this many pairs had shown them.
PRIOR_PAIRS = 50.0
U_PRIOR_PAIRS = 2_000.0
M_FLOOR, U_FLOOR = 1e-4, 1e-8
EM_ITERATIONS = 12
# Levels whose u is too small to be seen among random pairs keep the prior's u: the chance
# that two people share a passport or e-mail address is not estimable from a sample.
FIXED_U = {("doc", 0), ("doc", 1), ("phone", 0), ("email", 0)}
# Levels rare among random pairs of one file but not rare in a population: their u may be
# estimated higher than the prior, never lower (a sample of 200,000 pairs that shows none
# would otherwise make them worth 20 bits and more).
MIN_U = {("email", 1), ("email", 2)}


@dataclass
class Params:
    """m and u per level of each field, and what they were estimated from."""

    m: dict[str, np.ndarray] = field(default_factory=dict)
    u: dict[str, np.ndarray] = field(default_factory=dict)
    pairs_for_u: int = 0
    pairs_for_m: int = 0
    match_share: float | None = None

    @classmethod
    def priors(cls) -> Params:
        return cls(
            m={k: np.array([p[0] for p in v]) for k, v in PRIORS.items()},
            u={k: np.array([p[1] for p in v]) for k, v in PRIORS.items()},
        )

    def bits(self) -> dict[str, np.ndarray]:
        """log2(m/u) per level of each field, plus 0 for NULL in the last slot."""
        return {
            k: np.append(np.log2(np.maximum(self.m[k], M_FLOOR) / np.maximum(self.u[k], U_FLOOR)),
                         0.0)
            for k in PRIORS
        }  # fmt: skip

    def field_weights(self, lv: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Bits of evidence per field for every pair (NULL -> 0: index -1 is the last slot)."""
        table = self.bits()
        return {k: table[k][lv[k].astype(np.int64)] for k in PRIORS}

    def describe(self) -> dict[str, dict[str, dict[str, float]]]:
        """The estimated parameters in words (for people checking an index)."""
        return {
            k: {
                name: {"m": float(self.m[k][i]), "u": float(self.u[k][i]),
                       "bits": float(self.bits()[k][i])}
                for i, name in enumerate(f.LEVELS[k])
            }
            for k in PRIORS
        }  # fmt: skip


def estimate_u(lv: dict[str, np.ndarray], prior: Params) -> dict[str, np.ndarray]:
    """u per level from the levels of random pairs (nearly all of them non-matches)."""
    out = {}
    for k in PRIORS:
        codes = lv[k][lv[k] >= 0].astype(np.int64)
        counts = np.bincount(codes, minlength=len(f.LEVELS[k])).astype(np.float64)
        n = counts.sum()
        est = (counts + U_PRIOR_PAIRS * prior.u[k]) / (n + U_PRIOR_PAIRS * prior.u[k].sum())
        for level in range(len(f.LEVELS[k])):
            if (k, level) in FIXED_U:
                est[level] = prior.u[k][level]
            elif (k, level) in MIN_U:
                est[level] = max(est[level], prior.u[k][level])
        out[k] = est
    return out


# Fields whose agreement goes with the name: two different people called "Nguyen Van An" are
# nearly always of one nationality, and a given name says the sex. Random pairs make their
# agreement look like evidence it is not once the names agree (Fellegi-Sunter's conditional
# independence fails), so in screening their u is also estimated among different listed
# people whose names are alike (`estimate_u_alike`).
NAME_DEPENDENT = ("sex", "nat")


def estimate_u_alike(lv: dict[str, np.ndarray], u: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """u of the `NAME_DEPENDENT` fields from pairs of different people with alike names, pulled
    towards the random-pair estimate `u` as if U_PRIOR_PAIRS pairs had shown it."""
    out = dict(u)
    for k in NAME_DEPENDENT:
        codes = lv[k][lv[k] >= 0].astype(np.int64)
        counts = np.bincount(codes, minlength=len(f.LEVELS[k])).astype(np.float64)
        out[k] = (counts + U_PRIOR_PAIRS * u[k]) / (counts.sum() + U_PRIOR_PAIRS * u[k].sum())
    return out


# The name enters EM as a level of its own (Splink's and Winkler's practice), by similarity:
# the token-frequency bits used for scoring assume every agreeing token is certain, which is
# too confident to separate matches from look-alikes while the other weights are learnt.
NAME_EM_CUTS = [0.95, 0.85, 0.7]


def name_em_levels(name_sim: np.ndarray) -> np.ndarray:
    """Similarity bands of the name for EM (nan = no name: level -1)."""
    sim = np.nan_to_num(name_sim, nan=-1.0)
    level = np.select([sim >= c for c in NAME_EM_CUTS], list(range(len(NAME_EM_CUTS))),
                      len(NAME_EM_CUTS))  # fmt: skip
    return np.where(sim < 0, -1, level)


def estimate_m(
    lv: dict[str, np.ndarray], name_sim: np.ndarray, u: dict[str, np.ndarray], prior: Params
) -> tuple[dict[str, np.ndarray], float]:
    """m per level by expectation maximisation over candidate pairs.

    The E-step gives each pair its probability of being a match from its levels (the name's
    similarity band among them, whose m and u EM estimates too); the M-step sets m to the
    match-weighted share of each level, with the prior as pseudo-counts. u of the fields stays
    as estimated from random pairs.
    """
    m = {k: prior.m[k].copy() for k in PRIORS}
    n = len(name_sim)
    if n == 0:
        return m, 0.0
    name_lv = name_em_levels(name_sim)
    k_name = len(NAME_EM_CUTS) + 1
    name_m = np.array([0.85, 0.1, 0.04, 0.01])
    name_u = np.array([0.05, 0.1, 0.25, 0.6])
    lam = 0.3
    has_name = name_lv >= 0
    for _ in range(EM_ITERATIONS):
        params = Params(m=m, u=u)
        name_w = np.where(has_name, np.log2(name_m / name_u)[np.maximum(name_lv, 0)], 0.0)
        logit = np.log2(lam / (1 - lam)) + name_w + sum(params.field_weights(lv).values())
        p = 1.0 / (1.0 + np.exp2(-np.clip(logit, -60, 60)))
        lam = float(np.clip(p.mean(), 1e-6, 0.999))
        new = {}
        for k in PRIORS:
            ok = lv[k] >= 0
            codes = lv[k][ok].astype(np.int64)
            weighted = np.bincount(codes, weights=p[ok], minlength=len(f.LEVELS[k]))
            est = (weighted + PRIOR_PAIRS * prior.m[k]) / (weighted.sum() + PRIOR_PAIRS)
            new[k] = np.maximum(est, M_FLOOR)
        m = new
        codes = name_lv[has_name]
        pm = np.bincount(codes, weights=p[has_name], minlength=k_name) + 1.0
        pu = np.bincount(codes, weights=1 - p[has_name], minlength=k_name) + 1.0
        name_m, name_u = pm / pm.sum(), pu / pu.sum()
    if m["dob"][f.DOB_EXACT] < m["dob"][f.DOB_YEARS_APART]:
        # The class EM found disagrees on the date of birth more often than it agrees: it is
        # not "the same person" (people of one family or one country, alike names). Keep the
        # priors rather than weights under which a date decades away costs nothing.
        return {k: prior.m[k].copy() for k in PRIORS}, 0.0
    return m, lam


def name_weight(
    name_sim: np.ndarray,
    name_bits: np.ndarray,
    initials_only: np.ndarray,
    conflicts: np.ndarray,
    extras: np.ndarray,
) -> np.ndarray:
    """Bits of evidence from the name comparison (`names.compare`); nan name_sim = no name."""
    w = name_bits + NAME_CONFLICT * conflicts + NAME_EXTRA * extras
    w = np.where(initials_only, np.minimum(name_bits, INITIALS_ONLY_MAX), w)
    w = np.where(name_bits <= 0, NAME_DISAGREE, w)
    return np.where(np.isnan(name_sim), 0.0, w)


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


def score(weight: np.ndarray) -> np.ndarray:
    # Clip before exponentiating; the probability is 0 or 1 to 6 decimals beyond +-30 bits.
    return 1.0 / (1.0 + np.exp2(-np.clip(weight, -60.0, 60.0)))
