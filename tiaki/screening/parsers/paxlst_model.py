"""Typed result of parsing a UN/EDIFACT PAXLST message (directory D.02B / D.05B as profiled by
the WCO/IATA/ICAO API guidelines' PAXLST implementation guide)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from .edifact import Delimiters, ParseIssue, Position, Segment

__all__ = [
    "Address",
    "Employment",
    "FlightLeg",
    "FunctionalGroup",
    "Interchange",
    "PaxlstMessage",
    "PaxlstResult",
    "ReportingParty",
    "TravelDocument",
    "Traveller",
]

# NAD party function code qualifier (3035) values used for persons in PAXLST segment group 4.
TRAVELLER_ROLES: dict[str, str] = {
    "FL": "passenger",
    "FM": "crew",
    "DDU": "in-transit passenger",
    "DDT": "in-transit crew",
}
CREW_CODES = frozenset({"FM", "DDT"})

# RFF reference code qualifiers (1153) seen in the traveller group of API messages.
REFERENCE_NAMES: dict[str, str] = {
    "AVF": "reservation (PNR) locator",
    "ABO": "unique passenger reference",
    "AEA": "government agency reference",
    "CR": "customer reference",
    "SEA": "seat number",
    "TN": "transaction reference",
}


@dataclass(frozen=True, slots=True)
class Interchange:
    """UNB interchange header (ISO 9735-1 section 9)."""

    syntax: str  # S001/0001, e.g. UNOA
    syntax_version: str
    sender: str  # S002/0004
    sender_qualifier: str
    recipient: str  # S003/0010
    recipient_qualifier: str
    prepared_at: datetime | None  # S004
    control_reference: str  # 0020
    application_reference: str  # 0026, "APIS" for API
    position: Position


@dataclass(frozen=True, slots=True)
class FunctionalGroup:
    """UNG functional group header: carries the airline's application sender name."""

    group_id: str  # 0038, "PAXLST"
    sender: str  # S006
    recipient: str  # S007
    prepared_at: datetime | None
    reference: str  # 0048
    agency: str  # 0051
    version: str  # S008, e.g. "D:02B"
    position: Position


@dataclass(frozen=True, slots=True)
class ReportingParty:
    """Segment group 1: NAD+MS with its CTA/COM contacts."""

    name: str
    phones: tuple[str, ...] = ()
    faxes: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FlightLeg:
    """One departure/arrival pair from segment group 2 (TDT) and 3 (LOC/DTM).

    Times are as sent: local times at the port (PAXLST guide, DTM 189/232), so naive.
    """

    carrier: str | None
    flight_number: str | None
    conveyance_reference: str  # TDT 8028 as sent, e.g. "UA0989"
    departure_port: str | None
    departure_time: datetime | date | None
    arrival_port: str | None
    arrival_time: datetime | date | None
    transport_stage: str  # TDT 8051: 20 = main carriage
    final_destination: str | None = None
    position: Position | None = None


@dataclass(frozen=True, slots=True)
class Address:
    """NAD C059/3164/C819/3251/3207 of a traveller (residence while in the destination state)."""

    street: str | None
    city: str | None
    subdivision: str | None
    postcode: str | None
    country: str | None


@dataclass(frozen=True, slots=True)
class TravelDocument:
    """Segment group 5: DOC with its DTM (36 expiry, 182 issue) and LOC+91 (issuing country)."""

    doc_type: str  # C002/1001: P passport, V visa, I identity card, ...
    number: str | None  # C503/1004
    expiry: date | None = None
    issued: date | None = None
    issuing_country: str | None = None
    position: Position | None = None


@dataclass(frozen=True, slots=True)
class Employment:
    """EMP: crew duty category (e.g. CR1 cockpit) or occupation, kept as sent."""

    qualifier: str
    category: str
    description: str | None


@dataclass
class Traveller:
    """Segment group 4: one person (NAD+FL/FM/DDU/DDT) and everything sent about them."""

    role_code: str
    family_name: str | None
    given_names: tuple[str, ...]
    position: Position
    sex: str | None = None  # ATT+2 (9019): M, F, U, X as sent
    date_of_birth: date | None = None  # DTM+329
    nationality: str | None = None  # NAT+2
    residence_country: str | None = None  # LOC+174
    birth_place: str | None = None  # LOC+180
    embarkation: str | None = None  # LOC+178
    debarkation: str | None = None  # LOC+179
    first_arrival: str | None = None  # LOC+22 (customs clearance at first arrival)
    address: Address | None = None
    documents: list[TravelDocument] = field(default_factory=list)
    references: list[tuple[str, str]] = field(default_factory=list)  # RFF qualifier, value
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    employment: list[Employment] = field(default_factory=list)
    other_segments: list[Segment] = field(default_factory=list)  # FTX, MEA, GEI, ... as sent
    segments: list[Segment] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)

    @property
    def role(self) -> str:
        return TRAVELLER_ROLES.get(self.role_code, "unknown")

    @property
    def is_crew(self) -> bool:
        return self.role_code in CREW_CODES

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (*self.given_names, self.family_name or "") if p)


@dataclass
class PaxlstMessage:
    """One UNH..UNT message with its envelope."""

    reference: str  # UNH 0062
    message_type: str  # S009, "PAXLST"
    version: str  # e.g. "D:02B"
    controlling_agency: str
    association_code: str  # "IATA"
    common_access_reference: str  # UNH 0068, often the flight
    position: Position
    interchange: Interchange | None
    group: FunctionalGroup | None
    document_code: str | None = None  # BGM 1001: 745 passenger list, 250 crew list
    document_id: str | None = None
    references: list[tuple[str, str]] = field(default_factory=list)
    reporting_parties: list[ReportingParty] = field(default_factory=list)
    legs: list[FlightLeg] = field(default_factory=list)
    travellers: list[Traveller] = field(default_factory=list)
    declared_counts: dict[str, int] = field(default_factory=dict)  # CNT 6069 -> 6066
    other_segments: list[Segment] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)
    complete: bool = False  # closed by UNT

    @property
    def sender(self) -> str | None:
        """Carrier's application sender (UNG S006) if present, else interchange sender."""
        if self.group and self.group.sender:
            return self.group.sender
        return self.interchange.sender if self.interchange else None

    @property
    def recipient(self) -> str | None:
        if self.group and self.group.recipient:
            return self.group.recipient
        return self.interchange.recipient if self.interchange else None

    @property
    def prepared_at(self) -> datetime | None:
        if self.group and self.group.prepared_at:
            return self.group.prepared_at
        return self.interchange.prepared_at if self.interchange else None

    @property
    def traveller_count(self) -> int:
        return len(self.travellers)

    @property
    def passenger_count(self) -> int:
        return sum(not t.is_crew for t in self.travellers)

    @property
    def crew_count(self) -> int:
        return sum(t.is_crew for t in self.travellers)


@dataclass
class PaxlstResult:
    """Everything parsed from one file, plus every issue in source order."""

    messages: list[PaxlstMessage]
    issues: list[ParseIssue]
    delimiters: Delimiters
    encoding: str
    unparsed_segments: list[Segment] = field(default_factory=list)

    @property
    def travellers(self) -> list[Traveller]:
        return [t for m in self.messages for t in m.travellers]

    @property
    def errors(self) -> list[ParseIssue]:
        return [i for i in self.issues if i.severity == "error"]
