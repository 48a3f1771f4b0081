"""Tolerant UN/EDIFACT syntax layer (ISO 9735 version 4): decoding, UNA, segment splitting.

Real carrier messages break the syntax rules in small ways (GTAS's test suite shows most of them):
no UNA, a custom UNA, CR/LF inside or between segments, the segment terminator being a line
break, stray spaces ("UNG " tag, "+ DHS"), bytes outside the declared character repertoire and
junk after UNZ. This module turns such a file into a list of :class:`Segment` with exact
positions, and records every deviation as a :class:`ParseIssue` instead of failing.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, NamedTuple

__all__ = [
    "Century",
    "Delimiters",
    "ParseIssue",
    "Position",
    "Segment",
    "Severity",
    "TokenisedText",
    "decode",
    "parse_edifact_date",
    "tokenise",
    "valid_tag",
]

Severity = Literal["error", "warning"]

# ISO 9735-1 section 7 (syntax identifiers 0001) -> Python codec. Level A and B are subsets of
# ISO 646 so ASCII is the strictest faithful decoding.
_CHARSETS = {
    "UNOA": "ascii",
    "UNOB": "ascii",
    "UNOC": "iso8859-1",
    "UNOD": "iso8859-2",
    "UNOE": "iso8859-5",
    "UNOF": "iso8859-7",
    "UNOG": "iso8859-3",
    "UNOH": "iso8859-4",
    "UNOI": "iso8859-6",
    "UNOJ": "iso8859-8",
    "UNOK": "iso8859-9",
    "UNOW": "utf-8",
    "UNOY": "utf-8",
}
_SYNTAX_RE = re.compile(rb"UNB\s*.\s*(UNO[A-Z])")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")  # found in C, not by a Python loop over every byte
_TAG_RE = re.compile(r"[A-Z][A-Z0-9]{2}")
_NEWLINES = "\r\n"
_INTER_SEGMENT_WS = " \t\r\n\x00\ufeff"


class Position(NamedTuple):
    """Where something is in the source: segment index (0-based, UNA not counted), 1-based line
    and column, and 0-based character offset into the decoded text.

    A named tuple rather than a dataclass: a passenger list has a dozen segments a traveller,
    each with its position, and a tuple is built in a fifth of the time (and is as immutable).
    """

    segment_index: int | None
    line: int
    column: int
    offset: int

    def __str__(self) -> str:
        seg = "" if self.segment_index is None else f"segment {self.segment_index}, "
        return f"{seg}line {self.line}, column {self.column}"


@dataclass(frozen=True, slots=True)
class ParseIssue:
    """One problem found while parsing. ``error`` means data was dropped or is unusable;
    ``warning`` means a deviation was tolerated and the data kept."""

    severity: Severity
    reason: str
    position: Position | None = None
    segment_tag: str | None = None
    segment_text: str | None = None

    def __str__(self) -> str:
        where = f" at {self.position}" if self.position else ""
        tag = f" [{self.segment_tag}]" if self.segment_tag else ""
        return f"{self.severity}{where}{tag}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Delimiters:
    """Service characters (ISO 9735-1 section 4.1, UNA service string advice).

    Defaults are those of syntax level A when no UNA is present.
    """

    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str | None = "?"
    reserved: str = " "
    segment: str = "'"

    @property
    def newline_terminated(self) -> bool:
        """Some carriers declare CR or LF as segment terminator (GTAS airline2.edi)."""
        return self.segment in _NEWLINES


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment: its tag and data elements, each a tuple of components (release characters
    already resolved, surrounding blanks stripped)."""

    index: int
    tag: str
    elements: tuple[tuple[str, ...], ...]
    text: str
    position: Position

    def get(self, element: int, component: int = 0) -> str:
        """Value of ``element`` (0 = first after the tag) / ``component``, '' when absent."""
        if element >= len(self.elements):
            return ""
        comps = self.elements[element]
        return comps[component] if component < len(comps) else ""

    def components(self, element: int) -> tuple[str, ...]:
        return self.elements[element] if element < len(self.elements) else ()


