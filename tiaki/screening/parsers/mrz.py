"""Machine-readable zone (MRZ) parsing and check-digit validation, ICAO Doc 9303 (8th edition).

* Part 3 section 4.9: check digits, weights 7-3-1 repeating, ``<`` = 0, A..Z = 10..35.
* Part 3 section 4.6: names: primary and secondary identifiers separated by ``<<``, ``<`` between
  name components, fillers to the end.
* Part 4: TD3 (passport booklet), 2 lines x 44.
* Part 5: TD1 (card), 3 lines x 30; Part 6: TD2, 2 lines x 36. Both let a document number longer
  than 9 characters overflow into the optional data (check digit position holds ``<``).
* Part 7: machine-readable visas MRV-A (2 x 44) and MRV-B (2 x 36): no composite check digit.

Every field comes back with ``valid`` and a human-readable ``reason`` when it is not, so an
officer sees *why* an MRZ fails rather than just that it does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

__all__ = [
    "MRZError",
    "MRZField",
    "MRZResult",
    "check_digit",
    "parse_mrz",
]

MRZFormat = Literal["TD1", "TD2", "TD3", "MRVA", "MRVB"]
_WEIGHTS = (7, 3, 1)
_CHARSET = re.compile(r"[A-Z0-9<]*")
_NAME_CHARS = re.compile(r"[A-Z<]*")
# ASCII only: str.isdigit() accepts "²" and other digits that int() or the MRZ do not.
_TWO_DIGITS = re.compile(r"[0-9]{2}")
_DIGITS = frozenset("0123456789")


class MRZError(ValueError):
    """The text is not recognisable as any Doc 9303 MRZ layout."""


@dataclass(frozen=True, slots=True)
class MRZField:
    """One MRZ field: raw characters, cleaned value, and whether it passed its checks."""

    name: str
    raw: str
    value: str | date | None
    valid: bool = True
    reason: str | None = None


@dataclass(frozen=True)
class MRZResult:
    format: MRZFormat
    lines: tuple[str, ...]
    fields: dict[str, MRZField]
    notes: tuple[str, ...] = field(default=())  # tolerated deviations (padding, '<' checks)

    @property
    def valid(self) -> bool:
        return all(f.valid for f in self.fields.values())

    @property
    def errors(self) -> list[str]:
        return [f"{f.name}: {f.reason}" for f in self.fields.values() if not f.valid]

    def value(self, name: str) -> str | date | None:
        f = self.fields.get(name)
        return f.value if f else None

    def text(self, name: str) -> str | None:
        """A field's value as text (dates as ISO), or None when empty."""
        v = self.value(name)
        if v is None or v == "":
            return None
        return v.isoformat() if isinstance(v, date) else v


def _char_value(ch: str) -> int:
    if ch == "<":
        return 0
    if "0" <= ch <= "9":
        return ord(ch) - 48
    if "A" <= ch <= "Z":
        return ord(ch) - 55
    raise ValueError(f"character {ch!r} is not allowed in an MRZ")


def check_digit(data: str) -> int:
    """Doc 9303 Part 3, 4.9: sum of character values x 7,3,1,7,3,1... modulo 10."""
    return sum(_char_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(data)) % 10


def _verify(name: str, data: str, digit: str, *, filler_ok: bool = False) -> MRZField:
    """Check-digit field. ``filler_ok``: Doc 9303 Part 4 lets the personal-number check digit be
    ``<`` when that field is all fillers; many issuers also write ``0`` there."""
    if filler_ok and digit == "<" and set(data) <= {"<"}:
        return MRZField(name, digit, digit)
    if not _CHARSET.fullmatch(data):
        bad = sorted(set(re.sub(r"[A-Z0-9<]", "", data)))
        return MRZField(name, digit, digit, False, f"cannot compute: invalid characters {bad}")
    expected = check_digit(data)
    if digit not in _DIGITS:
        return MRZField(name, digit, digit, False, f"check digit {digit!r} is not a digit "
                                                   f"(computed {expected})")
    if int(digit) != expected:
        return MRZField(name, digit, digit, False, f"check digit is {digit}, computed "
                                                   f"{expected} over {data!r}")
    return MRZField(name, digit, digit)


def _text(name: str, raw: str, *, letters_only: bool = False) -> MRZField:
    value = raw.replace("<", " ").strip()
    pattern = _NAME_CHARS if letters_only else _CHARSET
    if not pattern.fullmatch(raw):
        kind = "letters and '<'" if letters_only else "A-Z, 0-9 and '<'"
        return MRZField(name, raw, value, False, f"{raw!r} has characters other than {kind}")
    return MRZField(name, raw, value)


