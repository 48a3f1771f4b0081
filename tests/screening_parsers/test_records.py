"""CSV / JSON ingestion into the normalised record, fingerprints, and format detection."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tiaki.screening.parsers.paxlst import parse_paxlst_file
from tiaki.screening.parsers.record_model import PartialDate
from tiaki.screening.parsers.records import (
    detect_format,
    ingest,
    read_csv,
    read_json,
    records_from_paxlst,
)

REF = date(2024, 1, 1)
MRZ = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<|"
       "L898902C36UTO7408122F1204159ZE184226B<<<<<10")

TRAVELLERS = f"""\
Surname,Given names,DOB,Sex,Nationality,Passport number,Issuing country,Expiry,MRZ,Phone,Email
ERIKSSON,ANNA MARIA,1974-08-12,F,SWE,L898902C3,SWE,2032-04-15,{MRZ},+46 8 555 0101,A@Ex.SE
Иванова,Мария,1990-13-01,female,ru,АВ 123-456,RU,2030,,not-a-phone,bad@
,,,,,,,,,,
"Nguyễn","Văn
An",1985-06,M,VN,C1234567,VNM,2030-01-01,,0064 21 1234567,
Smith,John,1980,M,GB,123,GB,2031-02-03,,,,extra cell
Lee,Min-jun,1992-XX-XX,X,KOR,M12345678,KR,2033-03-03,,,
"""


@pytest.fixture
def travellers_csv(tmp_path: Path) -> Path:
    path = tmp_path / "list.csv"
    path.write_text(TRAVELLERS, encoding="utf-8")
    return path


def test_csv_rows_normalised_and_bad_rows_reported(travellers_csv: Path) -> None:
    result = read_csv(travellers_csv, reference_date=REF)
    by_line = {r.source.line or 0: r for r in result.records}
    assert sorted(by_line) == [2, 3, 5, 8]  # 4 blank, 7 rejected; 5-6 one quoted record
    anna = by_line[2]
    assert anna.kind == "traveller"
    assert anna.name is not None and anna.name.full == "ANNA MARIA ERIKSSON"
    assert anna.date_of_birth == PartialDate(1974, 8, 12)
    assert anna.nationality == "SWE"
    assert anna.document is not None and anna.document.mrz is not None
    assert anna.document.mrz.valid and anna.document.mrz_valid
    assert anna.phones == ("+4685550101",) and anna.emails == ("A@ex.se",)
    # The keyed record contradicts its MRZ (UTO, 2012 expiry): flagged, not "fixed".
    anna_issues = {(i.field, i.reason) for i in anna.issues}
    assert ("Nationality", "differs from MRZ nationality 'UTO'") in anna_issues

    maria = by_line[3]
    assert maria.name is not None and maria.name.script == "CYRILLIC"
    assert maria.name.family == "Иванова" and maria.name.latin == "MARIYA IVANOVA"
    assert maria.name.raw == "Иванова | Мария"
    assert maria.date_of_birth is None and maria.sex == "F" and maria.nationality == "RUS"
    assert maria.document is not None and maria.document.number_normalised == "АВ123456"
    assert maria.document.expiry == PartialDate(2030)
    problems = {(i.line, i.field, i.reason) for i in result.issues if i.severity == "error"}
    assert (3, "DOB", "month 13 out of range in '1990-13-01'") in problems
    assert (3, "Phone", "'not-a-phone' has characters that do not belong in a phone number"
            ) in problems
    assert (3, "Email", "'bad@' is not an e-mail address") in problems
    rejected = {(i.line, i.reason) for i in result.rejected}
    assert rejected == {(7, "row has 12 cells, header has 11; rejected")}

    nguyen = by_line[5]  # a quoted cell spanning two lines: later line numbers stay right
    assert nguyen.name is not None and nguyen.name.given == "Văn An"
    assert nguyen.name.latin == "VAN AN NGUYEN"
    assert nguyen.date_of_birth == PartialDate(1985, 6) and nguyen.phones == ("+64211234567",)
    lee = by_line[8]
    assert lee.date_of_birth == PartialDate(1992) and lee.sex == "X"


def test_fingerprints_are_stable_and_content_based(travellers_csv: Path, tmp_path: Path
                                                   ) -> None:
    first = read_csv(travellers_csv, reference_date=REF)
    again = read_csv(travellers_csv, reference_date=REF)
    assert [r.fingerprint for r in first.records] == [r.fingerprint for r in again.records]
    assert len({r.fingerprint for r in first.records}) == len(first.records)
    # Same content, other spelling: columns reordered, ; delimiter, BOM, case, alpha-2, blanks.
    other = tmp_path / "other.csv"
    other.write_text(
        "\ufeffNationality;Given_Names;SURNAME;date of birth;passport no;issuing country;"
        "expiry;mrz;phone;email;sex\n"
        f"se; anna  maria ;eriksson;1974-08-12;L898-902 C3;SE;2032-04-15;{MRZ};"
        "+46 (8) 555 0101;A@EX.SE;f\n",
        encoding="utf-8",
    )
    [rec] = read_csv(other, reference_date=REF).records
    assert rec.fingerprint == first.records[0].fingerprint
    changed = other.read_text(encoding="utf-8").replace("1974-08-12", "1974-08-13")
    other.write_text(changed, encoding="utf-8")
    [rec2] = read_csv(other, reference_date=REF).records
    assert rec2.fingerprint != rec.fingerprint


def test_windows_1252_csv_is_read_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "legacy.csv"
    path.write_bytes("family_name\tgiven_name\tdob\nMüller\tJürgen\t1970\n".encode("cp1252"))
    result = read_csv(path)
    assert result.records[0].name is not None and result.records[0].name.family == "Müller"
    assert "Windows-1252" in result.issues[0].reason


def test_mrz_fills_missing_fields_and_bad_mrz_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "mrz.csv"
    broken = MRZ.replace("L898902C36", "L898902C35")
    path.write_text(f"id,mrz\nA1,{MRZ}\nA2,{broken}\nA3,P<UTO\n", encoding="utf-8")
    result = read_csv(path, reference_date=date(2010, 1, 1))
    a1, a2 = result.records
    assert a1.name is not None and a1.name.family == "ERIKSSON"
    assert a1.date_of_birth == PartialDate(1974, 8, 12) and a1.sex == "F"
    assert a1.document is not None and a1.document.number == "L898902C3"
    assert a1.document.expiry == PartialDate(2012, 4, 15) and a1.nationality == "UTO"
    assert a2.document is not None and a2.document.mrz_valid is False
    assert a2.document.number is None  # not trusted: its check digit failed
    [warn] = [i for i in result.issues if i.line == 3 and i.field == "mrz"
              and "Doc 9303" in i.reason]
    assert "document_number_check: check digit is 5, computed 6" in warn.reason
    assert any(i.line == 4 and i.row_rejected for i in result.issues)  # no name, no document


APPLICATION = {
    "application_id": "VA-2024-000123",
    "family_name": "Otieno",
    "given_names": "Grace Akinyi",
    "name_original": "格蕾丝",
    "date_of_birth": "1999-03",
    "sex": "F",
    "nationality": "KE",
    "document": {"type": "P", "number": "AK-0012345", "issuer": "KEN", "expiry": "2031-07-31"},
    "itinerary": [
        {"flight": "KQ310", "from": "NBO", "to": "DXB", "departure": "2024-06-01T23:55"},
        {"carrier": "EK", "flight_number": "448", "from": "DXB", "to": "AKL",
         "departure": "2024-06-02 10:15", "arrival": "soon"},
    ],
    "employer": {"name": "Sunrise Orchards Ltd", "phone": "+64 7 555 0199",
                 "email": "hr@sunrise.example", "address": {"line1": "12 Orchard Rd"}},
    "sponsor": {"name": "Sunrise Orchards Ltd"},
    "agent": "Global Talent Bridge",
    "phone": ["+254 700 000 001", "0700 000 002"],
    "email": "grace@example.com",
    "address": {"street": "PO Box 1", "city": "Nairobi", "country": "KE"},
    "visa_type": "Seasonal work",
}


def test_json_visa_application(tmp_path: Path) -> None:
    path = tmp_path / "application.json"
    path.write_text(json.dumps(APPLICATION, ensure_ascii=False, indent=2), encoding="utf-8")
    result = read_json(path)
    [rec] = result.records
    assert rec.kind == "visa_application" and rec.external_id == "VA-2024-000123"
    assert [n.full for n in rec.names] == ["Grace Akinyi Otieno", "格蕾丝"]
    assert rec.names[1].script == "CJK"
    assert rec.date_of_birth == PartialDate(1999, 3) and rec.nationality == "KEN"
    assert rec.document is not None
    assert (rec.document.doc_type, rec.document.number_normalised) == ("P", "AK0012345")
    assert [(leg.carrier, leg.flight_number, leg.departure_port, leg.arrival_port)
            for leg in rec.itinerary] == [("KQ", "310", "NBO", "DXB"), ("EK", "448", "DXB",
                                                                        "AKL")]
    assert rec.itinerary[1].departure == "2024-06-02T10:15:00"
    assert {p.role: p.name for p in rec.parties} == {
        "sponsor": "Sunrise Orchards Ltd", "employer": "Sunrise Orchards Ltd",
        "agent": "Global Talent Bridge"}
    employer = next(p for p in rec.parties if p.role == "employer")
    assert employer.phone == "+6475550199" and employer.address is not None
    assert rec.phones == ("+254700000001", "0700000002")
    assert rec.address is not None and rec.address.country == "KEN"
    assert ("visa_type", "Seasonal work") in rec.extra
    [issue] = result.issues
    assert (issue.field, issue.value) == ("itinerary[1].arrival", "soon")
    assert issue.reason == "'soon' is not an ISO 8601 date or date-time"
    # Same application re-serialised differently -> same fingerprint.
    again = tmp_path / "again.json"
    again.write_text(json.dumps(dict(reversed(list(APPLICATION.items())))), encoding="utf-8")
    assert read_json(again).records[0].fingerprint == rec.fingerprint


def test_json_errors_have_lines(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "family_name": "X",\n  "sex": \n}\n', encoding="utf-8")
    [issue] = read_json(bad).issues
    assert issue.row_rejected and issue.line == 4 and "invalid JSON" in issue.reason
    many = tmp_path / "many.json"
    many.write_text('[\n {"family_name": "A"},\n {"family_name": "B", "sex": "?"},\n 3\n]',
                    encoding="utf-8")
    result = read_json(many)
    assert [r.source.line for r in result.records] == [2, 3]
    assert {(i.line, i.field) for i in result.issues} == {(3, "sex"), (4, None)}


def test_detect_format(tmp_path: Path, travellers_csv: Path) -> None:
    assert detect_format(travellers_csv) == "csv"
    assert detect_format(b"\xef\xbb\xbf  UNA:+.? 'UNB+UNOA:4+X+Y'") == "paxlst"
    assert detect_format(b"UNB+UNOA:4+X+Y+240101:0000+1'") == "paxlst"
    assert detect_format(json.dumps(APPLICATION).encode()) == "json"
    assert detect_format(b'[{"a": 1}]') == "json"
    assert detect_format(b"{not json") == "unknown"
    assert detect_format(b"just some words\n") == "unknown"
    assert ingest(travellers_csv, reference_date=REF).format == "csv"
    assert ingest(b"{}").issues[0].row_rejected


@pytest.mark.shared_data
def test_paxlst_travellers_become_records(paxlst_dir: Path) -> None:
    result = ingest(paxlst_dir / "Test3.txt")
    assert result.format == "paxlst" and len(result.records) == 260
    assert len({r.fingerprint for r in result.records}) == 260
    first = result.records[0]
    assert first.name is not None and first.name.full == "Rachel Pat Kuchel"
    assert first.date_of_birth == PartialDate(1977, 10, 19)
    assert first.document is not None and first.document.issuer == "USA"
    assert first.itinerary[0].departure_port == "FRA"
    assert ("role", "passenger") in first.extra
    [bad_byte] = [i for i in result.issues if "0x87" in i.reason]  # parse issues carried over
    assert (bad_byte.line, bad_byte.field) == (72, "NAD")
    assert "segment 851" in bad_byte.reason
    for name in ("Test1.txt", "airline2.edi", "apisMessage.txt", "multiple_flight_leg_apis.txt"):
        assert detect_format(paxlst_dir / name) == "paxlst"
    again = records_from_paxlst(parse_paxlst_file(paxlst_dir / "Test3.txt"))
    assert [r.fingerprint for r in again.records] == [r.fingerprint for r in result.records]


def test_a_value_read_again_is_reported_again_on_its_own_line() -> None:
    # Dates, countries and legs are read once per distinct value (the normalisers keep their
    # answers); each row still gets its own issue, with its line and the column as spelled.
    text = ("Surname,DOB,Nationality,From,To\n"
            "Lee,1980-02-30,XX,AK,SYD\n"
            "Kim,1980-02-30,XX,AK,SYD\n"
            "Roe,1980-02-01,NZ,AKL,SYD\n")
    result = read_csv(text.encode())
    found = sorted((i.line, i.field, i.severity) for i in result.issues)
    assert found == [(2, "DOB", "error"), (2, "From", "warning"), (2, "Nationality", "warning"),
                     (3, "DOB", "error"), (3, "From", "warning"), (3, "Nationality", "warning")]
    lee, kim, roe = result.records
    assert lee.date_of_birth is None and kim.date_of_birth is None
    assert roe.date_of_birth == PartialDate(1980, 2, 1) and roe.nationality == "NZL"
    assert not roe.issues and lee.nationality == kim.nationality == "XX"
    assert lee.itinerary == kim.itinerary and lee.itinerary[0].departure_port == "AK"
    assert [i.line for i in lee.issues] == [2, 2, 2] and [i.line for i in kim.issues] == [3, 3, 3]
