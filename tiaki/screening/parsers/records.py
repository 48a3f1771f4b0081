"""Ingestion of traveller lists and visa applications into :class:`TravellerRecord`.

* CSV (RFC 4180 as written by spreadsheets: any of , ; TAB | as delimiter, UTF-8 with or
  without BOM, UTF-16, or Windows-1252), one traveller or application per row;
* JSON: one visa application object (a list of them is accepted too), nested ``document``,
  ``sponsor`` / ``employer`` / ``agent``, ``address`` and ``itinerary`` objects allowed;
* PAXLST travellers (see :mod:`.paxlst`) via :func:`records_from_paxlst`.

A bad row or field is reported with its line number and the field name as the source spelled
it, and reading goes on. :func:`detect_format` tells the three formats apart.
"""

from __future__ import annotations

import codecs
import csv
import json
import os
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, Literal

from tiaki.core.collector import collector_paused

from .documents import normalise_number
from .normalise import make_name, parse_country
from .paxlst import parse_paxlst
from .paxlst_model import FlightLeg, PaxlstResult
from .record_builder import PARTY_ROLES, Fields, build_record, canonical_field, field_key
from .record_model import (
    Address,
    DocumentInfo,
    IngestResult,
    Leg,
    PartialDate,
    RecordIssue,
    RecordKind,
    SourceRef,
    TravellerRecord,
    compute_fingerprint,
)

__all__ = [
    "InputFormat",
    "detect_format",
    "ingest",
    "read_csv",
    "read_json",
    "records_from_paxlst",
]

InputFormat = Literal["paxlst", "csv", "json", "unknown"]
Source = str | os.PathLike[str] | bytes | bytearray
_SNIFF_BYTES = 65536


def _read(source: Source, limit: int | None = None) -> tuple[bytes, str | None]:
    """Bytes and a display name. A ``str`` is a path, never content: content comes as bytes."""
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
        return (data[:limit] if limit else data), None
    path = Path(source)
    with path.open("rb") as fh:
        return (fh.read(limit) if limit else fh.read()), path.name