def _date(name: str, raw: str, reference: date, *, past: bool) -> MRZField:
    """YYMMDD; Doc 9303 Part 3 allows ``<<`` for an unknown day or month of birth, kept as a
    partial ISO date ("1974" or "1974-08")."""
    yy, mm, dd = raw[:2], raw[2:4], raw[4:6]
    if not (_TWO_DIGITS.fullmatch(yy) and (_TWO_DIGITS.fullmatch(mm) or mm == "<<")
            and (_TWO_DIGITS.fullmatch(dd) or dd == "<<")):
        return MRZField(name, raw, None, False, f"{raw!r} is not YYMMDD")
    if mm == "<<" and dd != "<<":
        return MRZField(name, raw, None, False, f"{raw!r} has a day but no month")
    y2 = int(yy)
    if past:  # the latest year not after the reference: nobody is born in the future
        year = reference.year - ((reference.year - y2) % 100)
    else:  # expiry: the closest century to the reference (documents last ~10 years)
        base = reference.year - reference.year % 100 + y2
        year = min((base - 100, base, base + 100), key=lambda y: abs(y - reference.year))
    if mm == "<<":
        return MRZField(name, raw, f"{year:04d}")
    if dd == "<<":
        if not 1 <= int(mm) <= 12:
            return MRZField(name, raw, None, False, f"month {mm} out of range")
        return MRZField(name, raw, f"{year:04d}-{mm}")
    try:
        value = date(year, int(mm), int(dd))
    except ValueError as exc:
        return MRZField(name, raw, None, False, f"{raw!r} is not a calendar date ({exc})")
    if past and value > reference:
        year -= 100  # born later this year than the reference: previous century
        try:
            value = date(year, int(mm), int(dd))
        except ValueError as exc:  # 29 February in a non-leap year
            return MRZField(name, raw, None, False, f"{raw!r} is not a calendar date ({exc})")
    return MRZField(name, raw, value)


def _sex(raw: str) -> MRZField:
    if raw in ("M", "F", "X"):
        return MRZField("sex", raw, raw)
    if raw == "<":
        return MRZField("sex", raw, None)  # unspecified
    return MRZField("sex", raw, None, False, f"{raw!r} is not M, F, X or '<'")


def _code(name: str, raw: str) -> MRZField:
    """Issuing state / nationality: three letters, or fewer padded with '<' (e.g. "D<<")."""
    if not re.fullmatch(r"[A-Z]{1,3}<{0,2}", raw) or len(raw) != 3:
        return MRZField(name, raw, raw.replace("<", "") or None, False,
                        f"{raw!r} is not a 3-letter code")
    return MRZField(name, raw, raw.replace("<", ""))


def _names(raw: str) -> tuple[MRZField, MRZField, list[str]]:
    notes = []
    primary, _, secondary = raw.partition("<<")
    bad = not _NAME_CHARS.fullmatch(raw)
    reason = f"{raw!r} has characters other than letters and '<'" if bad else None
    if raw and raw[-1] != "<":
        notes.append("name field is full: the name may be truncated (Doc 9303 Part 3, 4.6)")
    sur = primary.replace("<", " ").strip()
    given = " ".join(secondary.replace("<", " ").split())
    return (MRZField("surname", primary, sur, not bad, reason),
            MRZField("given_names", secondary, given, not bad, reason), notes)


def _normalise_lines(text: str | Sequence[str]) -> list[str]:
    if isinstance(text, str):
        lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
        if len(lines) == 1:  # one run of characters: split by the known total lengths
            one = lines[0]
            widths = {90: 30, 88: 44, 72: 36}
            if len(one) in widths:
                w = widths[len(one)]
                lines = [one[i : i + w] for i in range(0, len(one), w)]
    else:
        lines = [ln.strip() for ln in text if ln.strip()]
    # OCR and re-keying add blanks; blanks never occur in an MRZ.
    return [re.sub(r"\s+", "", ln).upper() for ln in lines]


def _layout(lines: list[str]) -> tuple[MRZFormat, int]:
    longest = max((len(ln) for ln in lines), default=0)
    visa = bool(lines) and lines[0].startswith("V")
    if len(lines) == 3 and longest <= 30:
        return "TD1", 30
    if len(lines) == 2 and longest <= 36:
        return ("MRVB" if visa else "TD2"), 36
    if len(lines) == 2 and longest <= 44:
        return ("MRVA" if visa else "TD3"), 44
    shape = " x ".join(str(len(ln)) for ln in lines) or "empty"
    raise MRZError(f"not an MRZ: {len(lines)} line(s) of length {shape}; expected 3x30 (TD1), "
                   "2x36 (TD2/MRV-B) or 2x44 (TD3/MRV-A)")