@dataclass
class TokenisedText:
    segments: list[Segment]
    issues: list[ParseIssue]
    delimiters: Delimiters
    text: str
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def locate(self, offset: int, segment_index: int | None = None) -> Position:
        return _locate(self._line_starts, offset, segment_index)


_VALID_TAGS: set[str] = set()  # tags ``valid_tag`` accepted, so a run need not match them again


def valid_tag(tag: str) -> bool:
    """Segment tags are three upper-case alphanumerics starting with a letter (ISO 9735-1)."""
    if tag in _VALID_TAGS:
        return True
    if _TAG_RE.fullmatch(tag) is None:
        return False
    _VALID_TAGS.add(tag)  # at most 26 * 36 * 36 of them
    return True


def _line_starts(text: str) -> list[int]:
    # CR, LF and CRLF all end a line: GTAS Test3.txt uses bare CR.
    starts = [0]
    for m in re.finditer(r"\r\n|\r|\n", text):
        starts.append(m.end())
    return starts


def _locate(starts: list[int], offset: int, segment_index: int | None) -> Position:
    line = bisect.bisect_right(starts, offset)
    return Position(segment_index, line, offset - starts[line - 1] + 1, offset)


def decode(data: bytes | str) -> tuple[str, str, list[ParseIssue]]:
    """Decode raw bytes using the character set declared in UNB (S001, ISO 9735-1 section 7).

    Returns (text, codec used, issues). When bytes do not fit the declared repertoire, UTF-8 is
    tried, then ISO 8859-1, which maps every byte to one character so nothing is lost and
    offsets stay exact; each foreign byte is reported.
    """
    if isinstance(data, str):
        return data, "str", []
    m = _SYNTAX_RE.search(data[:512])
    declared = m.group(1).decode() if m else None
    codec = _CHARSETS.get(declared or "", "ascii")
    try:
        return data.decode(codec), codec, []
    except UnicodeDecodeError:
        pass
    label = declared or "the default UNOA"
    try:
        text = data.decode("utf-8")
        issue = ParseIssue("warning", f"content is not valid {label}; decoded as UTF-8")
        return text, "utf-8", [issue]
    except UnicodeDecodeError:
        text = data.decode("iso8859-1")
    starts = _line_starts(text)
    issues = [
        ParseIssue(
            "warning",
            f"byte 0x{b:02X} is not valid in {label}; kept as U+{b:04X} (read as ISO 8859-1)",
            _locate(starts, i, None),
        )
        for i, b in ((m.start(), m.group()[0]) for m in _HIGH_BYTE.finditer(data))
    ]
    return text, "iso8859-1", issues


def _read_una(text: str, i: int) -> Delimiters | None:
    chars = text[i + 3 : i + 9]
    if len(chars) < 6:
        return None
    comp, elem, dec, rel, res, seg = tuple(chars)
    if len({comp, elem, seg}) < 3 or seg.isalnum() or elem.isalnum() or comp.isalnum():
        return None
    # ISO 9735 v4 uses a space in the release position to mean "no release character".
    return Delimiters(comp, elem, dec, None if rel == " " else rel, res, seg)


def _sniff_without_una(text: str, start: int) -> tuple[Delimiters, str | None]:
    """No UNA: take element and component separators from the UNB that follows (the first
    character after "UNB" and after "UNOx"), since that is what the sender actually used."""
    m = re.compile(r"UNB\s*([^\sA-Za-z0-9])\s*UNO[A-Z]([^\sA-Za-z0-9])").match(text, start)
    if not m:
        return Delimiters(), None
    elem, comp = m.group(1), m.group(2)
    seg = "'"
    # The terminator is whatever precedes the next UNG/UNH (ignoring blanks).
    nxt = re.compile(r"([^\sA-Za-z0-9])\s*UN[GH]\s*" + re.escape(elem)).search(text, m.end())
    if nxt and nxt.group(1) not in (elem, comp):
        seg = nxt.group(1)
    found = Delimiters(component=comp, element=elem, segment=seg)
    if found == Delimiters():
        return found, None
    return found, f"no UNA; delimiters {comp!r} {elem!r} {seg!r} inferred from UNB"


