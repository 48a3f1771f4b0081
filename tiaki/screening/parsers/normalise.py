"""Field normalisers shared by the CSV, JSON and PAXLST record builders.

Each returns ``(value, problem)``: ``problem`` is a human-readable reason when the input could
not be used (the caller reports it with line and field), never an exception.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import date, datetime
from functools import lru_cache

from anyascii import anyascii

from .countries import normalise_country
from .record_model import PartialDate, PersonName

__all__ = [
    "clean",
    "make_name",
    "parse_country",
    "parse_email",
    "parse_partial_date",
    "parse_phone",
    "parse_sex",
    "parse_when",
]

_DATE_PATTERNS = (
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})"), (1, 2, 3)),
    (re.compile(r"(\d{4})(\d{2})(\d{2})"), (1, 2, 3)),
    (re.compile(r"(\d{4})/(\d{2})/(\d{2})"), (1, 2, 3)),
    # Day first with dots is unambiguous in practice (DIN 5008 / most of Europe); slashes are
    # not (US month-first), so DD/MM/YYYY is deliberately rejected rather than guessed.
    (re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})"), (3, 2, 1)),
    (re.compile(r"(\d{4})-(\d{2})"), (1, 2, None)),
    (re.compile(r"(\d{4})"), (1, None, None)),
)
_UNKNOWN_PARTS = re.compile(r"(?:-(?:00|XX|xx|\?\?))+$")
_SEX = {"M": "M", "MALE": "M", "F": "F", "FEMALE": "F", "X": "X", "U": "X", "UNSPECIFIED": "X",
        "OTHER": "X", "<": None, "UNKNOWN": None}
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")

# The normalisers of values that repeat down a file (dates, sexes, country codes, times) keep
# what they answered: a list of 10,000 arrivals names a few countries and a few thousand
# dates of birth, each read once. Their answers are immutable, so sharing them is safe.
_memo = lru_cache(maxsize=65_536)


def clean(value: object) -> str | None:
    """NFC, blanks (including NBSP) collapsed, stripped; None when empty."""
    if value is None:
        return None
    text = value if type(value) is str else str(value)
    if not text.isascii():  # ASCII text is its own NFC form
        text = unicodedata.normalize("NFC", text)
    text = " ".join(text.split())
    return text or None


@_memo
def parse_partial_date(value: str | None) -> tuple[PartialDate | None, str | None]:
    """YYYY, YYYY-MM or YYYY-MM-DD (also YYYYMMDD, YYYY/MM/DD, DD.MM.YYYY); "00"/"XX" for an
    unknown month or day are read as a partial date."""
    text = clean(value)
    if text is None:
        return None, None
    trimmed = _UNKNOWN_PARTS.sub("", text)  # "1974-08-00", "1974-XX-XX": partial dates
    for pattern, (yi, mi, di) in _DATE_PATTERNS:
        m = pattern.fullmatch(trimmed)
        if not m:
            continue
        year = int(m.group(yi))
        month = int(m.group(mi)) if mi else None
        day = int(m.group(di)) if di else None
        if not 1800 <= year <= 2200:
            return None, f"year {year} out of range"
        if month is not None and not 1 <= month <= 12:
            return None, f"month {month} out of range in {text!r}"
        if day is not None:
            try:
                date(year, month or 1, day)
            except ValueError as exc:
                return None, f"{text!r} is not a calendar date ({exc})"
        return PartialDate(year, month, day), None
    return None, (f"{text!r} is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD; "
                  "day/month/year with slashes is ambiguous)")


@_memo
def parse_when(value: str | None) -> tuple[str | None, str | None]:
    """An itinerary date or date-time, as ISO 8601 text (local time as given)."""
    text = clean(value)
    if text is None:
        return None, None
    try:
        if len(text) <= 10:
            return date.fromisoformat(text).isoformat(), None
        return datetime.fromisoformat(text.replace(" ", "T", 1)).isoformat(), None
    except ValueError:
        return None, f"{text!r} is not an ISO 8601 date or date-time"


@_memo
def parse_sex(value: str | None) -> tuple[str | None, str | None]:
    text = clean(value)
    if text is None:
        return None, None
    key = text.upper()
    if key in _SEX:
        return _SEX[key], None
    return None, f"{text!r} is not a recognised sex (M, F, X)"


@_memo
def parse_country(value: str | None) -> tuple[str | None, str | None]:
    """Alpha-3 when recognised (alpha-2 accepted); otherwise the cleaned input is kept and the
    problem reported, so nothing the applicant wrote disappears."""
    code = normalise_country(clean(value))
    if code is None:
        return None, None
    return code.best, (None if code.alpha3 else code.reason)


def parse_phone(value: str | None) -> tuple[str | None, str | None]:
    """Digits only, with a leading + kept (and 00 read as +): E.164 shape without guessing a
    country prefix the source did not give."""
    text = clean(value)
    if text is None:
        return None, None
    body = re.sub(r"(?i)\s*(?:ext\.?|x)\s*\d+$", "", text)  # drop extensions
    if re.search(r"[^\d\s()+\-./]", body):
        return None, f"{text!r} has characters that do not belong in a phone number"
    digits = re.sub(r"\D", "", body)
    plus = body.lstrip().startswith("+") or digits.startswith("00")
    if digits.startswith("00"):
        digits = digits[2:]
    if not 5 <= len(digits) <= 15:  # E.164 allows at most 15 digits
        return None, f"{text!r} has {len(digits)} digits"
    return ("+" if plus else "") + digits, None


def parse_email(value: str | None) -> tuple[str | None, str | None]:
    text = clean(value)
    if text is None:
        return None, None
    text = text.strip("<>").replace("mailto:", "")
    if not _EMAIL.fullmatch(text):
        return None, f"{text!r} is not an e-mail address"
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}", None  # local part may be case-sensitive (RFC 5321)


def _script(text: str) -> str | None:
    """Dominant Unicode script of the letters, from character names (LATIN, CYRILLIC, ARABIC,
    CJK...), enough to tell which transliteration applies."""
    if text.isascii():
        # Every ASCII letter is named LATIN (CAPITAL|SMALL) LETTER x: the answer without
        # asking unicodedata for each character (60 us a name; most names are ASCII).
        return "LATIN" if any(ch.isalpha() for ch in text) else None
    counts: Counter[str] = Counter()
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            if name:
                counts[name.split(" ")[0]] += 1
    return counts.most_common(1)[0][0] if counts else None


def make_name(family: str | None, given: str | None, full: str | None, raw: str
              ) -> PersonName | None:
    family, given, full = clean(family), clean(given), clean(full)
    if not (family or given or full):
        return None
    composed = full or " ".join(p for p in (given, family) if p)
    # anyascii leaves ASCII text as it is, so ASCII names skip it.
    latin = composed if composed.isascii() else anyascii(composed)
    return PersonName(family, given, composed, _script(composed),
                      " ".join(latin.upper().split()), raw)