def parse_mrz(text: str | Sequence[str], *, reference_date: date | None = None) -> MRZResult:
    """Parse and validate an MRZ given as lines (or one string with line breaks).

    ``reference_date`` (default today) resolves two-digit years. Lines shorter than the layout
    (trailing fillers lost on copy) are padded with ``<`` and noted. Raises :class:`MRZError`
    when the shape matches no layout.
    """
    ref = reference_date or date.today()
    lines = _normalise_lines(text)
    fmt, width = _layout(lines)
    notes: list[str] = []
    for i, ln in enumerate(lines):
        if len(ln) < width:
            notes.append(f"line {i + 1} had {len(ln)} characters; padded with '<' to {width}")
            lines[i] = ln.ljust(width, "<")
    fields = _td1(lines, ref, notes) if fmt == "TD1" else _two_line(fmt, lines, ref, notes)
    return MRZResult(fmt, tuple(lines), fields, tuple(notes))


def _document_number(number: str, digit: str, optional: str, notes: list[str]
                     ) -> tuple[MRZField, MRZField, str]:
    """Doc 9303 Parts 5 and 6: a number over 9 characters puts '<' in the check digit position
    and continues in the optional data, ending with its check digit then a filler."""
    if digit == "<" and optional[:1] not in ("", "<"):
        tail = optional.split("<", 1)[0]
        full = number + tail[:-1]
        notes.append("document number longer than 9 characters continues in optional data")
        num = _text("document_number", full)
        return num, _verify("document_number_check", full, tail[-1]), optional[len(tail):]
    return (_text("document_number", number), _verify("document_number_check", number, digit),
            optional)


def _td1(lines: list[str], ref: date, notes: list[str]) -> dict[str, MRZField]:
    l1, l2, l3 = lines
    num, num_check, opt1 = _document_number(l1[5:14], l1[14], l1[15:30], notes)
    surname, given, name_notes = _names(l3)
    notes.extend(name_notes)
    return _ordered(
        _text("document_code", l1[0:2]),
        _code("issuing_state", l1[2:5]),
        num,
        num_check,
        _text("optional_data", opt1),
        _date("date_of_birth", l2[0:6], ref, past=True),
        _verify("date_of_birth_check", l2[0:6], l2[6]),
        _sex(l2[7]),
        _date("expiry_date", l2[8:14], ref, past=False),
        _verify("expiry_date_check", l2[8:14], l2[14]),
        _code("nationality", l2[15:18]),
        _text("optional_data_2", l2[18:29]),
        _verify("composite_check", l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29], l2[29]),
        surname,
        given,
    )


def _two_line(fmt: MRZFormat, lines: list[str], ref: date, notes: list[str]
              ) -> dict[str, MRZField]:
    l1, l2 = lines
    end = len(l2)
    surname, given, name_notes = _names(l1[5:])
    notes.extend(name_notes)
    out = [_text("document_code", l1[0:2]), _code("issuing_state", l1[2:5]), surname, given]
    if fmt == "TD2":
        num, num_check, opt = _document_number(l2[0:9], l2[9], l2[28:35], notes)
    else:
        num, num_check = _text("document_number", l2[0:9]), _verify(
            "document_number_check", l2[0:9], l2[9])
        opt = l2[28 : end - 2] if fmt == "TD3" else l2[28:end]
    out += [
        num,
        num_check,
        _code("nationality", l2[10:13]),
        _date("date_of_birth", l2[13:19], ref, past=True),
        _verify("date_of_birth_check", l2[13:19], l2[19]),
        _sex(l2[20]),
        _date("expiry_date", l2[21:27], ref, past=False),
        _verify("expiry_date_check", l2[21:27], l2[27]),
    ]
    if fmt == "TD3":
        # Part 4: personal number (positions 29-42) with its own check digit at 43.
        personal = _text("optional_data", opt)
        check = _verify("optional_data_check", opt, l2[42], filler_ok=True)
        if check.valid and l2[42] == "<":
            notes.append("personal number is all fillers and its check digit is '<'")
        out += [personal, check, _verify("composite_check", l2[0:10] + l2[13:20] + l2[21:43],
                                         l2[43])]
    elif fmt == "TD2":
        out += [_text("optional_data", opt),
                _verify("composite_check", l2[0:10] + l2[13:20] + l2[21:35], l2[35])]
    else:  # MRV-A / MRV-B: Part 7 defines no composite check digit
        out.append(_text("optional_data", opt))
    if fmt == "TD3" and not l1.startswith("P"):
        notes.append(f"TD3 document code {l1[0:2]!r} does not start with P")
    return _ordered(*out)


def _ordered(*fields: MRZField) -> dict[str, MRZField]:
    return {f.name: f for f in fields}