def tokenise(text: str) -> TokenisedText:
    """Split decoded EDIFACT text into segments (ISO 9735-1 sections 4 and 5).

    Tolerates: a UNA anywhere a segment may start (concatenated interchanges), blanks and line
    breaks between segments, line breaks inside segments (wrapped lines), a line break as the
    declared terminator, and an unterminated final segment.
    """
    starts = _line_starts(text)
    issues: list[ParseIssue] = []
    segments: list[Segment] = []
    delims = Delimiters()
    n = len(text)
    i = 0
    while i < n and text[i] in _INTER_SEGMENT_WS:
        i += 1
    if not text.startswith("UNA", i):
        delims, note = _sniff_without_una(text, i)
        if note:
            issues.append(ParseIssue("warning", note, _locate(starts, i, None)))
    while True:
        while i < n and (text[i] in _INTER_SEGMENT_WS or text[i] == delims.segment):
            i += 1
        if i >= n:
            break
        if text.startswith("UNA", i):
            advice = _read_una(text, i)
            if advice is None:
                issues.append(
                    ParseIssue("error", "unusable UNA service string advice; ignored",
                               _locate(starts, i, None), "UNA", text[i : i + 9])
                )
                i += 3
            else:
                delims = advice
                i += 9
            continue
        if not delims.newline_terminated:
            j = _read_plain_run(text, i, delims, starts, segments, issues)
            if j != i:
                i = j
                continue
        i = _read_segment(text, i, delims, starts, segments, issues)
    return TokenisedText(segments, issues, delims, text, starts)


# Whitespace exactly as ``str.strip`` sees it: the regular expression module's ``\s`` and
# ``str.isspace`` both test Py_UNICODE_ISSPACE.
_WHITESPACE = re.compile(r"\s")
_new = object.__new__


def _read_plain_run(text: str, i: int, d: Delimiters, starts: list[int],
                    segments: list[Segment], issues: list[ParseIssue]) -> int:
    """Read segments from ``i`` for as long as they are plain: no release character, no line
    break inside, no UNA. Returns where it stopped: the end of the text, or the start of a
    segment ``tokenise`` must read one character at a time (or a UNA).

    A passenger list is almost all plain segments, and this is the loop that reads them:
    one ``str.find`` for the terminator and one ``str.split`` per separator level (ISO 9735-1
    section 4.1), blanks stripped only from segments that hold a blank, tags already seen
    valid not matched again, and the segment built without the frozen dataclass' ``__init__``
    (which sets each field through ``object.__setattr__``). It gives exactly the segments,
    positions and issues the general path (``_read_segment``) gives for the same text.
    """
    n = len(text)
    term, elem, comp, rel = d.segment, d.element, d.component, d.release
    find = text.find
    has_blank = _WHITESPACE.search
    one_line = len(starts) == 1
    append = segments.append
    seen = _VALID_TAGS
    index = len(segments)
    while i < n:
        end = find(term, i)
        stop = n if end < 0 else end
        piece = text[i:stop]
        body = piece.lstrip(_INTER_SEGMENT_WS)
        if not body:
            i = stop + 1
            continue
        start = stop - len(body)
        if body.startswith("UNA") or "\r" in body or "\n" in body or (
                rel is not None and rel in body):
            return start
        parts = body.split(elem)
        head = parts[0]
        tag_raw = head.split(comp, 1)[0] if comp in head else head
        pos = Position(index, 1, start + 1, start) if one_line else \
            _locate(starts, start, index)
        if has_blank(body) is None:
            raw = body
            tag = tag_raw
            elements = tuple([tuple(part.split(comp)) for part in parts[1:]])
        else:
            raw = body.strip()
            tag = tag_raw.strip()
            elements = tuple([tuple([c.strip() for c in part.split(comp)])
                              for part in parts[1:]])
            if tag != tag_raw:
                issues.append(ParseIssue("warning", f"stray blank in segment tag {tag_raw!r}",
                                         pos, tag, raw))
        if tag not in seen and not valid_tag(tag):
                issues.append(ParseIssue("error", f"malformed segment: {tag[:12]!r} is not a "
                                         "segment tag", pos, None, raw[:80]))
        if end < 0:
            issues.append(ParseIssue("warning", "last segment has no terminator", pos, tag,
                                     raw))
        seg = _new(Segment)
        _SET_INDEX(seg, index)
        _SET_TAG(seg, tag)
        _SET_ELEMENTS(seg, elements)
        _SET_TEXT(seg, raw)
        _SET_POSITION(seg, pos)
        append(seg)
        index += 1
        i = stop + 1
    return i


