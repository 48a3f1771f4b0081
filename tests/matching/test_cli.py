"""The command line contract, end to end on small CSV files."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from tiaki.matching.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return {
        "watch": _write(
            tmp_path / "w.csv",
            "id,full_name,date_of_birth,nationality\n"
            "W1,Сергей Иванов,1980-03-05,RUS\nW2,Ana María López,1991,\n",
        ),
        "recs": _write(
            tmp_path / "r.csv",
            "id,given_name,family_name,date_of_birth,nationality,extra\n"
            "R1,Sergei,Ivanov,1980-05-03,RUS,x\nR2,Peter,Jones,1970-01-01,GBR,y\n"
            "R3,Ana Maria,Lopez,1991-04-02,,z\n",
        ),
    }


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == ["left_id", "right_id", "score", "explanation"]
        return list(reader)


def test_screen(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "alerts.csv"
    code = main(
        [
            "screen",
            "--watchlist",
            str(files["watch"]),
            "--records",
            str(files["recs"]),
            "--out",
            str(out),
            "--no-progress",
        ]
    )
    assert code == 0
    rows = _rows(out)
    assert {(r["left_id"], r["right_id"]) for r in rows} == {("W1", "R1"), ("W2", "R3")}
    assert all(0.0 <= float(r["score"]) <= 1.0 and r["explanation"] for r in rows)


def test_link_and_dedupe(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "pairs.csv"
    assert (
        main(
            [
                "link",
                "--left",
                str(files["recs"]),
                "--right",
                str(files["watch"]),
                "--out",
                str(out),
                "--threshold",
                "0.5",
                "--no-progress",
            ]
        )
        == 0
    )
    assert {(r["left_id"], r["right_id"]) for r in _rows(out)} == {("R1", "W1"), ("R3", "W2")}
    assert (
        main(["dedupe", "--records", str(files["recs"]), "--out", str(out), "--no-progress"]) == 0
    )
    assert _rows(out) == []


def test_chunked_cli_output_equals_whole(files: dict[str, Path], tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    args = [
        "screen",
        "--watchlist",
        str(files["watch"]),
        "--records",
        str(files["recs"]),
        "--threshold",
        "0",
        "--no-progress",
    ]
    assert main([*args, "--out", str(a)]) == 0
    assert main([*args, "--out", str(b), "--chunk-size", "1"]) == 0
    assert a.read_text() == b.read_text()


def test_missing_id_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = _write(tmp_path / "bad.csv", "name,full_name\nx,Ivan\n")
    assert main(["dedupe", "--records", str(bad), "--out", str(tmp_path / "o.csv")]) == 2
    assert "missing required column 'id'" in capsys.readouterr().err


def test_dirty_date_is_data_counted_in_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A date that does not parse is kept as written and compared as text (FEBRL4 ships 64
    such values): two records with the same impossible date still pair up."""
    recs = _write(
        tmp_path / "r.csv",
        "id,full_name,date_of_birth,nationality\n1,Aroha Tipene,1945-04-93,N Z\n"
        "2,Aroha Tipene,19450493,NZL\n3,Mere Ngata,1990-01-01,NZL\n",
    )
    out = tmp_path / "o.csv"
    assert main(["dedupe", "--records", str(recs), "--out", str(out), "--no-progress"]) == 0
    rows = _rows(out)
    assert [(r["left_id"], r["right_id"]) for r in rows] == [("1", "2")]
    assert "dob same as written" in rows[0]["explanation"]
    err = capsys.readouterr().err
    assert "2 dates of birth did not parse; compared as text" in err
    assert "1 nationality did not parse; compared as text" in err


def test_strict_refuses_naming_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _write(
        tmp_path / "bad.csv", "id,full_name,date_of_birth\n1,A B,1990-01-01\n2,C D,02/03/1990\n"
    )
    args = ["dedupe", "--records", str(bad), "--out", str(tmp_path / "o.csv"), "--strict"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "line 3" in err and "field date_of_birth" in err and "02/03/1990" in err


def test_strict_bad_date_in_a_later_chunk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = "".join(f"{i},Name {i},1990-01-01\n" for i in range(5)) + "9,X Y,1990-13-01\n"
    bad = _write(tmp_path / "bad.csv", "id,full_name,date_of_birth\n" + lines)
    args = ["screen", "--watchlist", str(bad), "--records", str(bad), "--chunk-size", "2"]
    assert main([*args, "--out", str(tmp_path / "o.csv"), "--strict"]) == 2
    assert "line 7, field date_of_birth" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"id,full_name\n1,Ana\n2,Jos\xe9\n", "line 3: not UTF-8"),
        (b"id,full_name\n1,Ana\n2,Jo,extra,more\n", "line 3: 4 fields where the header has 2"),
    ],
)
def test_malformed_file_names_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, expected: str
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    assert main(["dedupe", "--records", str(bad), "--out", str(tmp_path / "o.csv")]) == 2
    assert expected in capsys.readouterr().err


