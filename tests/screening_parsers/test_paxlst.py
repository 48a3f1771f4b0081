"""PAXLST tolerance to real-world deviations, on synthetic messages (no shared data needed)."""

from __future__ import annotations

import random
from datetime import date, datetime

import pytest

from tiaki.screening.parsers.edifact import parse_edifact_date, tokenise
from tiaki.screening.parsers.paxlst import parse_paxlst

# A canonical D.02B message written with placeholder service characters:
# ~ element separator, ^ component separator, ' segment terminator.
TEMPLATE = (
    "UNB~UNOA^4~AIRLINE1^ZZ~NZCS^ZZ~240601^0930~IC0001~~APIS'"
    "UNG~PAXLST~EXAMPLE AIR~NZCS~240601^0930~G1~UN~D^02B'"
    "UNH~M1~PAXLST^D^02B^UN^IATA~XA101/240601/1200~01^F'"
    "BGM~745'"
    "NAD~MS~~~OPS DESK'"
    "COM~+64 9 555 0100^TE~ops@example.test^EM'"
    "TDT~20~XA101~~~XA'"
    "LOC~125~SYD'DTM~189^2406011200^201'"
    "LOC~87~AKL'DTM~232^2406011700^201'"
    "NAD~FL~~~DOE^JANE^Q~1 MAIN ST~AUCKLAND~~1010~NZL'"
    "ATT~2~~F'DTM~329^850314'LOC~178~SYD'LOC~179~AKL'NAT~2~AUS'RFF~AVF^ABC123'"
    "DOC~P^110^111~PA1234567'DTM~36^300101'LOC~91~AUS'"
    "DOC~V~V998877'DTM~36^250101'LOC~91~NZL'"
    "NAD~FM~~~ROE^RICHARD'ATT~2~~M'DTM~329^700102'EMP~1~CR1^110^111'NAT~2~NZL'"
    "DOC~P~LA000111'DTM~36^290505'LOC~91~NZL'"
    "NAD~DDU~~~TRANSIT^TOM'ATT~2~~M'DTM~329^010203'NAT~2~FJI'DOC~P~FJ555'LOC~91~FJI'"
    "CNT~42^2'CNT~41^1'"
    "UNT~39~M1'UNE~1~G1'UNZ~1~IC0001'"
)


def render(template: str = TEMPLATE, *, elem: str = "+", comp: str = ":", seg: str = "'",
           una: bool = False, release: str = "?") -> str:
    text = template.replace("'", "\x00").replace("~", elem).replace("^", comp)
    text = text.replace("\x00", seg)
    if una:
        text = f"UNA{comp}{elem}.{release} {seg}" + text
    return text


def summary(data: str | bytes) -> list[tuple[object, ...]]:
    result = parse_paxlst(data)
    return [(t.role_code, t.family_name, t.given_names, t.sex, t.date_of_birth, t.nationality,
             [(d.doc_type, d.number, d.expiry, d.issuing_country) for d in t.documents])
            for t in result.travellers]


def test_canonical_message() -> None:
    result = parse_paxlst(render())
    assert not result.issues, [str(i) for i in result.issues]
    [msg] = result.messages
    assert (msg.sender, msg.recipient, msg.reference) == ("EXAMPLE AIR", "NZCS", "M1")
    assert msg.prepared_at == datetime(2024, 6, 1, 9, 30)
    assert msg.reporting_parties[0].emails == ("ops@example.test",)
    assert (msg.passenger_count, msg.crew_count) == (2, 1)
    jane, richard, tom = msg.travellers
    assert jane.full_name == "JANE Q DOE"
    assert jane.address is not None and jane.address.city == "AUCKLAND"
    assert jane.address.postcode == "1010" and jane.address.country == "NZL"
    assert [d.doc_type for d in jane.documents] == ["P", "V"]  # passport and visa
    assert jane.documents[1].issuing_country == "NZL"
    assert jane.date_of_birth == date(1985, 3, 14)
    assert richard.employment[0].category == "CR1"
    assert tom.role == "in-transit passenger" and not tom.is_crew
    assert tom.date_of_birth == date(2001, 2, 3)  # "010203" is in the past of a 2024 UNB