@functools.lru_cache(maxsize=32)
def _special_chars(d: Delimiters) -> re.Pattern[str]:
    """The characters ``_read_segment`` must look at one by one under ``d``."""
    chars = {d.segment, d.element, d.component, *_NEWLINES}
    if d.release is not None:
        chars.add(d.release)
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")


def _read_segment(
    text: str,
    i: int,
    d: Delimiters,
    starts: list[int],
    segments: list[Segment],
    issues: list[ParseIssue],
) -> int:
    n = len(text)
    start = i
    elements: list[list[str]] = [[]]
    buf: list[str] = []
    terminated = False
    if not d.newline_terminated:
        # Most segments hold no release character and no line break: then they split on
        # the separators exactly as the loop below reads them, at C speed.
        end = text.find(d.segment, i)
        stop = n if end < 0 else end
        body = text[i:stop]
        if (d.release is None or d.release not in body) and "\r" not in body \
                and "\n" not in body:
            return _segment(text, start, stop, end >= 0,
                            [part.split(d.component) for part in body.split(d.element)],
                            starts, segments, issues)
    special = _special_chars(d)
    while i < n:
        # Jump over ordinary characters in one slice (a passenger list is mostly data):
        # only the service characters and line breaks below need a decision.
        m = special.search(text, i)
        j = n if m is None else m.start()
        if j > i:
            buf.append(text[i:j])
            i = j
            if i >= n:
                break
        c = text[i]
        if d.release is not None and c == d.release and i + 1 < n:
            buf.append(text[i + 1])
            i += 2
            continue
        if c == d.segment or (d.newline_terminated and c in _NEWLINES):
            terminated = True
            break
        if c in _NEWLINES:
            i += 1  # a wrapped line: the break is not data (ISO 9735 has no line concept)
            continue
        if c == d.element:
            elements[-1].append("".join(buf))
            elements.append([])
            buf = []
        elif c == d.component:
            elements[-1].append("".join(buf))
            buf = []
        else:
            buf.append(c)
        i += 1
    elements[-1].append("".join(buf))
    return _segment(text, start, i, terminated, elements, starts, segments, issues)


def _segment(text: str, start: int, i: int, terminated: bool, elements: list[list[str]],
             starts: list[int], segments: list[Segment], issues: list[ParseIssue]) -> int:
    """Append the segment read from ``text[start:i]``; returns where the next one starts."""
    raw = text[start:i].strip()
    index = len(segments)
    pos = _locate(starts, start, index)
    tag_raw = elements[0][0]
    tag = tag_raw.strip()
    if tag != tag_raw:
        issues.append(ParseIssue("warning", f"stray blank in segment tag {tag_raw!r}", pos, tag,
                                 raw))
    if not valid_tag(tag):
        issues.append(
            ParseIssue("error", f"malformed segment: {tag[:12]!r} is not a segment tag", pos,
                       None, raw[:80])
        )
    if not terminated:
        issues.append(ParseIssue("warning", "last segment has no terminator", pos, tag, raw))
    segments.append(
        Segment(
            index=index,
            tag=tag,
            elements=tuple([tuple(map(str.strip, el)) for el in elements[1:]]),
            text=raw,
            position=pos,
        )
    )
    return i + 1


