"""Comparison levels for every field except the name: ONE definition for both paths.

The batch engine (`engine.score_candidates`, millions of pairs) and the single-record
`Screener` (`scalar`, a handful of pairs) both reduce their pairs to the same primitive
arrays (`Inputs`: date parts as integers, "are these equal" flags, edit distances), and the
rules below turn those into levels with numpy, whatever the number of pairs. A rule changed
here changes both paths; `model` turns levels into evidence.

Level codes are small integers (index into each field's `LEVELS` list); -1 means "not
comparable" (missing on either side), which carries no evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from tiaki.matching.names import workers

NULL = -1

# Date of birth. Graded as Splink's DateOfBirthComparison and Christen ("Data Matching",
# Springer 2012, ch. 5.3) recommend for civil data: one mistyped or transposed digit in one
# component, day and month swapped (US vs European order), the year alone, a missing day or
# month, and how far apart the years are. A value that did not parse is compared as written.
DOB_LEVELS = [
    "exact",
    "day/month swapped",
    "one digit off",
    "agrees on year only",
    "agrees on year",
    "agrees on year and month",
    "differs",
    "years apart",
    "same as written",
    "one character off as written",
]
(
    DOB_EXACT,
    DOB_SWAPPED,
    DOB_ONE_DIGIT,
    DOB_YEAR_ONLY,
    DOB_PARTIAL_Y,
    DOB_PARTIAL_YM,
    DOB_DIFFERS,
    DOB_YEARS_APART,
    DOB_TEXT_SAME,
    DOB_TEXT_CLOSE,
) = range(len(DOB_LEVELS))
YEARS_APART = 5

SAME_DIFFERS = ["same", "differs"]
SAME, DIFFERS = 0, 1
DOC_LEVELS = ["same", "one character off", "differs"]
DOC_SAME, DOC_CLOSE, DOC_DIFFERS = range(3)
# E-mail addresses, graded as Splink's `EmailComparison` grades them: the same address, the
# same user name at another domain (a typo in the domain, a changed provider), a slip of one or
# two characters (Christen, "Data Matching", 2012, ch. 5.2: most typing errors are one
# insertion, deletion, substitution or transposition), and different. An address mistyped in
# one character is nearly as specific as the address itself; "differs" alone was the only
# level, so a one-letter slip counted as much against a pair as a stranger's address.
EMAIL_LEVELS = ["same", "same user name", "one or two characters off", "differs"]
EMAIL_SAME, EMAIL_USER, EMAIL_CLOSE, EMAIL_DIFFERS = range(4)
# Two edits only in an address this long (shorter ones: one edit), so "ab@c.de"/"xy@c.de" are
# not "close"; a user name shorter than MIN_USER ("j.c", "f.s": initials) is not specific
# enough for "same user name" (nor to block on, `blocking`).
EMAIL_TWO_EDITS_LEN = 12
MIN_USER = 5
ADDRESS_LEVELS = ["similar", "partly similar", "differs"]
ADDRESS_HIGH, ADDRESS_MID = 0.9, 0.75

# Every compared field: its levels and the words that introduce it in an explanation.
LEVELS: dict[str, list[str]] = {
    "dob": DOB_LEVELS,
    "sex": SAME_DIFFERS,
    "nat": SAME_DIFFERS,
    "doc": DOC_LEVELS,
    "phone": SAME_DIFFERS,
    "email": EMAIL_LEVELS,
    "address": ADDRESS_LEVELS,
    "postcode": SAME_DIFFERS,
}
LABELS = {
    "dob": "dob",
    "sex": "sex",
    "nat": "nationality",
    "doc": "document number",
    "phone": "phone",
    "email": "email",
    "address": "address",
    "postcode": "postcode",
}
EQUALITY_FIELDS = ["sex", "nat", "phone", "postcode"]


@dataclass
class Inputs:
    """Primitive comparisons of n pairs (numpy arrays of length n).

    Dates: year, month, day of each side, 0 where unknown. ``l_text``/``r_text``: the date
    did not parse on that side. ``text_dist``: edit distance of the two dates as written
    (parsed dates as YYYYMMDD), -1 where not computed. ``eq``: per equality field 1 equal,
    0 different, -1 missing. ``doc_dist``/``doc_len``/``doc_clash``: document number edit
    distance, length, issuing states that differ. ``address``: similarity 0-1, nan if missing.
    ``email_dist``: edit distance of the e-mail addresses (-1 missing), ``email_len`` the
    shorter one's length, ``email_user``: the user names (before the last "@") are equal.
    """

    ly: np.ndarray
    lm: np.ndarray
    ld: np.ndarray
    ry: np.ndarray
    rm: np.ndarray
    rd: np.ndarray
    l_text: np.ndarray
    r_text: np.ndarray
    text_dist: np.ndarray
    eq: dict[str, np.ndarray]
    doc_dist: np.ndarray
    doc_len: np.ndarray
    doc_clash: np.ndarray
    address: np.ndarray
    email_dist: np.ndarray
    email_len: np.ndarray
    email_user: np.ndarray


def _digits(v: np.ndarray, n: int) -> list[np.ndarray]:
    return [(v // 10**k) % 10 for k in range(n)]


def _one_edit(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """Numbers of n digits that differ by one substituted digit or two adjacent digits swapped
    (the optimal-string-alignment distance 1 on fixed-width numbers)."""
    da, db = _digits(a, n), _digits(b, n)
    diff = sum((x != y).astype(np.int8) for x, y in zip(da, db, strict=True))
    swap = np.zeros(a.shape, dtype=bool)
    for k in range(n - 1):
        others = np.ones(a.shape, dtype=bool)
        for j in range(n):
            if j not in (k, k + 1):
                others &= da[j] == db[j]
        swap |= others & (da[k] == db[k + 1]) & (da[k + 1] == db[k]) & (da[k] != da[k + 1])
    return (diff == 1) | swap


def dob_levels(x: Inputs) -> np.ndarray:
    ly, lm, ld, ry, rm, rd = x.ly, x.lm, x.ld, x.ry, x.rm, x.rd
    out = np.full(ly.shape, NULL, dtype=np.int8)
    text = x.l_text | x.r_text
    comparable_text = text & (x.text_dist >= 0)
    out[comparable_text] = DOB_DIFFERS
    out[comparable_text & (x.text_dist == 1)] = DOB_TEXT_CLOSE
    out[comparable_text & (x.text_dist == 0)] = DOB_TEXT_SAME
    both = ~text & (ly > 0) & (ry > 0)
    full = both & (lm > 0) & (ld > 0) & (rm > 0) & (rd > 0)
    y_eq, m_eq, d_eq = ly == ry, lm == rm, ld == rd
    one_y = _one_edit(ly, ry, 4) & m_eq & d_eq
    one_m = y_eq & _one_edit(lm, rm, 2) & d_eq
    one_d = y_eq & m_eq & _one_edit(ld, rd, 2)
    swapped = y_eq & (lm == rd) & (ld == rm) & (lm != ld)
    far = np.abs(ly.astype(np.int32) - ry.astype(np.int32)) >= YEARS_APART
    # Full dates on both sides, most specific level first.
    full_level = np.select(
        [y_eq & m_eq & d_eq, swapped, one_y | one_m | one_d, y_eq, far],
        [DOB_EXACT, DOB_SWAPPED, DOB_ONE_DIGIT, DOB_YEAR_ONLY, DOB_YEARS_APART],
        DOB_DIFFERS,
    )
    # One side less precise: agreement as far as both go.
    m_known = (lm > 0) & (rm > 0)
    m_ok = ~m_known | m_eq
    d_ok = (ld == 0) | (rd == 0) | d_eq
    partial_level = np.select(
        [y_eq & m_ok & d_ok & m_known, y_eq & m_ok & d_ok, far],
        [DOB_PARTIAL_YM, DOB_PARTIAL_Y, DOB_YEARS_APART],
        DOB_DIFFERS,
    )
    out[full] = full_level[full]
    part = both & ~full
    out[part] = partial_level[part]
    return out


def _same_differs(eq: np.ndarray) -> np.ndarray:
    return np.where(eq < 0, NULL, np.where(eq == 1, SAME, DIFFERS)).astype(np.int8)


def doc_levels(x: Inputs) -> np.ndarray:
    """same / one edit (typo or transposed characters) / differs, for the document number.

    A number that agrees but was issued by different countries counts as "differs": passport
    numbers are unique only within the issuing state (ICAO Doc 9303 part 4).
    """
    level = np.select(
        [x.doc_clash, x.doc_dist == 0, (x.doc_dist == 1) & (x.doc_len >= 6)],
        [DOC_DIFFERS, DOC_SAME, DOC_CLOSE],
        DOC_DIFFERS,
    )
    return np.where(x.doc_dist < 0, NULL, level).astype(np.int8)


def email_levels(x: Inputs) -> np.ndarray:
    close = (x.email_dist == 1) | ((x.email_dist == 2) & (x.email_len >= EMAIL_TWO_EDITS_LEN))
    level = np.select(
        [x.email_dist == 0, x.email_user, close],
        [EMAIL_SAME, EMAIL_USER, EMAIL_CLOSE],
        EMAIL_DIFFERS,
    )
    return np.where(x.email_dist < 0, NULL, level).astype(np.int8)


def address_levels(x: Inputs) -> np.ndarray:
    a = x.address
    level = np.select([a >= ADDRESS_HIGH, a >= ADDRESS_MID], [0, 1], 2)
    return np.where(np.isnan(a), NULL, level).astype(np.int8)


def levels(x: Inputs) -> dict[str, np.ndarray]:
    """The level of every field for every pair (int8 codes, NULL where not comparable)."""
    out = {"dob": dob_levels(x)}
    out |= {f: _same_differs(x.eq[f]) for f in EQUALITY_FIELDS}
    out["email"] = email_levels(x)
    out["doc"] = doc_levels(x)
    out["address"] = address_levels(x)
    return {f: out[f] for f in LEVELS}


# --- Inputs from the batch engine's pair frames -----------------------------------------------


def _l(c: str) -> pl.Expr:
    return pl.col(f"l_{c}")


def _r(c: str) -> pl.Expr:
    return pl.col(f"r_{c}")


def _both(c: str) -> pl.Expr:
    return _l(c).is_not_null() & _r(c).is_not_null()


def _written(side: str) -> pl.Expr:
    """The date as written for text comparison: the unparsed text, or YYYYMMDD / YYYYMM."""
    y, m, d = (pl.col(f"{side}_dob_{p}") for p in "ymd")
    parsed = pl.concat_str(
        [
            y.cast(pl.String),
            m.cast(pl.String).str.zfill(2),
            d.cast(pl.String).str.zfill(2),
        ],
        ignore_nulls=True,
    )
    return pl.coalesce(pl.col(f"{side}_dob_text"), parsed)


def _user(email: pl.Expr) -> pl.Expr:
    """The user name of an e-mail address: what comes before its last "@" (null without one,
    or when shorter than MIN_USER)."""
    user = email.str.extract(r"^(.+)@[^@]*$", 1)
    return pl.when(user.str.len_chars() >= MIN_USER).then(user)


def _pairwise(df: pl.DataFrame, a: pl.Expr, b: pl.Expr, scorer: Any, missing: float) -> np.ndarray:
    """RapidFuzz over aligned columns, only for rows where both are present."""
    ab = df.select(a.alias("a"), b.alias("b"))
    both = ab["a"].is_not_null() & ab["b"].is_not_null()
    out = np.full(df.height, missing, dtype=np.float64)
    if both.any():
        sub = ab.filter(both)
        idx = both.arg_true().to_numpy()
        out[idx] = process.cpdist(
            sub["a"].to_list(), sub["b"].to_list(), scorer=scorer, workers=workers(sub.height)
        )
    return out


def _ints(df: pl.DataFrame, col: str) -> np.ndarray:
    return df[col].fill_null(0).cast(pl.Int32).to_numpy()


def batch_inputs(df: pl.DataFrame) -> Inputs:
    """`Inputs` for a frame of pairs with ``l_``/``r_`` columns (the normalised fields)."""
    flags = df.select(
        l_text=_l("dob_text").is_not_null(),
        r_text=_r("dob_text").is_not_null(),
        text=(_l("dob_text").is_not_null() | _r("dob_text").is_not_null())
        & (_l("dob_text").is_not_null() | _l("dob_y").is_not_null())
        & (_r("dob_text").is_not_null() | _r("dob_y").is_not_null()),
        doc_clash=_both("doc_country") & (_l("doc_country") != _r("doc_country")),
        doc_len=_l("doc").str.len_chars().fill_null(0),
        **{
            f"eq_{c}": pl.when(_both(c)).then((_l(c) == _r(c)).cast(pl.Int8)).otherwise(-1)
            for c in EQUALITY_FIELDS
        },
    )
    text = flags["text"].to_numpy()
    text_dist = np.full(df.height, -1, dtype=np.int64)
    if text.any():
        sub = df.filter(flags["text"]).select(_written("l").alias("a"), _written("r").alias("b"))
        text_dist[text] = process.cpdist(
            sub["a"].to_list(), sub["b"].to_list(), scorer=OSA.distance, workers=1
        )
    doc_dist = _pairwise(df, _l("doc"), _r("doc"), OSA.distance, -1).astype(np.int64)
    addr = _pairwise(df, _l("address"), _r("address"), fuzz.token_sort_ratio, np.nan) / 100.0
    email_dist = _pairwise(df, _l("email"), _r("email"), OSA.distance, -1).astype(np.int64)
    user = df.select(
        email_len=pl.min_horizontal(_l("email").str.len_chars(), _r("email").str.len_chars())
        .fill_null(0),
        email_user=(_user(_l("email")) == _user(_r("email"))).fill_null(False),
    )
    return Inputs(
        ly=_ints(df, "l_dob_y"),
        lm=_ints(df, "l_dob_m"),
        ld=_ints(df, "l_dob_d"),
        ry=_ints(df, "r_dob_y"),
        rm=_ints(df, "r_dob_m"),
        rd=_ints(df, "r_dob_d"),
        l_text=flags["l_text"].to_numpy(),
        r_text=flags["r_text"].to_numpy(),
        text_dist=text_dist,
        eq={c: flags[f"eq_{c}"].to_numpy() for c in EQUALITY_FIELDS},
        doc_dist=doc_dist,
        doc_len=flags["doc_len"].to_numpy(),
        doc_clash=flags["doc_clash"].to_numpy(),
        address=addr,
        email_dist=email_dist,
        email_len=user["email_len"].to_numpy(),
        email_user=user["email_user"].to_numpy(),
    )


# --- Inputs from plain Python dicts (the single-record path) ---------------------------------


def _written_one(row: dict[str, Any]) -> str | None:
    if row["dob_text"] is not None:
        return str(row["dob_text"])
    if row["dob_y"] is None:
        return None
    parts = [str(row["dob_y"])] + [str(row[k]).zfill(2) for k in ("dob_m", "dob_d") if row[k]]
    return "".join(parts)


def scalar_inputs(q: dict[str, Any], refs: list[dict[str, Any]]) -> Inputs:
    """`Inputs` for one query record (left) against a few reference rows (right)."""
    n = len(refs)

    def part(row: dict[str, Any], key: str) -> int:
        return int(row[key] or 0)

    def arr(values: list[Any], dtype: Any) -> np.ndarray:
        return np.asarray(values, dtype=dtype).reshape(n)

    def eq(c: str) -> np.ndarray:
        a = q[c]
        return arr([-1 if a is None or r[c] is None else int(a == r[c]) for r in refs], np.int8)

    qw = _written_one(q)
    text_dist = []
    for r in refs:
        rw = _written_one(r)
        is_text = q["dob_text"] is not None or r["dob_text"] is not None
        text_dist.append(OSA.distance(qw, rw) if is_text and qw and rw else -1)
    qd, qc = q["doc"], q["doc_country"]
    qe = q["email"]
    qu = user_name(qe)
    emails = [r["email"] for r in refs]
    email_dist = [-1 if qe is None or e is None else OSA.distance(qe, e) for e in emails]
    email_len = [0 if qe is None or e is None else min(len(qe), len(e)) for e in emails]
    return Inputs(
        ly=arr([part(q, "dob_y")] * n, np.int32),
        lm=arr([part(q, "dob_m")] * n, np.int32),
        ld=arr([part(q, "dob_d")] * n, np.int32),
        ry=arr([part(r, "dob_y") for r in refs], np.int32),
        rm=arr([part(r, "dob_m") for r in refs], np.int32),
        rd=arr([part(r, "dob_d") for r in refs], np.int32),
        l_text=arr([q["dob_text"] is not None] * n, bool),
        r_text=arr([r["dob_text"] is not None for r in refs], bool),
        text_dist=arr(text_dist, np.int64),
        eq={c: eq(c) for c in EQUALITY_FIELDS},
        doc_dist=arr(
            [OSA.distance(qd, r["doc"]) if qd and r["doc"] else -1 for r in refs], np.int64
        ),
        doc_len=arr([len(qd or "")] * n, np.int64),
        doc_clash=arr([qc is not None and r["doc_country"] not in (None, qc) for r in refs], bool),
        address=arr(
            [
                fuzz.token_sort_ratio(q["address"], r["address"]) / 100.0
                if q["address"] is not None and r["address"] is not None
                else np.nan
                for r in refs
            ],
            np.float64,
        ),
        email_dist=arr(email_dist, np.int64),
        email_len=arr(email_len, np.int64),
        email_user=arr([qu is not None and qu == user_name(r["email"]) for r in refs], bool),
    )


def user_name(email: str | None) -> str | None:
    """`_user` for one address."""
    if email is None:
        return None
    head, at, _ = email.rpartition("@")
    return head if at and len(head) >= MIN_USER else None