@pytest.mark.parametrize(
    ("elem", "comp", "seg", "release"),
    [("+", ":", "'", "?"), ("*", ":", "~", "?"), ("|", "^", "!", "\\"), ("\x1d", "\x1f", "\x1c",
                                                                         "?")],
)
def test_custom_una_gives_the_same_result(elem: str, comp: str, seg: str, release: str) -> None:
    template = TEMPLATE.replace("~", "\x01").replace("^", "\x02")
    text = template.replace("'", "\x00").replace("\x01", elem).replace("\x02", comp)
    text = f"UNA{comp}{elem}.{release} {seg}" + text.replace("\x00", seg)
    assert summary(text) == summary(render())


def test_release_character_escapes_separators() -> None:
    template = TEMPLATE.replace("DOE^JANE^Q", "O?'NEIL?+SMITH^JANE?:ANN^Q")
    [jane, *_] = parse_paxlst(render(template, una=True)).travellers
    assert jane.family_name == "O'NEIL+SMITH"
    assert jane.given_names == ("JANE:ANN", "Q")


def test_missing_una_separators_inferred_from_unb() -> None:
    result = parse_paxlst(render(elem="*", seg="$"))
    assert any("inferred from UNB" in i.reason for i in result.issues)
    assert summary(render(elem="*", seg="$")) == summary(render())


def test_line_breaks_anywhere_and_stray_blanks() -> None:
    text = render()
    # A line break every 7 characters lands inside tags, values and between segments.
    wrapped = "\r\n".join(text[i : i + 7] for i in range(0, len(text), 7))
    assert summary(wrapped) == summary(text)
    spaced = text.replace("UNG+", "UNG +").replace("+NZCS+", "+ NZCS+").replace("'", "'\n  ")
    result = parse_paxlst(spaced)
    assert result.messages[0].recipient == "NZCS"
    assert summary(spaced) == summary(text)
    assert any("stray blank in segment tag" in i.reason for i in result.issues)


def test_newline_as_segment_terminator() -> None:
    text = render(seg="\r\n", una=False).replace("UNB", "UNA:+.? \nUNB", 1)
    assert summary(text) == summary(render())


def test_repeated_headers_and_concatenated_interchanges() -> None:
    unb, rest = render().split("'", 1)
    repeated = f"{unb}'{unb}'" + rest.replace("UNG+", "UNG+PAXLST+OLD AIR+NZCS+240601:0930+G0+UN"
                                              "+D:02B'UNG+", 1)
    result = parse_paxlst(repeated)
    reasons = [i.reason for i in result.issues]
    assert any("repeated UNB" in r for r in reasons)
    assert any("repeated UNG" in r for r in reasons)
    assert result.messages[0].sender == "EXAMPLE AIR"  # the later header wins
    assert len(result.travellers) == 3

    second = render(elem="*", seg="$", una=True)
    both = parse_paxlst(render(una=True) + "\n" + second)
    assert [m.traveller_count for m in both.messages] == [3, 3]
    assert not both.errors


def test_malformed_segments_are_located_and_the_rest_kept() -> None:
    template = TEMPLATE.replace("DTM~329^850314'", "DTM~329^85X314'%%junk%%'").replace(
        "DOC~P~LA000111'", "DOC~P'")
    text = render(template).replace("'", "'\n")
    result = parse_paxlst(text)
    jane, richard, tom = result.travellers  # nobody lost
    assert jane.date_of_birth is None and jane.nationality == "AUS"
    [dtm] = [i for i in result.errors if i.segment_tag == "DTM"]
    assert dtm.position is not None
    assert (dtm.position.line, dtm.position.column) == (14, 1)
    assert dtm.position.segment_index == 13
    assert dtm in jane.issues
    [junk] = [i for i in result.errors if "junk" in i.reason]
    assert junk.position is not None and junk.position.line == 15
    assert junk in jane.issues  # syntax errors are attached to the traveller they hit
    [doc] = [i for i in result.errors if i.segment_tag == "DOC"]
    assert doc in richard.issues and richard.documents[0].number is None
    assert tom.documents[0].number == "FJ555"


def test_traveller_without_name_is_reported_but_kept() -> None:
    result = parse_paxlst(render(TEMPLATE.replace("NAD~FM~~~ROE^RICHARD'", "NAD~FM'")))
    assert len(result.travellers) == 3
    [err] = result.errors
    assert "no family name" in err.reason
    assert err in result.travellers[1].issues


def test_truncated_message_keeps_travellers() -> None:
    text = render().split("NAD+DDU")[0]
    result = parse_paxlst(text)
    assert [t.family_name for t in result.travellers] == ["DOE", "ROE"]
    assert any("not closed by UNT" in i.reason for i in result.errors)
    assert not result.messages[0].complete


