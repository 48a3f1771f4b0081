"""Build one :class:`TravellerRecord` from the named fields of a CSV row or a JSON object.

Source field names are mapped to canonical names through an alias table, so "Surname",
"last_name" and "family name" all work; every problem is reported against the field name as the
source spelled it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import Any

from .documents import normalise_number
from .mrz import MRZError, MRZResult, parse_mrz
from .normalise import (
    clean,
    make_name,
    parse_country,
    parse_email,
    parse_partial_date,
    parse_phone,
    parse_sex,
    parse_when,
)
from .record_model import (
    Address,
    DocumentInfo,
    Leg,
    PartialDate,
    Party,
    PersonName,
    RecordIssue,
    RecordKind,
    SourceRef,
    TravellerRecord,
    compute_fingerprint,
)

__all__ = ["PARTY_ROLES", "Fields", "build_record", "canonical_field", "field_key"]

PARTY_ROLES = ("sponsor", "employer", "agent")
# canonical name -> accepted spellings (after field_key()).
_ALIASES: dict[str, tuple[str, ...]] = {
    "external_id": ("id", "record_id", "application_id", "application_number", "reference",
                    "case_id", "passenger_id"),
    "family_name": ("surname", "last_name", "lastname", "family", "name_family",
                    "primary_identifier"),
    "given_names": ("given_name", "given", "first_name", "first_names", "firstname",
                    "forename", "forenames", "name_given", "secondary_identifier"),
    "full_name": ("name", "name_full", "traveller_name", "applicant_name"),
    "name_original": ("original_name", "name_native", "native_name", "name_in_original_script",
                      "name_original_script", "name_local"),
    "date_of_birth": ("dob", "birth_date", "birthdate", "born"),
    "sex": ("gender",),
    "nationality": ("citizenship", "nationality_code", "country_of_nationality"),
    "document_type": ("doc_type", "travel_document_type", "passport_type", "document_kind"),
    "document_number": ("doc_number", "passport_number", "passport_no", "passport",
                        "travel_document_number", "document_no", "passport_document_number"),
    "document_issuer": ("issuing_country", "issuing_state", "issuer", "doc_issuer",
                        "passport_issuer", "passport_issuing_country", "document_issuing_country",
                        "document_issuing_state"),
    "document_expiry": ("expiry_date", "expiry", "date_of_expiry", "doc_expiry",
                        "passport_expiry", "document_expiry_date", "document_expires"),
    "mrz": ("document_mrz", "passport_mrz", "machine_readable_zone"),
    "mrz_1": ("mrz1", "mrz_line_1", "mrz_line1"),
    "mrz_2": ("mrz2", "mrz_line_2", "mrz_line2"),
    "mrz_3": ("mrz3", "mrz_line_3", "mrz_line3"),
    "phone": ("telephone", "phone_number", "mobile", "tel", "phones", "contact_phone"),
    "email": ("e_mail", "email_address", "emails", "contact_email"),
    "address": ("residential_address", "home_address", "address_text", "address_line",
                "address_street", "address_line1", "street"),
    "address_city": ("city",),
    "address_country": ("country_of_residence", "residence_country"),
    "itinerary": ("route", "flights", "legs"),
    "carrier": ("airline",),
    "flight_number": ("flight", "flight_no"),
    "departure_port": ("origin", "from", "departure_airport", "port_of_embarkation"),
    "departure": ("departure_date", "departure_time", "departs", "departure_datetime",
                  "intended_departure"),
    "arrival_port": ("destination", "to", "arrival_airport", "port_of_arrival",
                     "port_of_debarkation"),
    "arrival": ("arrival_date", "arrival_time", "arrives", "arrival_datetime",
                "intended_arrival", "intended_arrival_date"),
}
for _role in PARTY_ROLES:
    _ALIASES[f"{_role}_name"] = (_role, f"{_role}_full_name")
    _ALIASES[f"{_role}_phone"] = (f"{_role}_telephone", f"{_role}_phone_number")
    _ALIASES[f"{_role}_email"] = (f"{_role}_e_mail", f"{_role}_email_address")
    _ALIASES[f"{_role}_address"] = (f"{_role}_address_text", f"{_role}_address_street")

# The fields a party's record is read from (``_party``, its ``_address``).
_PARTY_FIELDS = {role: frozenset(f"{role}_{part}" for part in (
    "name", "phone", "email", "address", "address_city", "address_country"))
    for role in PARTY_ROLES}

_LOOKUP = {alias: canon for canon, aliases in _ALIASES.items() for alias in aliases}
_LOOKUP.update({canon: canon for canon in _ALIASES})
_LEG_FIELDS = ("carrier", "flight_number", "departure_port", "departure", "arrival_port",
               "arrival")
_LEG_RE = re.compile(
    r"(?:(?P<flight>[A-Z0-9]{2}[A-Z]?\s?\d{1,5}[A-Z]?)\s+)?(?P<dep>[A-Z]{3})\s*(?:-+>?|–|>|/)\s*"
    r"(?P<arr>[A-Z]{3})(?:\s+(?P<when>\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?))?"
)
_PORT_RE = re.compile(r"[A-Za-z]{3}|[A-Za-z]{5}")
_FLIGHT_RE = re.compile(r"([A-Z0-9]{2}[A-Z]?)\s?(\d{1,5}[A-Z]?)")

# canonical field -> (source field name, raw value)
Fields = dict[str, tuple[str, str]]


def field_key(name: str) -> str:
    """"Date of Birth" / "date-of-birth" / "DateOfBirth" -> "date_of_birth"."""
    text = unicodedata.normalize("NFKC", name).strip()
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text)  # camelCase
    return re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")


def canonical_field(name: str) -> str | None:
    return _LOOKUP.get(field_key(name))


Parser = Callable[[str | None], tuple[Any, str | None]]


class _Row:
    """One source record: its fields, its line, and the issues found so far."""

    def __init__(self, fields: Fields, line: int | None) -> None:
        self.fields = fields
        self.line = line
        self.issues: list[RecordIssue] = []

    def add(self, canon: str, reason: str, *, error: bool = True,
            fields: Fields | None = None) -> None:
        src, raw = (fields or self.fields).get(canon, (canon, ""))
        self.issues.append(RecordIssue("error" if error else "warning", self.line, src, reason,
                                       raw or None))

    def val(self, canon: str) -> str | None:
        item = self.fields.get(canon)
        return clean(item[1]) if item is not None else None

    def parsed(self, canon: str, fn: Parser) -> Any:
        """Apply a normaliser; a problem is an error when the value was dropped and a warning
        when it was kept as given (e.g. an unknown country code). An absent or blank field
        is None without calling it: every normaliser reads None as (None, no problem)."""
        text = self.val(canon)
        if text is None:
            return None
        value, problem = fn(text)
        if problem:
            self.add(canon, problem, error=value is None)
        return value


def build_record(
    fields: Fields,
    *,
    kind: RecordKind,
    source: SourceRef,
    extra: list[tuple[str, str]] | None = None,
    legs: list[Fields] | None = None,
    reference_date: date | None = None,
) -> tuple[TravellerRecord | None, list[RecordIssue]]:
    """Normalise one row. Field problems are reported and the field left empty (its raw value
    stays in ``raw``); the row itself is rejected only if it names no one and no document."""
    row = _Row(fields, source.line)
    mrz = _read_mrz(row, reference_date)
    names = _names(row, mrz)
    dob: PartialDate | None = row.parsed("date_of_birth", parse_partial_date)
    sex: str | None = row.parsed("sex", parse_sex)
    nationality: str | None = row.parsed("nationality", parse_country)
    document = _document(row, mrz)
    if mrz is not None:
        dob, sex, nationality = _fill_from_mrz(mrz, row, dob, sex, nationality)
    phones = _multi(row, "phone", parse_phone)
    emails = _multi(row, "email", parse_email)
    address = _address(row, "address")
    parties = [p for p in (_party(role, row) for role in PARTY_ROLES) if p is not None]
    itinerary = _itinerary(row, legs or [])

    if not names and (document is None or not document.number_normalised):
        row.issues.append(RecordIssue("error", row.line, None,
                                      "row names no person and no document; rejected",
                                      row_rejected=True))
        return None, row.issues
    rec = TravellerRecord(
        kind=kind,
        source=source,
        external_id=row.val("external_id"),
        names=tuple(names),
        date_of_birth=dob,
        sex=sex,
        nationality=nationality,
        documents=(document,) if document else (),
        itinerary=tuple(itinerary),
        parties=tuple(parties),
        phones=tuple(phones),
        emails=tuple(emails),
        address=address,
        extra=tuple(extra or ()),
        raw=tuple((src, raw) for src, raw in fields.values() if raw),
        issues=tuple(row.issues),
    )
    # Set on the frozen record in place (as a dataclass's own ``__post_init__`` would):
    # ``dataclasses.replace`` copied every field again, a sixth of building a CSV row.
    object.__setattr__(rec, "fingerprint", compute_fingerprint(rec))
    return rec, row.issues


def _names(row: _Row, mrz: MRZResult | None) -> list[PersonName]:
    f = row.fields
    raw = " | ".join(f[c][1] for c in ("family_name", "given_names", "full_name")
                     if c in f and f[c][1])
    names = []
    primary = make_name(row.val("family_name"), row.val("given_names"), row.val("full_name"),
                        raw)
    if primary is None and mrz is not None and mrz.text("surname"):
        primary = make_name(mrz.text("surname"), mrz.text("given_names"), None, "(MRZ)")
        row.issues.append(RecordIssue("warning", row.line, "mrz", "name taken from the MRZ"))
    if primary is not None:
        names.append(primary)
    if "name_original" not in f:
        return names
    original = make_name(None, None, row.val("name_original"), f["name_original"][1])
    if original is not None and (primary is None or original.full != primary.full):
        names.append(original)
    return names


_MRZ_FIELDS = frozenset(("mrz", "mrz_1", "mrz_2", "mrz_3"))


def _read_mrz(row: _Row, ref: date | None) -> MRZResult | None:
    f = row.fields
    if f.keys().isdisjoint(_MRZ_FIELDS):
        return None  # most lists carry no MRZ column
    if row.val("mrz"):
        canon = "mrz"
        # Lines may be separated by a line break, "|", ";", "," or blanks: none occur in an MRZ.
        parts = [p for p in re.split(r"[\s|;,]+", f["mrz"][1].strip()) if p]
    else:
        canon = "mrz_1"
        parts = [v for v in (row.val(c) for c in ("mrz_1", "mrz_2", "mrz_3")) if v]
    if not parts:
        return None
    try:
        result = parse_mrz(parts, reference_date=ref)
    except MRZError as exc:
        row.add(canon, str(exc))
        return None
    if not result.valid:
        row.add(canon, "MRZ fails ICAO Doc 9303 checks: " + "; ".join(result.errors),
                error=False)
    return result


def _document(row: _Row, mrz: MRZResult | None) -> DocumentInfo | None:
    number = row.val("document_number")
    doc_type = row.val("document_type")
    issuer: str | None = row.parsed("document_issuer", parse_country)
    expiry: PartialDate | None = row.parsed("document_expiry", parse_partial_date)
    if mrz is not None:
        m_number = mrz.text("document_number")
        if number and m_number and normalise_number(number) != normalise_number(m_number):
            row.add("document_number", f"differs from MRZ document number {m_number!r}",
                    error=False)
        if not number and m_number and mrz.fields["document_number_check"].valid:
            number = m_number
        doc_type = doc_type or mrz.text("document_code")
        if not issuer:
            issuer = parse_country(mrz.text("issuing_state"))[0]
        m_expiry = mrz.value("expiry_date")
        if expiry is None and isinstance(m_expiry, date) and mrz.fields["expiry_date"].valid:
            expiry = PartialDate.of(m_expiry)
    if not (number or doc_type or issuer or expiry or mrz):
        return None
    return DocumentInfo(doc_type, number, normalise_number(number) or None, issuer, expiry, mrz)


def _fill_from_mrz(
    mrz: MRZResult, row: _Row, dob: PartialDate | None, sex: str | None,
    nationality: str | None,
) -> tuple[PartialDate | None, str | None, str | None]:
    """Fill empty fields from valid MRZ fields and flag disagreements: a keyed record that
    contradicts its own MRZ is a screening signal, not something to silently fix."""
    m_dob = mrz.value("date_of_birth")
    if isinstance(m_dob, date) and mrz.fields["date_of_birth_check"].valid:
        if dob is None:
            dob = PartialDate.of(m_dob)
        elif dob.complete and dob.as_date() != m_dob:
            row.add("date_of_birth", f"differs from MRZ date of birth {m_dob}", error=False)
    m_sex = mrz.text("sex")
    if sex is None:
        sex = m_sex
    elif m_sex and m_sex != sex:
        row.add("sex", f"differs from MRZ sex {m_sex!r}", error=False)
    m_nat = parse_country(mrz.text("nationality"))[0]
    if nationality is None:
        nationality = m_nat
    elif m_nat and m_nat != nationality:
        row.add("nationality", f"differs from MRZ nationality {m_nat!r}", error=False)
    return dob, sex, nationality


def _multi(row: _Row, canon: str, fn: Parser) -> list[str]:
    """A cell may hold several phones or e-mails separated by ';' or ','."""
    values: list[str] = []
    if canon not in row.fields:
        return values
    for part in re.split(r"[;,\n]", row.fields[canon][1]):
        if not part.strip():
            continue
        value, problem = fn(part)
        if problem:
            row.add(canon, problem)
        elif value not in values:
            values.append(value)
    return values


def _address(row: _Row, canon: str) -> Address | None:
    if canon not in row.fields and f"{canon}_city" not in row.fields \
            and f"{canon}_country" not in row.fields:
        return None
    text = row.val(canon)
    city = row.val(f"{canon}_city")
    code: str | None = row.parsed(f"{canon}_country", parse_country)
    if not (text or city or code):
        return None
    f = row.fields
    raw = " | ".join(f[c][1] for c in (canon, f"{canon}_city", f"{canon}_country")
                     if c in f and f[c][1])
    return Address(text or "", city, code, raw)


def _party(role: str, row: _Row) -> Party | None:
    if row.fields.keys().isdisjoint(_PARTY_FIELDS[role]):
        return None  # most rows name no sponsor, employer or agent
    name = row.val(f"{role}_name")
    phone: str | None = row.parsed(f"{role}_phone", parse_phone)
    email: str | None = row.parsed(f"{role}_email", parse_email)
    address = _address(row, f"{role}_address")
    if not (name or phone or email or address):
        return None
    return Party(role, name, phone, email, address)


def _leg(row: _Row, leg: Fields) -> Leg | None:
    if not leg:
        return None
    found, problems = _leg_of(*(leg[c][1] if c in leg else None for c in _LEG_FIELDS))
    for canon, reason, error in problems:
        row.add(canon, reason, error=error, fields=leg)
    return found


LegProblem = tuple[str, str, bool]  # canonical field, reason, whether the value was dropped


@lru_cache(maxsize=65_536)
def _leg_of(carrier: str | None, flight: str | None, departure_port: str | None,
            departure: str | None, arrival_port: str | None, arrival: str | None
            ) -> tuple[Leg | None, tuple[LegProblem, ...]]:
    """One leg from its raw values (``_LEG_FIELDS`` order) and its problems. Kept per
    distinct leg: the rows of a passenger list mostly share their flight and ports."""
    carrier, flight = clean(carrier), clean(flight)
    problems: list[LegProblem] = []
    if flight:
        flight = flight.upper().replace(" ", "")
        m = _FLIGHT_RE.fullmatch(flight)
        if m and (not carrier or carrier.upper() == m.group(1)):
            carrier, flight = m.group(1), m.group(2)
    times: dict[str, str | None] = {}
    for canon, raw_time in (("departure", departure), ("arrival", arrival)):
        times[canon], problem = parse_when(raw_time)  # it cleans the value itself
        if problem:
            problems.append((canon, problem, True))
    ports: dict[str, str | None] = {}
    for canon, raw_port in (("departure_port", departure_port), ("arrival_port", arrival_port)):
        port = clean(raw_port)
        if port and not _PORT_RE.fullmatch(port):
            problems.append((canon, f"{port!r} is not an IATA (3) or UN/LOCODE (5) location "
                                    "code", False))
        ports[canon] = port.upper() if port else None
    if not (carrier or flight or any(ports.values()) or any(times.values())):
        return None, tuple(problems)
    return (Leg(carrier.upper() if carrier else None, flight, ports["departure_port"],
                times["departure"], ports["arrival_port"], times["arrival"]), tuple(problems))


def _itinerary(row: _Row, legs: list[Fields]) -> list[Leg]:
    """Legs from flat columns (one leg), from a list (JSON), and from an "itinerary" cell
    written as "NZ123 AKL-SYD 2024-05-01; ..."."""
    flat = {c: row.fields[c] for c in _LEG_FIELDS if c in row.fields}
    found = [_leg(row, leg) for leg in (flat, *legs)]
    if "itinerary" in row.fields:
        src, raw = row.fields["itinerary"]
        for part in re.split(r"[;\n]", raw):
            text = clean(part)
            if not text:
                continue
            m = _LEG_RE.fullmatch(text.upper())
            if not m:
                row.add("itinerary", f"leg {text!r} is not 'FLIGHT DEP-ARR [YYYY-MM-DD]'")
                continue
            leg: Fields = {"departure_port": (src, m["dep"]), "arrival_port": (src, m["arr"])}
            if m["flight"]:
                leg["flight_number"] = (src, m["flight"])
            if m["when"]:
                leg["departure"] = (src, m["when"])
            found.append(_leg(row, leg))
    return [leg for leg in found if leg is not None]
