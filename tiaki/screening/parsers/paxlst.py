"""UN/EDIFACT PAXLST parser for advance passenger information (API).

Follows the message structure of UN/EDIFACT directory D.02B (and the compatible D.05B) as
profiled by the WCO/IATA/ICAO "Guidelines on Advance Passenger Information", PAXLST
implementation guide:

* header: UNB, UNG, UNH, BGM, RFF, segment group 1 (NAD+MS reporting party, CTA, COM);
* segment group 2: TDT (flight), with segment group 3: LOC/DTM pairs (125/189 departure,
  87/232 arrival, 92 routing, 130 final destination);
* segment group 4: NAD (FL passenger, FM crew, DDU/DDT in transit), ATT+2 sex, DTM+329 birth,
  LOC (22, 174, 178, 179, 180), COM, EMP, NAT+2, RFF, and segment group 5: DOC, DTM (36
  expiry, 182 issue), LOC+91 issuing country;
* CNT (41 crew, 42 passengers), UNT, UNE, UNZ.

The parser never stops at a bad segment. Ordering rules of the guide are not enforced: a
segment's qualifier decides what it means, and every deviation is a :class:`ParseIssue` with the
segment index and line/column. Entry points: :func:`parse_paxlst`, :func:`parse_paxlst_file`.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from tiaki.core.collector import collector_paused

from .countries import normalise_country
from .edifact import (
    Century,
    ParseIssue,
    Segment,
    Severity,
    decode,
    parse_edifact_date,
    tokenise,
    valid_tag,
)
from .paxlst_legs import LegDraft, LegLocation, build_legs
from .paxlst_model import (
    TRAVELLER_ROLES,
    Address,
    Employment,
    FunctionalGroup,
    Interchange,
    PaxlstMessage,
    PaxlstResult,
    ReportingParty,
    TravelDocument,
    Traveller,
)

__all__ = ["parse_paxlst", "parse_paxlst_file"]

_ENVELOPE = frozenset({"UNB", "UNG", "UNH", "UNT", "UNE", "UNZ"})
# Segments of the PAXLST message we do not interpret but keep verbatim on the traveller.
_KEPT_AS_IS = frozenset({"FTX", "MEA", "GEI", "CPI", "QTY", "GID", "AUT", "CTA", "COM"})
_KNOWN = frozenset(
    {"BGM", "RFF", "DTM", "NAD", "CTA", "COM", "TDT", "LOC", "ATT", "NAT", "DOC", "EMP", "CNT"}
) | _KEPT_AS_IS
_SEXES = frozenset({"M", "F", "U", "X"})
# LOC 3227 qualifiers of segment group 4 -> the traveller's attribute.
_TRAVELLER_LOCS = {"22": "first_arrival", "174": "residence_country", "178": "embarkation",
                   "179": "debarkation", "180": "birth_place"}


@dataclass
class _DocDraft:
    doc_type: str
    number: str | None
    segment: Segment
    expiry: date | None = None
    issued: date | None = None
    issuing_country: str | None = None

    def freeze(self) -> TravelDocument:
        return TravelDocument(self.doc_type, self.number, self.expiry, self.issued,
                              self.issuing_country, self.segment.position)


@dataclass
class _MessageState:
    message: PaxlstMessage
    first_index: int
    party: ReportingParty | None = None
    leg: LegDraft | None = None
    traveller: Traveller | None = None
    doc: _DocDraft | None = None


def parse_paxlst_file(path: str | Path, *, reference_date: date | None = None) -> PaxlstResult:
    """Parse a PAXLST file read as bytes (the character set comes from UNB)."""
    return parse_paxlst(Path(path).read_bytes(), reference_date=reference_date)


def parse_paxlst(data: bytes | str, *, reference_date: date | None = None) -> PaxlstResult:
    """Parse one file holding one or more PAXLST interchanges.

    ``reference_date`` resolves two-digit years (DTM format 101/201); by default the UNB
    preparation date is used so that results do not depend on when the file is parsed.
    """
    with collector_paused():
        return _parse(data, reference_date)


def _parse(data: bytes | str, reference_date: date | None) -> PaxlstResult:
    text, codec, decode_issues = decode(data)
    tok = tokenise(text)
    builder = _Builder(reference_date)
    pending = _issues_by_segment(decode_issues, tok.segments)
    for issue in tok.issues:  # route syntax issues to their message / traveller too
        index = issue.position.segment_index if issue.position else None
        pending.setdefault(-1 if index is None else index, []).append(issue)
    feed = builder.feed
    for seg in tok.segments:
        feed(seg)
        if seg.index in pending:
            for issue in pending[seg.index]:
                builder.attach(issue)
    builder.finish()
    for issue in pending.get(-1, ()):
        builder.issues.append(issue)
    builder.issues.sort(key=lambda i: i.position.offset if i.position else -1)
    return PaxlstResult(builder.messages, builder.issues, tok.delimiters, codec,
                        builder.unparsed)


def _issues_by_segment(
    issues: list[ParseIssue], segments: list[Segment]
) -> dict[int, list[ParseIssue]]:
    """Give decode-time issues (which only know an offset) the index of their segment."""
    out: dict[int, list[ParseIssue]] = {}
    offsets = [s.position.offset for s in segments]

    for issue in issues:
        if issue.position is None or not segments:
            out.setdefault(-1, []).append(issue)
            continue
        k = max(bisect.bisect_right(offsets, issue.position.offset) - 1, 0)
        p = issue.position
        moved = type(p)(k, p.line, p.column, p.offset)
        seg = segments[k]
        out.setdefault(k, []).append(
            ParseIssue(issue.severity, issue.reason, moved, seg.tag, seg.text[:80])
        )
    return out


def _edifact_datetime(d: str, t: str) -> datetime | None:
    """UNB/UNG S004: date YYMMDD (or CCYYMMDD in syntax 4) and time HHMM."""
    try:
        if len(d) == 8:
            return datetime.strptime(d + t[:4], "%Y%m%d%H%M")
        return datetime.strptime(d + t[:4], "%y%m%d%H%M")
    except ValueError:
        return None


class _Builder:
    def __init__(self, reference_date: date | None) -> None:
        self.reference_date = reference_date
        self.issues: list[ParseIssue] = []
        self.messages: list[PaxlstMessage] = []
        self.unparsed: list[Segment] = []
        self.interchange: Interchange | None = None
        self.group: FunctionalGroup | None = None
        self.interchange_open = False
        self.group_open = False
        self.messages_in_group = 0
        self.units_in_interchange = 0  # groups, or messages when no UNG is used
        self.state: _MessageState | None = None
        self.last_segment: Segment | None = None
        self._country_problems: dict[str, str | None] = {}

    # -- issue bookkeeping -------------------------------------------------------------
    def issue(self, severity: Severity, reason: str, seg: Segment | None) -> None:
        self.attach(
            ParseIssue(
                severity,
                reason,
                seg.position if seg else None,
                seg.tag if seg else None,
                seg.text[:200] if seg else None,
            )
        )

    def attach(self, issue: ParseIssue) -> None:
        self.issues.append(issue)
        if self.state:
            self.state.message.issues.append(issue)
            if self.state.traveller:
                self.state.traveller.issues.append(issue)

    @property
    def ref_date(self) -> date:
        if self.reference_date:
            return self.reference_date
        for env in (self.interchange, self.group):
            if env and env.prepared_at:
                return env.prepared_at.date()
        return date.today()  # no envelope date at all: nothing better to anchor on

    # -- dispatch ----------------------------------------------------------------------
    def feed(self, seg: Segment) -> None:
        tag = seg.tag
        if not valid_tag(tag):
            self.unparsed.append(seg)  # already reported by the tokeniser
            return
        self.last_segment = seg
        # Table-driven: the handler for each tag is looked up once per class (``_HANDLERS``),
        # not built from the tag's name for every segment.
        handler = _HANDLERS.get(tag)
        if handler is not None and tag in _ENVELOPE:
            handler(self, seg)
        elif self.state is None:
            self.unparsed.append(seg)
            where = "after UNZ" if self.interchange and not self.interchange_open else "outside"
            self.issue("error", f"segment {where} any UNH..UNT message; ignored", seg)
        elif handler is not None:
            handler(self, seg)
        else:
            self._keep(seg, known=tag in _KNOWN)

    def finish(self) -> None:
        if self.state:
            last = self.state
            self.issue("error", "message not closed by UNT (file truncated?); data kept",
                       self.last_segment)
            self._close_message(None)
            last.message.complete = False
        if self.interchange_open:
            self.issue("warning", "interchange not closed by UNZ", self.last_segment)

    # -- envelope ------------------------------------------------------------------------
    def _on_unb(self, seg: Segment) -> None:
        if self.state:
            self.issue("error", "UNB inside a message: previous message closed without UNT",
                       seg)
            self._close_message(None)
        if self.interchange_open:
            self.issue("warning", "repeated UNB before UNZ: the later header is used", seg)
        self.interchange = Interchange(
            syntax=seg.get(0, 0),
            syntax_version=seg.get(0, 1),
            sender=seg.get(1, 0),
            sender_qualifier=seg.get(1, 1),
            recipient=seg.get(2, 0),
            recipient_qualifier=seg.get(2, 1),
            prepared_at=_edifact_datetime(seg.get(3, 0), seg.get(3, 1)),
            control_reference=seg.get(4, 0),
            application_reference=seg.get(6, 0),
            position=seg.position,
        )
        if self.interchange.prepared_at is None:
            self.issue("warning", "UNB date/time of preparation (S004) unreadable", seg)
        self.interchange_open = True
        self.group, self.group_open = None, False
        self.units_in_interchange = 0

    def _on_ung(self, seg: Segment) -> None:
        if self.state:
            self.issue("error", "UNG inside a message: previous message closed without UNT",
                       seg)
            self._close_message(None)
        if self.group_open:
            self.issue("warning", "repeated UNG before UNE: the later header is used", seg)
        else:
            self.units_in_interchange += 1
        version = ":".join(p for p in seg.components(6)[:2] if p)
        self.group = FunctionalGroup(
            group_id=seg.get(0, 0),
            sender=seg.get(1, 0),
            recipient=seg.get(2, 0),
            prepared_at=_edifact_datetime(seg.get(3, 0), seg.get(3, 1)),
            reference=seg.get(4, 0),
            agency=seg.get(5, 0),
            version=version,
            position=seg.position,
        )
        self.group_open = True
        self.messages_in_group = 0

    def _on_unh(self, seg: Segment) -> None:
        if self.state:
            self.issue("error", "UNH before UNT: previous message closed implicitly", seg)
            self._close_message(None)
        s009 = seg.components(1)
        msg = PaxlstMessage(
            reference=seg.get(0, 0),
            message_type=seg.get(1, 0),
            version=":".join(p for p in s009[1:3] if p),
            controlling_agency=seg.get(1, 3),
            association_code=seg.get(1, 4),
            common_access_reference=seg.get(2, 0),
            position=seg.position,
            interchange=self.interchange,
            group=self.group,
        )
        self.state = _MessageState(msg, seg.index)
        if msg.message_type != "PAXLST":
            self.issue("warning", f"message type {msg.message_type!r} is not PAXLST", seg)
        if not self.group_open:
            self.units_in_interchange += 1
        self.messages_in_group += 1

    def _on_unt(self, seg: Segment) -> None:
        if self.state is None:
            self.issue("error", "UNT without UNH; ignored", seg)
            return
        self._close_message(seg)

    def _on_une(self, seg: Segment) -> None:
        if self.state:
            self.issue("error", "UNE inside a message: message closed without UNT", seg)
            self._close_message(None)
        if not self.group_open:
            self.issue("warning", "UNE without UNG", seg)
        declared = seg.get(0, 0)
        if declared.isdecimal() and int(declared) != self.messages_in_group:
            self.issue("warning", f"UNE declares {int(declared)} messages, group holds "
                                  f"{self.messages_in_group}", seg)
        self.group_open = False

    def _on_unz(self, seg: Segment) -> None:
        if self.state:
            self.issue("error", "UNZ inside a message: message closed without UNT", seg)
            self._close_message(None)
        ref = seg.get(1, 0)
        if self.interchange and ref != self.interchange.control_reference:
            self.issue("warning", f"UNZ reference {ref!r} differs from UNB "
                                  f"{self.interchange.control_reference!r}", seg)
        declared = seg.get(0, 0)
        if declared.isdecimal() and int(declared) != self.units_in_interchange:
            self.issue("warning", f"UNZ declares {int(declared)} groups/messages, interchange "
                                  f"holds {self.units_in_interchange}", seg)
        self.interchange_open = False

    def _close_message(self, unt: Segment | None) -> None:
        st = self.state
        assert st is not None
        self._close_traveller()
        self._close_leg()
        msg = st.message
        if unt is not None:
            msg.complete = True
            count = unt.get(0, 0)
            actual = unt.index - st.first_index + 1
            if not count.isdecimal():
                self.issue("warning", f"UNT segment count {count!r} is not a number", unt)
            elif int(count) != actual:
                self.issue("warning", f"UNT declares {int(count)} segments, message has "
                                      f"{actual}", unt)
            ref = unt.get(1, 0)
            if ref != msg.reference:
                squeezed = ref.replace(" ", "") == msg.reference
                extra = " (equal without blanks)" if squeezed else ""
                self.issue("warning", f"UNT reference {ref!r} differs from UNH "
                                      f"{msg.reference!r}{extra}", unt)
        self._check_counts(msg, unt)
        self.messages.append(msg)
        self.state = None

    def _check_counts(self, msg: PaxlstMessage, seg: Segment | None) -> None:
        for qualifier, actual, what in (
            ("42", msg.passenger_count, "passengers"),
            ("41", msg.crew_count, "crew members"),
        ):
            declared = msg.declared_counts.get(qualifier)
            if declared is not None and declared != actual:
                self.issue("warning", f"CNT+{qualifier} declares {declared} {what}, message "
                                      f"holds {actual}", seg)

    # -- message body ----------------------------------------------------------------------
    def _keep(self, seg: Segment, *, known: bool = True) -> None:
        st = self.state
        assert st is not None
        if not known:
            self.issue("warning", f"segment {seg.tag} is not part of PAXLST; kept as is", seg)
        if st.traveller is not None:
            st.traveller.other_segments.append(seg)
            st.traveller.segments.append(seg)
        else:
            st.message.other_segments.append(seg)

    def _on_bgm(self, seg: Segment) -> None:
        st = self.state
        assert st is not None
        st.message.document_code = seg.get(0, 0) or None
        st.message.document_id = seg.get(1, 0) or None

    def _on_rff(self, seg: Segment) -> None:
        st = self.state
        assert st is not None
        pair = (seg.get(0, 0), seg.get(0, 1))
        if not pair[1]:
            self.issue("error", "RFF without reference value", seg)
        if st.traveller is not None:
            st.traveller.references.append(pair)
            st.traveller.segments.append(seg)
        else:
            st.message.references.append(pair)

    def _on_nad(self, seg: Segment) -> None:
        st = self.state
        assert st is not None
        qualifier = seg.get(0, 0)
        if qualifier == "MS" or (qualifier not in TRAVELLER_ROLES and not st.message.legs
                                 and st.leg is None and st.traveller is None):
            self._close_traveller()
            name_parts = [p for p in seg.components(3) if p]
            name = " ".join(name_parts) or seg.get(1, 0)
            st.party = ReportingParty(name)
            st.message.reporting_parties.append(st.party)
            if qualifier != "MS":
                self.issue("warning", f"NAD qualifier {qualifier!r} before any flight read as "
                                      "reporting party", seg)
            return
        self._close_traveller()
        self._close_leg()
        st.party = None
        names = seg.components(3)
        family = names[0] if names else ""
        given = tuple(n for n in names[1:] if n)
        street = " ".join(p for p in seg.components(4) if p) or None
        sub = seg.components(6)
        address = Address(street, seg.get(5, 0) or None,
                          (sub[0] or (sub[3] if len(sub) > 3 else "")) if sub else None,
                          seg.get(7, 0) or None, seg.get(8, 0) or None)
        has_address = any((address.street, address.city, address.subdivision,
                           address.postcode, address.country))
        trav = Traveller(
            role_code=qualifier,
            family_name=family or None,
            given_names=given,
            position=seg.position,
            address=address if has_address else None,
        )
        trav.segments.append(seg)
        st.traveller = trav
        if qualifier not in TRAVELLER_ROLES:
            self.issue("warning", f"NAD qualifier {qualifier!r} is not FL/FM/DDU/DDT; kept as a "
                                  "traveller of unknown role", seg)
        if not family:
            self.issue("error", "traveller has no family name (NAD C080/3036)", seg)

    def _close_traveller(self) -> None:
        st = self.state
        assert st is not None
        self._close_doc()
        trav = st.traveller
        if trav is None:
            return
        if not trav.documents:
            self.issue("warning", f"traveller {trav.full_name or '?'} has no travel document "
                                  "(DOC)", trav.segments[0])
        st.message.travellers.append(trav)
        st.traveller = None

    def _close_doc(self) -> None:
        st = self.state
        assert st is not None
        if st.doc is not None and st.traveller is not None:
            st.traveller.documents.append(st.doc.freeze())
        st.doc = None

    def _on_com(self, seg: Segment) -> None:
        st = self.state
        assert st is not None
        phones: list[str] = []
        faxes: list[str] = []
        emails: list[str] = []
        for el in seg.elements:
            number = el[0] if el else ""
            kind = el[1] if len(el) > 1 else ""
            {"FX": faxes, "EM": emails}.get(kind, phones).append(number)
        if st.traveller is not None:
            st.traveller.phones.extend(phones + faxes)
            st.traveller.emails.extend(emails)
            st.traveller.segments.append(seg)
        elif st.party is not None:
            p = st.party
            new = ReportingParty(p.name, p.phones + tuple(phones), p.faxes + tuple(faxes),
                                 p.emails + tuple(emails))
            st.message.reporting_parties[-1] = new
            st.party = new
        else:
            self._keep(seg)

    def _on_tdt(self, seg: Segment) -> None:
        st = self.state
        assert st is not None
        if st.traveller is not None:
            self.issue("warning", "TDT after traveller data: flight details out of order", seg)
            self._close_traveller()
        self._close_leg()
        st.party = None
        st.leg = LegDraft(seg)
        if not seg.get(1, 0):
            self.issue("error", "TDT without flight identification (8028)", seg)

    def _close_leg(self) -> None:
        st = self.state
        assert st is not None
        draft, st.leg = st.leg, None
        if draft is not None:
            legs, problems = build_legs(draft)
            st.message.legs.extend(legs)
            for seg, reason in problems:
                self.issue("warning", reason, seg)

    def _on_loc(self, seg: Segment) -> None:
        st = self.state
        assert st is not None
        els = seg.elements  # read directly, as Segment.get does: this is per traveller x 5
        qualifier = els[0][0] if els and els[0] else ""
        # C517: code in 3225, or a free-text name in 3224 (e.g. LOC+180+:::Hartford USA).
        c517 = els[1] if len(els) > 1 else ()
        value = (c517[0] if c517 else "") or (c517[3] if len(c517) > 3 else "")
        trav = st.traveller
        if trav is None:
            if st.leg is None:
                self._keep(seg)
                self.issue("warning", "LOC outside a flight or traveller group", seg)
                return
            if not value:
                self.issue("error", "LOC without location code", seg)
            st.leg.locs.append(LegLocation(qualifier, value, seg))
            return
        trav.segments.append(seg)
        if not value:
            self.issue("error", f"LOC+{qualifier} without location", seg)
            return
        if qualifier == "91":
            if st.doc is None:
                self.issue("warning", "LOC+91 (document issuer) without a DOC; ignored", seg)
            else:
                st.doc.issuing_country = value
                self._check_country(value, seg)
            return
        attr = _TRAVELLER_LOCS.get(qualifier)
        if attr is None:
            trav.other_segments.append(seg)
            return
        if attr == "residence_country":
            self._check_country(value, seg)
        setattr(trav, attr, value)

    def _check_country(self, value: str, seg: Segment) -> None:
        # A list names a few dozen countries thousands of times: each is looked up once.
        try:
            problem = self._country_problems[value]
        except KeyError:
            code = normalise_country(value)
            problem = None if code is None or code.alpha3 is not None else (
                code.reason or "unknown country")
            self._country_problems[value] = problem
        if problem is not None:
            self.issue("warning", problem, seg)

    def _on_dtm(self, seg: Segment) -> None:
        st = self.state
        assert st is not None
        c507 = seg.elements[0] if seg.elements else ()
        n = len(c507)
        qualifier, raw, fmt = (c507[0] if n else "", c507[1] if n > 1 else "",
                               c507[2] if n > 2 else "")
        trav = st.traveller
        if trav is None and st.leg is None:
            self._keep(seg)
            return
        century: Century = "past" if qualifier in ("329", "182") else "near"
        try:
            value = parse_edifact_date(raw, fmt, reference=self.ref_date, century=century)
        except ValueError as exc:
            if trav is not None:
                trav.segments.append(seg)
            self.issue("error", f"DTM+{qualifier}: {exc}", seg)
            return
        if trav is None:
            assert st.leg is not None
            if not st.leg.locs:
                self.issue("warning", f"DTM+{qualifier} before any LOC in flight group", seg)
                return
            st.leg.locs[-1].times.append((qualifier, value))
            return
        trav.segments.append(seg)
        day = value.date() if isinstance(value, datetime) else value
        if qualifier == "329":
            trav.date_of_birth = day
        elif qualifier in ("36", "182") and st.doc is not None:
            if qualifier == "36":
                st.doc.expiry = day
            else:
                st.doc.issued = day
        else:
            trav.other_segments.append(seg)
            if qualifier in ("36", "182"):
                self.issue("warning", f"DTM+{qualifier} (document date) without a DOC", seg)

    def _traveller_or_keep(self, seg: Segment) -> Traveller | None:
        st = self.state
        assert st is not None
        if st.traveller is None:
            self.issue("warning", f"{seg.tag} outside a traveller group; kept as is", seg)
            st.message.other_segments.append(seg)
            return None
        st.traveller.segments.append(seg)
        return st.traveller

    def _on_att(self, seg: Segment) -> None:
        trav = self._traveller_or_keep(seg)
        if trav is None:
            return
        if seg.get(0, 0) != "2":  # 9017 attribute function qualifier 2 = sex
            trav.other_segments.append(seg)
            return
        value = seg.get(2, 0)
        if not value and seg.get(1, 0):
            value = seg.get(1, 0)
            self.issue("warning", "ATT+2 sex sent in C955 position of element 2; accepted", seg)
        value = value.upper()
        if value not in _SEXES:
            self.issue("warning", f"ATT+2 sex {value!r} is not M/F/U/X; kept as sent", seg)
        trav.sex = value or None

    def _on_nat(self, seg: Segment) -> None:
        trav = self._traveller_or_keep(seg)
        if trav is None:
            return
        value = seg.get(1, 0)
        if not value:
            self.issue("error", "NAT without nationality code", seg)
            return
        self._check_country(value, seg)
        trav.nationality = value

    def _on_doc(self, seg: Segment) -> None:
        trav = self._traveller_or_keep(seg)
        if trav is None:
            return
        self._close_doc()
        doc_type, number = seg.get(0, 0), seg.get(1, 0)
        if not number:
            self.issue("error", "DOC without document number (C503/1004)", seg)
        if not doc_type:
            self.issue("warning", "DOC without document type (C002/1001)", seg)
        st = self.state
        assert st is not None
        st.doc = _DocDraft(doc_type, number or None, seg)

    def _on_emp(self, seg: Segment) -> None:
        trav = self._traveller_or_keep(seg)
        if trav is None:
            return
        comps = seg.components(1)
        trav.employment.append(Employment(seg.get(0, 0), comps[0] if comps else "",
                                          comps[3] if len(comps) > 3 and comps[3] else None))

    def _on_cnt(self, seg: Segment) -> None:
        st = self.state
        assert st is not None
        self._close_traveller()
        self._close_leg()
        els = list(seg.elements)
        k = 0
        while k < len(els):
            comps = els[k]
            if len(comps) >= 2:
                qualifier, value = comps[0], comps[1]
                k += 1
            elif k + 1 < len(els) and len(els[k + 1]) == 1 and els[k + 1][0].isdecimal():
                # "CNT+41+8" (GTAS Test1): element separator used for the component one.
                qualifier, value = comps[0], els[k + 1][0]
                self.issue("warning", "CNT count split across elements; read as "
                                      f"{qualifier}:{value}", seg)
                k += 2
            else:
                self.issue("error", f"CNT element {':'.join(comps)!r} has no count", seg)
                k += 1
                continue
            if value.isdecimal():
                st.message.declared_counts[qualifier] = int(value)
            else:
                self.issue("error", f"CNT+{qualifier} count {value!r} is not a number", seg)


# Segment tag -> handler: every ``_on_xxx`` method of the builder.
_HANDLERS: dict[str, Callable[[_Builder, Segment], None]] = {
    name[4:].upper(): method for name, method in vars(_Builder).items()
    if name.startswith("_on_") and callable(method)
}
