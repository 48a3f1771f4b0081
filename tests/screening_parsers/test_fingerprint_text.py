"""The fingerprint's canonical text is the standard library's JSON, byte for byte, whichever
encoder writes it: a stored fingerprint must keep matching the same record read again."""

from __future__ import annotations

import json

import pytest

from tiaki.screening.parsers.record_model import canonical_bytes
from tiaki.screening.parsers.records import read_csv


def _stdlib(content: object) -> bytes:
    return json.dumps(content, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode()


def test_every_code_point_is_written_as_the_standard_library_writes_it() -> None:
    # 1,024 code points a string, every one outside the surrogates; the escapes (controls,
    # quote, backslash) are per character, so strings of many say the same as one each.
    for start in range(0, 0x110000, 1024):
        text = "".join(chr(c) for c in range(start, start + 1024)
                       if not 0xD800 <= c <= 0xDFFF)
        content = {"names": [[text, None, text]], "address": {"text": text, "city": ""},
                   "extra": [[text, "x"]], "id": None}
        assert canonical_bytes(content) == _stdlib(content), hex(start)


def test_keys_are_sorted_at_every_level() -> None:
    content = {"sex": None, "address": {"text": "a", "country": "NZL", "city": "b"},
               "dob": "1980", "parties": [["sponsor", None, None, None,
                                           {"text": "", "city": "", "country": None}]]}
    assert canonical_bytes(content) == _stdlib(content)


def test_a_lone_surrogate_fails_as_it_did() -> None:
    with pytest.raises(UnicodeEncodeError):
        canonical_bytes({"names": [["\ud800", None, "\ud800"]]})


def test_a_record_keeps_the_fingerprint_earlier_versions_gave_it() -> None:
    # Computed with the standard library's encoder before orjson wrote the text: every field
    # the fingerprint covers is filled, in several scripts, with quotes, tabs and backslashes.
    text = ('family_name,given_name,name_original,date_of_birth,sex,nationality,'
            'passport_number,issuing_country,expiry_date,phone,email,address,city,itinerary,'
            'sponsor_name,sponsor_phone,notes\n'
            'Nguyễn,Thị Mai,阮氏梅,1988-11-00,F,VN,C1234567,VNM,2031-02-03,'
            '"+64 21 555 0100; 021 555 0101",Mai@Example.COM,"12 Queen St, Apt ""3""",Auckland,'
            '"NZ 123 AKL-SYD 2024-05-01; QF44 SYD-SGN",Tāmaki Labour Ltd,09 555 0199,'
            '"tab\tand\\backslash"\n')
    (rec,) = read_csv(text.encode()).records
    assert rec.fingerprint == ("64a22a21b54c86a56cb6ea6ffe94a80bf3dbba35119a3f194cd672703440b19d")
