"""Identifying tokens in a report, normalised so that reports about the same place, phone,
person or vehicle meet: "+64 21 555 0101" and "021-555-0101" give the same phone token.

A simple, explainable match (the triager sees which tokens two reports share); the
vectorised engine in ``tiaki.matching`` is for large-scale screening, not this queue.
"""

from __future__ import annotations

import re
import unicodedata

_PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d\s().-]{5,18}\d(?!\w)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_WORD = re.compile(r"\b[0-9A-Za-z]{3,7}\b")
_NOT_PLATE = re.compile(r"^\d{1,2}(am|pm|st|nd|rd|th|h|hr|hrs|km|kg|mm)$", re.IGNORECASE)
_NAME = re.compile(r"\b[^\W\d_][^\W\d_'’-]+(?:[ \t]+[^\W\d_][^\W\d_'’-]+){1,3}\b")


def fold(text: str) -> str:
    """Lower case, accents removed, punctuation to spaces, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    cleaned = re.sub(r"[^\w]+", " ", stripped.casefold())
    return " ".join(cleaned.split())


def phones(text: str) -> set[str]:
    found = set()
    for match in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if digits.startswith("64"):
            digits = "0" + digits[2:]
        if 7 <= len(digits) <= 15:
            found.add(digits)
    return found


def emails(text: str) -> set[str]:
    return {m.group().casefold() for m in _EMAIL.finditer(text)}


def vehicles(text: str) -> set[str]:
    """NZ-style plates: 3-7 letters and digits, with at least one of each (e.g. ABC123)."""
    found = set()
    for match in _WORD.finditer(text):
        token = match.group()
        has_digit = any(c.isdigit() for c in token)
        has_letter = any(c.isalpha() for c in token)
        if has_digit and has_letter and not _NOT_PLATE.match(token):
            found.add(token.upper())
    return found


def names(text: str) -> set[str]:
    """Runs of two to four capitalised words (e.g. "Mele Tupou"), folded. Every run of two
    or more words inside a longer one counts too, so "Supervisor Sione Vake" also gives
    "sione vake"."""
    found = set()
    for match in _NAME.finditer(text):
        words = match.group().split()
        if not all(w[0].isupper() for w in words):
            continue
        for start in range(len(words)):
            for end in range(start + 2, len(words) + 1):
                found.add(fold(" ".join(words[start:end])))
    return found


def report_tokens(*, place: str, people: str, what_seen: str, contact: str = "") -> set[
    tuple[str, str]
]:
    """(kind, value) pairs for one report. The reporter's own contact details are not
    tokens: they identify the reporter, not the people reported on."""
    del contact
    text = f"{people}\n{what_seen}\n{place}"
    tokens: set[tuple[str, str]] = set()
    tokens |= {("phone", v) for v in phones(text)}
    tokens |= {("email", v) for v in emails(text)}
    tokens |= {("vehicle", v) for v in vehicles(text)}
    tokens |= {("name", v[:120]) for v in names(people)}
    folded_place = fold(place)
    if folded_place:
        tokens.add(("place", folded_place[:120]))
    return tokens