# Setting a frozen dataclass' slots through their descriptors: what ``object.__setattr__`` in
# the generated ``__init__`` does, without its per-field lookup (``_read_plain_run``).
_SET_INDEX, _SET_TAG, _SET_ELEMENTS, _SET_TEXT, _SET_POSITION = (
    vars(Segment)[name].__set__ for name in ("index", "tag", "elements", "text", "position"))


_DATE_FORMATS = {
    # UN/EDIFACT code list 2379 (date or time or period format code).
    "101": "%y%m%d",
    "102": "%Y%m%d",
    "201": "%y%m%d%H%M",
    "203": "%Y%m%d%H%M",
    "204": "%Y%m%d%H%M%S",
}
_BY_LENGTH = {6: "101", 8: "102", 10: "201", 12: "203", 14: "204"}

Century = Literal["past", "near"]

# Full width of the 2379 patterns, once a two-digit year has been given its century.
_FULL_WIDTH = {"%Y%m%d": 8, "%Y%m%d%H%M": 12, "%Y%m%d%H%M%S": 14}


def _strptime(value: str, pattern: str) -> datetime:
    """``datetime.strptime(value, pattern)``, read by slicing when that must give the same.

    strptime costs some 15 us (a regular expression match, then a dozen checks), and a
    passenger list has two dates a traveller. When ``value`` is ASCII digits of exactly the
    pattern's full width (YYYYMMDD[HHMM[SS]]), every field has its full width, so the only
    reading strptime can find is the one slicing gives, and strptime's range checks (month
    1-12, day 1-31, hour 0-23, minute 0-59, the calendar) are those ``datetime()`` makes.
    Anything else, or any value ``datetime()`` refuses, goes to strptime itself, which gives
    its own result or error message (CPython ``Lib/_strptime.py``).
    """
    n = len(value)
    if n == _FULL_WIDTH.get(pattern) and value.isascii() and value.isdigit():
        try:
            return datetime(int(value[:4]), int(value[4:6]), int(value[6:8]),
                            int(value[8:10]) if n > 8 else 0,
                            int(value[10:12]) if n > 10 else 0,
                            int(value[12:14]) if n > 12 else 0)
        except ValueError:
            pass
    return datetime.strptime(value, pattern)


def parse_edifact_date(
    value: str, fmt: str, *, reference: date, century: Century = "near"
) -> date | datetime:
    """Parse a DTM value with its 2379 format code (inferred from length when missing).

    Two-digit years are resolved against ``reference`` (the interchange date), never against
    today's clock, so the same file always parses the same way: ``past`` picks the latest year
    not after the reference (dates of birth), ``near`` the closest year (times, expiry dates).
    Returns a ``date`` for date-only formats and a ``datetime`` otherwise. Raises ValueError.
    """
    value = value.strip()
    code = fmt.strip() or _BY_LENGTH.get(len(value), "")
    pattern = _DATE_FORMATS.get(code)
    if pattern is None:
        raise ValueError(f"unsupported date format code {fmt!r} for {value!r}")
    if not value.isdecimal():
        raise ValueError(f"{value!r} is not numeric")
    two_digit_year = "%y" in pattern
    if two_digit_year:
        # Resolve the century first, then parse with a 4-digit year: 29 February only exists in
        # some centuries, so re-dating a parsed value could fail.
        yy = int(value[:2])
        if century == "past":
            year = reference.year - ((reference.year - yy) % 100)
        else:
            base = reference.year - reference.year % 100 + yy
            # The closest of base - 100, base and base + 100 (the earlier on a tie): base is
            # within 99 years of the reference either way.
            gap = base - reference.year
            year = base - 100 if gap >= 50 else base + 100 if gap < -50 else base
        value, pattern = f"{year:04d}{value[2:]}", pattern.replace("%y", "%Y")
    parsed = _strptime(value, pattern)
    if two_digit_year and century == "past" and parsed.date() > reference:
        # Later in the reference year than the reference itself: nobody is born tomorrow.
        parsed = _strptime(f"{parsed.year - 100:04d}{value[4:]}", pattern)
    if code in ("101", "102"):
        return parsed.date()
    return parsed