def test_runnable_as_module(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "alerts.csv"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tiaki.matching",
            "screen",
            "--watchlist",
            str(files["watch"]),
            "--records",
            str(files["recs"]),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "2 pairs written" in proc.stderr
    assert len(_rows(out)) == 2


def test_country_codes_alpha2_alpha3_and_icao_are_one_country(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Files mix ISO 3166-1 alpha-2, alpha-3 and ICAO 9303 codes: NZ = NZL, D = DEU, UK = GBR."""
    watch = _write(
        tmp_path / "w.csv",
        "id,full_name,date_of_birth,nationality\nW1,John Smith,1980-01-01,NZ\n"
        "W2,Hans Becker,1975-06-01,D\nW3,Mary Jones,1970-02-02,UK\n",
    )
    recs = _write(
        tmp_path / "r.csv",
        "id,full_name,date_of_birth,nationality\nR1,John Smith,1980-01-01,NZL\n"
        "R2,Hans Becker,1975-06-01,DEU\nR3,Mary Jones,1970-02-02,GBR\n",
    )
    out = tmp_path / "o.csv"
    args = ["screen", "--watchlist", str(watch), "--records", str(recs), "--out", str(out)]
    assert main([*args, "--no-progress"]) == 0
    rows = _rows(out)
    assert len(rows) == 3
    assert all("nationality same" in r["explanation"] for r in rows)


def test_country_codes_agree_on_the_single_record_path() -> None:
    from tiaki.matching import Screener

    watch = [{"id": "W1", "full_name": "John Smith", "date_of_birth": "1980-01-01",
              "nationality": "NZ"}]  # fmt: skip
    traveller = {"id": "R1", "full_name": "John Smith", "date_of_birth": "1980-01-01",
                 "nationality": "NZL"}  # fmt: skip
    hits = Screener(watch).screen(traveller)
    assert hits and "nationality same" in hits[0].explanation


@pytest.mark.parametrize("sep", [";", "\t"])
def test_semicolon_or_tab_separated_file_with_headers_as_people_write_them(
    tmp_path: Path, sep: str
) -> None:
    text = f"ID{sep}Full Name{sep}Date of Birth\n1{sep}Bob Smith{sep}1980-01-01\n" \
           f"2{sep}Bob Smith{sep}1980-01-01\n"  # fmt: skip
    recs = _write(tmp_path / "r.csv", text)
    out = tmp_path / "o.csv"
    assert main(["dedupe", "--records", str(recs), "--out", str(out), "--no-progress"]) == 0
    assert [(r["left_id"], r["right_id"]) for r in _rows(out)] == [("1", "2")]


def test_malformed_semicolon_file_names_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _write(tmp_path / "bad.csv", "id;full_name\n1;Ana\n2;Jo;extra\n")
    assert main(["dedupe", "--records", str(bad), "--out", str(tmp_path / "o.csv")]) == 2
    assert "line 3: 3 fields where the header has 2" in capsys.readouterr().err


def test_blank_lines_are_no_records_and_later_lines_keep_their_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file saved on Windows with a byte-order mark, CRLF line ends and a blank last line
    is read; a blank line in the middle is skipped, and an error further down still names the
    file's own line."""
    recs = tmp_path / "r.csv"
    recs.write_bytes(
        b"\xef\xbb\xbfid,full_name,date_of_birth\r\n1,Bob Smith,1980-01-01\r\n\r\n"
        b"2,Bob Smith,1980-01-01\r\n\r\n"
    )
    out = tmp_path / "o.csv"
    assert main(["dedupe", "--records", str(recs), "--out", str(out), "--no-progress"]) == 0
    assert [(r["left_id"], r["right_id"]) for r in _rows(out)] == [("1", "2")]
    args = ["screen", "--watchlist", str(recs), "--records", str(recs), "--chunk-size", "2"]
    assert main([*args, "--out", str(out), "--no-progress"]) == 0
    # Two listed Bob Smiths, two screened: every pairing, and no row for a blank line.
    assert sorted((r["left_id"], r["right_id"]) for r in _rows(out)) == [
        ("1", "1"), ("1", "2"), ("2", "1"), ("2", "2")
    ]
    bad = _write(tmp_path / "bad.csv", "id,full_name\n1,Ana\n\n,Jos\n")
    assert main(["dedupe", "--records", str(bad), "--out", str(tmp_path / "o2.csv")]) == 2
    assert "line 4, field id: empty id" in capsys.readouterr().err