def test_counts_checked_against_cnt() -> None:
    result = parse_paxlst(render(TEMPLATE.replace("CNT~42^2", "CNT~42^5")))
    assert any("CNT+42 declares 5 passengers, message holds 2" in i.reason
               for i in result.issues)


def test_segment_positions_count_lines_for_cr_lf_and_crlf() -> None:
    tok = tokenise("UNB+UNOA:4'\rUNH+1'\nBGM+745'\r\nXX'")
    assert [s.position.line for s in tok.segments] == [1, 2, 3, 4]
    assert tok.segments[3].position.segment_index == 3
    assert any("not a segment tag" in i.reason for i in tok.issues)


def test_edifact_dates() -> None:
    ref = date(2024, 6, 1)
    assert parse_edifact_date("850314", "", reference=ref, century="past") == date(1985, 3, 14)
    assert parse_edifact_date("240602", "", reference=ref, century="past") == date(1924, 6, 2)
    assert parse_edifact_date("300101", "", reference=ref) == date(2030, 1, 1)
    assert parse_edifact_date("2406011200", "201", reference=ref) == datetime(2024, 6, 1, 12)
    assert parse_edifact_date("202406011200", "203", reference=ref) == datetime(2024, 6, 1, 12)
    assert parse_edifact_date("000229", "", reference=date(1990, 1, 1)) == date(2000, 2, 29)
    with pytest.raises(ValueError, match="not numeric"):
        parse_edifact_date("85X314", "", reference=ref)


def test_random_corruption_never_raises() -> None:
    """Whatever a carrier sends, the parser reports; it does not crash."""
    rng = random.Random(0)
    base = render(una=True).encode()
    noise = b"+:'?\r\n UNA0123456789XYZ\x87*$\xc2\xb2"
    for _ in range(400):
        data = bytearray(base)
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(len(data))
            op = rng.random()
            if op < 0.4:
                del data[i]
            elif op < 0.8:
                data.insert(i, rng.choice(noise))
            else:
                data[i] = rng.choice(noise)
        result = parse_paxlst(bytes(data))
        assert all(i.reason for i in result.issues)


def test_date_fast_path_agrees_with_strptime() -> None:
    """Full-width values are read by slicing; every value must read as strptime reads it,
    with strptime's own error for the ones it refuses."""
    from tiaki.screening.parsers.edifact import _strptime

    rng = random.Random(3)
    for pattern, width in (("%Y%m%d", 8), ("%Y%m%d%H%M", 12), ("%Y%m%d%H%M%S", 14)):
        for _ in range(3000):
            year = rng.choice(["0000", "0001", "1900", "1977", "2000", "2024", "9999"])
            value = year + "".join(f"{rng.randint(0, 65):02d}" for _ in range((width - 4) // 2))
            if rng.random() < 0.2:
                value = value[: rng.randint(0, width + 1)] + rng.choice(["", "7", " ", "\u0661"])
            try:
                expected: object = datetime.strptime(value, pattern)
            except ValueError as exc:
                expected = str(exc)
            try:
                got: object = _strptime(value, pattern)
            except ValueError as exc:
                got = str(exc)
            assert got == expected, (value, pattern)


def test_blank_test_matches_str_strip() -> None:
    """The tokeniser strips only segments its whitespace pattern finds a blank in: that
    pattern must see exactly the characters ``str.strip`` removes."""
    from tiaki.screening.parsers.edifact import _WHITESPACE

    for cp in range(0x110000):
        ch = chr(cp)
        assert (_WHITESPACE.search(ch) is not None) == (ch.strip() == ""), hex(cp)


def test_plain_and_general_paths_give_the_same_segments() -> None:
    """A release character sends a segment down the character-by-character path; the rest
    of the message is read by the plain run. Both must give the same segments, positions and
    issues as reading the whole message by the general path."""
    from tiaki.screening.parsers import edifact

    text = render(una=True).replace("DOE", "D?'OE").replace("AUS", " AUS ") + "XX+1"
    fast = edifact.tokenise(text)
    original = edifact._read_plain_run
    try:
        edifact._read_plain_run = lambda text, i, *args: i  # type: ignore[assignment]
        slow = edifact.tokenise(text)
    finally:
        edifact._read_plain_run = original
    assert fast.segments == slow.segments
    assert fast.issues == slow.issues
    assert any(s.get(3, 0) == "D'OE" for s in fast.segments)


def test_collector_is_restored_after_parsing() -> None:
    import gc

    from tiaki.core.collector import collector_paused

    assert gc.isenabled()
    parse_paxlst(render())
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()
