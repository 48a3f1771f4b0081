"""Grading schemes and caveats are data: both schemes load, errors name line and field,
a bad file among good ones writes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tiaki.intelligence.grading import GradingFileError, default_paths, grading_load
from tiaki.intelligence.models import Caveat, GradingScheme

pytestmark = pytest.mark.django_db


def test_both_schemes_and_caveats_load_and_reload_changes_nothing() -> None:
    changed = grading_load(paths=default_paths())
    assert {s.code for s in GradingScheme.objects.all()} == {"uk-3x5x2", "nato-admiralty"}
    uk = GradingScheme.objects.get(code="uk-3x5x2")
    nato = GradingScheme.objects.get(code="nato-admiralty")
    assert (len(uk.source_scale), len(uk.information_scale), len(uk.handling_codes)) == (3, 5, 2)
    assert (len(nato.source_scale), len(nato.information_scale)) == (6, 6)
    assert nato.label("source", "F") == "Reliability cannot be judged"
    assert Caveat.objects.filter(code="HTX").exists()
    assert changed
    assert grading_load(paths=default_paths()) == []


def test_error_names_line_and_field_and_nothing_is_written(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: tiaki.grading/1\ncode: x\ntitle: X\nversion: '1'\n"
                   "source:\n  - {code: '1', label: A}\n  - {code: '1', label: B}\n"
                   "information:\n  - {code: A, label: A}\n  - {code: B, lable: B}\n")
    with pytest.raises(GradingFileError) as caught:
        grading_load(paths=[*default_paths(), bad])
    message = str(caught.value)
    assert message == "bad.yaml: line 10, field 'information.1.label': Field required", message
    assert not GradingScheme.objects.exists()
    assert not Caveat.objects.exists()


def test_duplicate_codes_refused(tmp_path: Path) -> None:
    bad = tmp_path / "dup.yaml"
    bad.write_text("schema: tiaki.grading/1\ncode: x\ntitle: X\nversion: '1'\n"
                   "source:\n  - {code: '1', label: A}\n  - {code: '1', label: B}\n"
                   "information:\n  - {code: A, label: A}\n  - {code: B, label: B}\n")
    with pytest.raises(GradingFileError,
                       match=r"dup\.yaml: line 6, field 'source': code '1' appears twice"):
        grading_load(paths=[bad])


def test_command(capsys: Any, tmp_path: Path) -> None:
    call_command("loadgrading")
    assert GradingScheme.objects.count() == 2
    missing = tmp_path / "none.yaml"
    with pytest.raises(CommandError, match=r"none\.yaml: cannot read"):
        call_command("loadgrading", str(missing))
