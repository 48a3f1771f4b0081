"""PAXLST parser against the five real messages from US CBP's GTAS test suite (shared data).

Traveller counts were made by hand from the files (one NAD+FL / NAD+FM group per person; the
NAD+MS reporting party is not a traveller) and are deliberately hard-coded here. Note that the
files' own CNT segments disagree with their contents in two cases (Test3: CNT+41:206 with 260
passengers; airline2: CNT+42:136 with 10): the parser must count, not trust CNT.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest

from tiaki.screening.parsers.paxlst import parse_paxlst_file

pytestmark = pytest.mark.shared_data

# file -> (travellers, passengers NAD+FL/DDU, crew NAD+FM/DDT), counted by hand.
HAND_COUNTS = {
    "Test1.txt": (8, 0, 8),
    "Test3.txt": (260, 260, 0),
    "airline2.edi": (10, 10, 0),
    "apisMessage.txt": (2, 2, 0),
    "multiple_flight_leg_apis.txt": (2, 2, 0),
}


@pytest.mark.parametrize("name", sorted(HAND_COUNTS))
def test_traveller_counts_match_the_messages(paxlst_dir: Path, name: str) -> None:
    result = parse_paxlst_file(paxlst_dir / name)
    assert len(result.messages) == 1
    msg = result.messages[0]
    assert msg.complete
    assert (msg.traveller_count, msg.passenger_count, msg.crew_count) == HAND_COUNTS[name]
    # Cross-check the hand count against a raw scan of NAD qualifiers (either separator).
    raw = (paxlst_dir / name).read_bytes().decode("latin-1")
    assert len(re.findall(r"NAD\s*[+*](?:FL|FM|DDU|DDT)[+*]", raw)) == HAND_COUNTS[name][0]
    # Every traveller is complete enough to screen: a name and, bar apisMessage, a document.
    for trav in msg.travellers:
        assert trav.family_name and trav.given_names
        assert trav.sex in {"M", "F"}
        assert trav.date_of_birth is not None


def test_test1_crew_list_without_una(paxlst_dir: Path) -> None:
    result = parse_paxlst_file(paxlst_dir / "Test1.txt")
    msg = result.messages[0]
    assert msg.reference == "1402010600"
    assert msg.version == "D:02B"
    assert msg.document_code == "250"  # crew list declaration
    assert msg.sender == "HAWAIIAN AIRLINES"
    assert msg.recipient == "USCSAPIS"
    assert msg.prepared_at == datetime(2014, 2, 2, 6, 0)
    assert msg.interchange is not None and msg.interchange.sender == "APIS*C3K"
    assert msg.reporting_parties[0].name == "CREW SCHEDULING"
    assert msg.reporting_parties[0].phones == ("808-838-5520",)
    assert msg.reporting_parties[0].faxes == ("808-838-5526",)
    [leg] = msg.legs
    assert (leg.carrier, leg.flight_number) == ("UA", "0989")
    assert (leg.departure_port, leg.arrival_port) == ("FRA", "IAD")
    assert leg.departure_time == datetime(2017, 1, 27, 17, 25)
    assert leg.arrival_time == datetime(2017, 1, 28, 7, 10)
    first = msg.travellers[0]
    assert first.role == "crew" and first.is_crew
    assert (first.family_name, first.given_names) == ("Steur", ("Andrea", "Pat"))
    assert first.sex == "F"
    assert first.date_of_birth == date(1978, 7, 6)
    assert first.nationality == "GBR"
    assert (first.residence_country, first.embarkation, first.debarkation) == (
        "GBR", "FRA", "IAD")
    assert first.first_arrival == "IAD"
    assert first.birth_place == "Hartford USA"
    [doc] = first.documents
    assert (doc.doc_type, doc.number, doc.issuing_country) == ("P", "123456789", "GBR")
    assert doc.expiry == date(2061, 2, 18)  # "610218", nearest century to the 2014 UNB date
    # Real deviations in this file, each reported, none fatal:
    reasons = [i.reason for i in result.issues]
    assert any("CNT count split across elements" in r for r in reasons)  # "CNT+41+8"
    assert msg.declared_counts == {"41": 8}
    assert any("UNT declares 152 segments" in r for r in reasons)
    assert not result.errors


def test_airline2_custom_una_and_space_after_ung(paxlst_dir: Path) -> None:
    result = parse_paxlst_file(paxlst_dir / "airline2.edi")
    assert (result.delimiters.element, result.delimiters.segment) == ("*", "$")
    msg = result.messages[0]
    assert msg.sender == "AMERICAN AIRLINES"  # read although the tag is "UNG "
    assert msg.common_access_reference == "AA346"
    [leg] = msg.legs
    assert (leg.carrier, leg.flight_number, leg.departure_port, leg.arrival_port) == (
        "TN", "506", "BRE", "YEU")
    assert msg.travellers[0].documents[0].number == "178556534"
    assert msg.travellers[0].references == [("AVF", "QXGYLO")]
    stray = [i for i in result.issues if "stray blank in segment tag" in i.reason]
    assert len(stray) == 1 and stray[0].position is not None
    assert (stray[0].position.line, stray[0].position.column) == (3, 1)
    reasons = [i.reason for i in result.issues]
    assert any("equal without blanks" in r for r in reasons)  # UNT "140211180 0"
    assert any("CNT+42 declares 136 passengers, message holds 10" in r for r in reasons)
    assert not result.errors


def test_multi_leg_messages(paxlst_dir: Path) -> None:
    msg = parse_paxlst_file(paxlst_dir / "multiple_flight_leg_apis.txt").messages[0]
    legs = [(leg.flight_number, leg.departure_port, leg.arrival_port) for leg in msg.legs]
    assert legs == [("877", "MIA", "IAD"), ("827", "IAD", "JFK"), ("827", "JFK", "CDG")]
    assert msg.legs[2].arrival_time == datetime(2008, 8, 11, 6, 30)
    assert msg.travellers[0].documents[0].number == "YY3478621G"
    assert msg.travellers[1].residence_country == "ESP"

    apis = parse_paxlst_file(paxlst_dir / "apisMessage.txt").messages[0]
    assert [(leg.carrier, leg.flight_number, leg.departure_port, leg.arrival_port)
            for leg in apis.legs] == [("AA", "123", "ATL", "ORD"), ("AA", "124", "ORD", "JFK")]
    assert apis.recipient == "DHS"  # "+ DHS" with a stray space
    assert apis.references == [("TN", "AJYTR1070219")]
    clark = apis.travellers[0]
    assert dict(clark.references)["AEA"] == "1234567890ABC"
    assert any("has no travel document" in i.reason for i in clark.issues)


def test_trailing_junk_is_reported_not_fatal(paxlst_dir: Path) -> None:
    result = parse_paxlst_file(paxlst_dir / "multiple_flight_leg_apis.txt")
    [junk] = result.errors
    assert "13Nov09" in junk.reason
    assert junk.position is not None and junk.position.line == 49
    assert [s.text for s in result.unparsed_segments] == ["13Nov09"]
    assert result.messages[0].traveller_count == 2


def test_byte_outside_declared_charset_is_kept_and_located(paxlst_dir: Path) -> None:
    result = parse_paxlst_file(paxlst_dir / "Test3.txt")
    assert result.encoding == "iso8859-1"
    [bad] = [i for i in result.issues if "0x87" in i.reason]
    assert bad.position is not None and bad.position.line == 72  # file uses bare CR lines
    assert bad.segment_tag == "NAD"
    [trav] = [t for t in result.travellers if bad in t.issues]
    assert trav.family_name == "Nov\x87k"  # raw byte preserved, not dropped or replaced
    assert trav.given_names == ("Jeffrey", "Pat")