def _decode(data: bytes) -> tuple[str, str | None]:
    """Text and, when the encoding had to be guessed, a note saying so."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(codec), None
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        where = exc.start
    try:
        return data.decode("cp1252"), f"not UTF-8 (byte {where}); read as Windows-1252"
    except UnicodeDecodeError:
        return data.decode("iso8859-1"), f"not UTF-8 (byte {where}); read as ISO 8859-1"


def detect_format(source: Source) -> InputFormat:
    """PAXLST if the text opens with an EDIFACT envelope (UNA/UNB), JSON if it parses as a JSON
    object or array, CSV if a delimiter is found in a header line; else "unknown"."""
    data, _ = _read(source, _SNIFF_BYTES)
    text, _ = _decode(data)
    head = text.lstrip("\ufeff \t\r\n\x00")
    if re.match(r"UN[AB]", head):
        return "paxlst"
    if head[:1] in "{[":
        if len(data) < _SNIFF_BYTES:
            try:
                json.loads(head)
                return "json"
            except ValueError:
                pass
        elif re.match(r"[\[{]\s*[\"{\[\]}]", head):  # too big to parse: trust the opening
            return "json"
    first = head.split("\n", 1)[0]
    if any(d in first for d in ",;\t|"):
        return "csv"
    return "unknown"


def ingest(source: Source, *, kind: RecordKind | None = None,
           reference_date: date | None = None) -> IngestResult:
    """Detect the format and read it. ``kind`` defaults to "traveller" for CSV and PAXLST and
    to "visa_application" for JSON."""
    fmt = detect_format(source)
    if fmt == "paxlst":
        data, name = _read(source)
        return records_from_paxlst(parse_paxlst(data, reference_date=reference_date), name=name)
    if fmt == "json":
        return read_json(source, kind=kind or "visa_application", reference_date=reference_date)
    if fmt == "csv":
        return read_csv(source, kind=kind or "traveller", reference_date=reference_date)
    issue = RecordIssue("error", None, None, "format not recognised (PAXLST, CSV or JSON)",
                        row_rejected=True)
    return IngestResult("csv", [], [issue])


class _Lines:
    """Feeds lines to csv.reader while counting them, so a reader can be rebuilt after a
    csv.Error and reading resumes on the next line."""

    def __init__(self, text: str) -> None:
        self._it = iter(text.splitlines(keepends=True))
        self.line = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        value = next(self._it)
        self.line += 1
        return value


def read_csv(source: Source, *, kind: RecordKind = "traveller",
             reference_date: date | None = None) -> IngestResult:
    """Read a traveller list or visa-application CSV with a header row.

    Unknown columns are kept verbatim in ``extra``. A row with more cells than the header is
    rejected (its columns cannot be trusted); one with fewer is read with a warning.
    """
    data, name = _read(source)
    text, note = _decode(data)
    issues: list[RecordIssue] = []
    if note:
        issues.append(RecordIssue("warning", None, None, note))
    sample = text[:_SNIFF_BYTES]
    try:
        dialect: Any = csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    lines = _Lines(text)
    header: list[str] | None = None
    canon: list[str | None] = []
    records: list[TravellerRecord] = []
    while True:
        reader = csv.reader(lines, dialect)
        start = lines.line + 1
        try:
            for cells in reader:
                row_line, start = start, lines.line + 1
                if not any(c.strip() for c in cells):
                    continue
                if header is None:
                    header, canon = _header(cells, row_line, issues)
                    continue
                rec = _csv_row(cells, header, canon, row_line, kind, name, reference_date,
                               issues)
                if rec is not None:
                    records.append(rec)
            break
        except csv.Error as exc:
            issues.append(RecordIssue("error", lines.line, None, f"unreadable CSV: {exc}",
                                      row_rejected=True))
    if header is None:
        issues.append(RecordIssue("error", None, None, "no header row", row_rejected=True))
    return IngestResult("csv", records, issues)


def _header(cells: list[str], line: int, issues: list[RecordIssue]
            ) -> tuple[list[str], list[str | None]]:
    header = [c.strip() for c in cells]
    canon: list[str | None] = []
    seen: set[str] = set()
    for col in header:
        c = canonical_field(col)
        if c is not None and c in seen:
            issues.append(RecordIssue("warning", line, col, f"second column for {c!r}; its "
                                      "values are kept in extra"))
            c = None
        if c is not None:
            seen.add(c)
        canon.append(c)
    return header, canon


def _csv_row(cells: list[str], header: list[str], canon: list[str | None], line: int,
             kind: RecordKind, name: str | None, ref: date | None,
             issues: list[RecordIssue]) -> TravellerRecord | None:
    if len(cells) > len(header):
        issues.append(RecordIssue("error", line, None, f"row has {len(cells)} cells, header has "
                                  f"{len(header)}; rejected", ",".join(cells)[:200], True))
        return None
    if len(cells) < len(header):
        issues.append(RecordIssue("warning", line, header[len(cells)], f"row has {len(cells)} "
                                  f"cells, header has {len(header)}; missing ones read as empty"))
    fields: Fields = {}
    extra: list[tuple[str, str]] = []
    for col, c, value in zip(header, canon, cells, strict=False):
        if c is not None:
            fields[c] = (col, value)
        elif value.strip():
            extra.append((col, value.strip()))
    rec, row_issues = build_record(fields, kind=kind, source=SourceRef("csv", name, line),
                                   extra=extra, reference_date=ref)
    issues.extend(row_issues)
    return rec


def read_json(source: Source, *, kind: RecordKind = "visa_application",
              reference_date: date | None = None) -> IngestResult:
    """Read one JSON visa application (or an array of them). Nested objects are flattened to
    ``parent_child`` names before alias mapping, so ``{"document": {"number": ...}}`` and
    ``{"document_number": ...}`` mean the same; issues name the JSON path."""
    data, name = _read(source)
    text, note = _decode(data)
    issues: list[RecordIssue] = []
    if note:
        issues.append(RecordIssue("warning", None, None, note))
    objects: list[tuple[int, Any]] = []
    try:
        objects = _json_objects(text)
    except json.JSONDecodeError as exc:
        issues.append(RecordIssue("error", exc.lineno, None, f"invalid JSON: {exc.msg}",
                                  row_rejected=True))
    records = []
    for line, obj in objects:
        if not isinstance(obj, dict):
            issues.append(RecordIssue("error", line, None, "expected a JSON object",
                                      row_rejected=True))
            continue
        fields, legs, extra = _flatten(obj, line, issues)
        rec, row_issues = build_record(fields, kind=kind, source=SourceRef("json", name, line),
                                       extra=extra, legs=legs, reference_date=reference_date)
        issues.extend(row_issues)
        if rec is not None:
            records.append(rec)
    return IngestResult("json", records, issues)


def _json_objects(text: str) -> list[tuple[int, Any]]:
    """Top-level value(s) with the line each starts on (an array is read element by element
    so each application gets its own line number)."""
    decoder = json.JSONDecoder()
    i = len(text) - len(text.lstrip("\ufeff \t\r\n"))
    if not text.startswith("[", i):
        value, _ = decoder.raw_decode(text, i)
        return [(text.count("\n", 0, i) + 1, value)]
    json.loads(text)  # validate the whole document first: raises with line and column
    out: list[tuple[int, Any]] = []
    i += 1
    while True:
        while i < len(text) and text[i] in " \t\r\n,":
            i += 1
        if i >= len(text) or text[i] == "]":
            return out
        value, end = decoder.raw_decode(text, i)
        out.append((text.count("\n", 0, i) + 1, value))
        i = end


def _flatten(obj: dict[str, Any], line: int, issues: list[RecordIssue]
             ) -> tuple[Fields, list[Fields], list[tuple[str, str]]]:
    fields: Fields = {}
    legs: list[Fields] = []
    extra: list[tuple[str, str]] = []

    def put(path: str, key: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                put(f"{path}.{k}", f"{key}_{field_key(k)}", v)
            return
        if isinstance(value, list) and field_key(key) in ("itinerary", "legs", "flights",
                                                          "route") and all(
                isinstance(v, dict) for v in value):
            for n, leg in enumerate(value):
                leg_fields: Fields = {}
                for k, v in leg.items():
                    c = canonical_field(k)
                    if c is not None and v is not None:
                        leg_fields[c] = (f"{path}[{n}].{k}", str(v))
                legs.append(leg_fields)
            return
        if isinstance(value, list):
            value = "; ".join(str(v) for v in value if v is not None)  # phones, emails, lines
        if value is None:
            return
        text = value if isinstance(value, str) else json.dumps(value)
        c = canonical_field(key)
        if c is None and key.startswith(("address_", "sponsor_address_", "employer_address_",
                                         "agent_address_")):
            c = _address_part(key)
        if c is None:
            extra.append((path, text))
        elif c in fields:
            if c.endswith("address"):  # several address lines: join them
                fields[c] = (fields[c][0], f"{fields[c][1]}, {text}")
            else:
                issues.append(RecordIssue("warning", line, path, f"duplicates {fields[c][0]!r} "
                                          f"({c}); kept in extra", text))
                extra.append((path, text))
        else:
            fields[c] = (path, text)

    for key, value in obj.items():
        put(key, field_key(key), value)
    return fields, legs, extra


def _address_part(key: str) -> str | None:
    """address_line2 / sponsor_address_postcode ... -> the owner's address text field."""
    for owner in ("address", *(f"{r}_address" for r in PARTY_ROLES)):
        if key.startswith(owner + "_"):
            part = key[len(owner) + 1:]
            if owner == "address" and part in ("city", "country"):
                return f"address_{part}"
            return owner
    return None


