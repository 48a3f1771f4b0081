"""The `tiaki` console command: Django management plus the matching verbs."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tiaki.cli import main


def test_screen_verb_runs_the_matching_engine(tmp_path: Path) -> None:
    watchlist = tmp_path / "w.csv"
    records = tmp_path / "r.csv"
    out = tmp_path / "alerts.csv"
    watchlist.write_text("id,full_name,date_of_birth\nw1,Ivan Petrov,1980-05-12\n", "utf-8")
    records.write_text("id,full_name,date_of_birth\nr1,Иван Петров,1980-05-12\n"
                       "r2,Jane Doe,1990-01-01\n", "utf-8")
    assert main(["screen", "--watchlist", str(watchlist), "--records", str(records),
                 "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["left_id"], r["right_id"]) for r in rows] == [("w1", "r1")]
    assert "ivan petrov" in rows[0]["explanation"]


@pytest.mark.django_db
def test_django_commands_pass_through(capsys: pytest.CaptureFixture[str]) -> None:
    main(["audit", "verify"])
    assert "audit trail intact" in capsys.readouterr().out
