"""Flight legs from PAXLST segment group 2 (TDT) and segment group 3 (LOC/DTM pairs).

Per the PAXLST implementation guide (D.02B/D.05B): LOC+125 departure airport with DTM+189
departure time, LOC+87 arrival airport with DTM+232 arrival time; multi-leg messages either
repeat TDT per leg or use LOC+92 (routing) pairs, and LOC+130 gives the final destination.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from .edifact import Segment
from .paxlst_model import FlightLeg

__all__ = ["LegDraft", "LegLocation", "build_legs", "split_flight"]

_FLIGHT_RE = re.compile(r"([A-Z0-9]{2}[A-Z]?)(\d{1,5}[A-Z]?)")


@dataclass
class LegLocation:
    qualifier: str
    code: str
    segment: Segment
    times: list[tuple[str, datetime | date]] = field(default_factory=list)


@dataclass
class LegDraft:
    tdt: Segment
    locs: list[LegLocation] = field(default_factory=list)


def split_flight(reference: str, carrier: str) -> tuple[str | None, str | None]:
    """TDT 8028 holds carrier + flight number ("UA0989"); C040/3127 repeats the carrier."""
    ref = reference.replace(" ", "").upper()
    carrier = carrier.upper()
    if carrier and ref.startswith(carrier) and ref[len(carrier) :]:
        return carrier, ref[len(carrier) :]
    m = _FLIGHT_RE.fullmatch(ref)
    if m:
        return carrier or m.group(1), m.group(2)
    return carrier or None, ref or None


def build_legs(draft: LegDraft) -> tuple[list[FlightLeg], list[tuple[Segment, str]]]:
    """Turn a TDT and its LOC/DTM pairs into legs: each departure (125, or a 92 followed by
    DTM+189 or opening a pair) is closed by the next arrival (87, 92, or 130). Returns the legs
    and the (segment, reason) problems found."""
    tdt = draft.tdt
    carrier, number = split_flight(tdt.get(1, 0), tdt.get(4, 0))
    legs: list[FlightLeg] = []
    problems: list[tuple[Segment, str]] = []
    dep: LegLocation | None = None

    def emit(arr: LegLocation | None) -> None:
        if dep is None or arr is None:
            known = dep or arr
            problems.append((known.segment if known else tdt,
                             "flight leg without both departure and arrival port"))
        legs.append(FlightLeg(
            carrier=carrier,
            flight_number=number,
            conveyance_reference=tdt.get(1, 0),
            departure_port=dep.code if dep else None,
            departure_time=_time(dep, "189"),
            arrival_port=arr.code if arr else None,
            arrival_time=_time(arr, "232"),
            transport_stage=tdt.get(0, 0),
            final_destination=arr.code if arr and arr.qualifier == "130" else None,
            position=tdt.position,
        ))

    for loc in draft.locs:
        quals = {q for q, _ in loc.times}
        is_dep = loc.qualifier == "125" or (
            loc.qualifier == "92" and ("189" in quals or ("232" not in quals and dep is None))
        )
        if is_dep:
            if dep is not None:
                emit(None)
            dep = loc
        elif loc.qualifier in ("87", "92") or (loc.qualifier == "130" and dep is not None):
            emit(loc)
            dep = None
        elif loc.qualifier == "130" and legs:
            legs[-1] = replace(legs[-1], final_destination=loc.code)
        else:
            problems.append((loc.segment, f"LOC+{loc.qualifier} is not a flight location; "
                                          "ignored"))
    if dep is not None or not legs:
        emit(None)
    return legs, problems


def _time(loc: LegLocation | None, preferred: str) -> datetime | date | None:
    if loc is None or not loc.times:
        return None
    for qualifier, value in loc.times:
        if qualifier == preferred:
            return value
    return loc.times[0][1]