def _leg_from_flight(leg: FlightLeg) -> Leg:
    def iso(v: object) -> str | None:
        return v.isoformat() if isinstance(v, date) else None

    return Leg(leg.carrier, leg.flight_number, leg.departure_port, iso(leg.departure_time),
               leg.arrival_port, iso(leg.arrival_time))


def records_from_paxlst(result: PaxlstResult, *, name: str | None = None) -> IngestResult:
    """PAXLST travellers as records, so API data meets visa and watch-list data in one shape.

    The PAXLST parse issues are carried over (field = segment tag, with segment index and
    column in the reason) so that :func:`ingest` loses none of them.
    """
    with collector_paused():
        return _records_from_paxlst(result, name)


def _records_from_paxlst(result: PaxlstResult, name: str | None) -> IngestResult:
    records: list[TravellerRecord] = []
    issues: list[RecordIssue] = []
    countries: dict[str | None, tuple[str | None, str | None]] = {}

    def country(value: str | None) -> tuple[str | None, str | None]:
        # A list names a few dozen countries thousands of times: each is read once.
        try:
            return countries[value]
        except KeyError:
            countries[value] = found = parse_country(value)
            return found

    for p in result.issues:
        where = (f" (segment {p.position.segment_index}, column {p.position.column})"
                 if p.position and p.position.segment_index is not None else "")
        issues.append(RecordIssue(p.severity, p.position.line if p.position else None,
                                  p.segment_tag, p.reason + where, p.segment_text))
    for msg in result.messages:
        itinerary = tuple(_leg_from_flight(leg) for leg in msg.legs)
        for trav in msg.travellers:
            line = trav.position.line
            row_issues: list[RecordIssue] = []
            raw = " | ".join(p for p in (trav.family_name, *trav.given_names) if p)
            person = make_name(trav.family_name, " ".join(trav.given_names) or None, None, raw)
            nationality, problem = country(trav.nationality)
            if problem:
                row_issues.append(RecordIssue("warning", line, "NAT", problem,
                                              trav.nationality))
            docs = []
            for d in trav.documents:
                issuer, _ = country(d.issuing_country)
                docs.append(DocumentInfo(d.doc_type or None, d.number,
                                         normalise_number(d.number) or None, issuer,
                                         PartialDate.of(d.expiry) if d.expiry else None))
            address = None
            if trav.address is not None:
                a = trav.address
                text = ", ".join(p for p in (a.street, a.subdivision, a.postcode) if p)
                address = Address(text, a.city, country(a.country)[0], text)
            if person is None and not docs:
                row_issues.append(RecordIssue("error", line, "NAD", "traveller has no name "
                                              "and no document; rejected", row_rejected=True))
                issues.extend(row_issues)
                continue
            rec = TravellerRecord(
                kind="traveller",
                source=SourceRef("paxlst", name, line),
                external_id=next((v for q, v in trav.references if q == "ABO"), None),
                names=(person,) if person else (),
                date_of_birth=PartialDate.of(trav.date_of_birth) if trav.date_of_birth
                else None,
                sex={"M": "M", "F": "F", "X": "X", "U": "X"}.get(trav.sex or ""),
                nationality=nationality,
                documents=tuple(docs),
                itinerary=itinerary,
                parties=(),
                phones=tuple(trav.phones),
                emails=tuple(trav.emails),
                address=address,
                extra=tuple((f"RFF+{q}", v) for q, v in trav.references)
                + tuple((f"LOC+{k}", v) for k, v in (("174", trav.residence_country),
                                                     ("178", trav.embarkation),
                                                     ("179", trav.debarkation),
                                                     ("180", trav.birth_place)) if v)
                + (("role", trav.role),),
                raw=tuple((s.tag, s.text) for s in trav.segments),
                issues=tuple(row_issues),
            )
            # Set on the record just built, before anyone holds it, as its own frozen
            # ``__init__`` sets every field: ``dataclasses.replace`` would build it twice.
            object.__setattr__(rec, "fingerprint", compute_fingerprint(rec))
            records.append(rec)
            issues.extend(row_issues)
    return IngestResult("paxlst", records, issues)


def _with_fingerprint(rec: TravellerRecord) -> TravellerRecord:
    return replace(rec, fingerprint=compute_fingerprint(rec))
