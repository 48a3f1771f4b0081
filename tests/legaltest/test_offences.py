"""The offences file loads into typed records, picks the version in force on the conduct
date, and a broken file is refused with a message naming the field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tiaki.intake.legaltest.errors import RulesetError
from tiaki.intake.legaltest.offences import DEFAULT_OFFENCES_PATH, OffenceCatalogue, offences_load

from .conftest import LEGAL


@pytest.fixture(scope="module")
def catalogue() -> OffenceCatalogue:
    return offences_load(DEFAULT_OFFENCES_PATH, legal_path=LEGAL)


def broken(tmp_path: Path, old: str, new: str) -> Path:
    text = DEFAULT_OFFENCES_PATH.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in the offences file"
    target = tmp_path / "offences.yaml"
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def test_the_offences_prosecutors_use_are_all_there(catalogue: OffenceCatalogue) -> None:
    sections = {(o.act, o.section) for o in catalogue.offences}
    for section in ("98", "98AA", "98C", "98D"):
        assert ("Crimes Act 1961", section) in sections
    for section in ("16", "20", "21", "22"):
        assert ("Prostitution Reform Act 2003", section) in sections
    assert any(act == "Immigration Act 2009" for act, _ in sections)


def test_every_version_has_a_commencement_date_and_penalty(catalogue: OffenceCatalogue) -> None:
    for offence in catalogue.offences:
        assert offence.current.in_force_until is None, offence.code
        for version in offence.versions:
            assert version.in_force_from.year >= 1962, offence.code
            assert version.max_penalty.imprisonment_years or version.max_penalty.fine_nzd
            assert version.elements


def test_version_on_follows_the_conduct_date(catalogue: OffenceCatalogue) -> None:
    s98d = catalogue.offence("nz.crimes.s98d")
    before = s98d.version_on(dt.date(2010, 3, 1))
    after = s98d.version_on(dt.date(2020, 3, 1))
    assert before is not None and after is not None and before != after
    assert before.in_force_until is not None and before.in_force_until < after.in_force_from
    assert s98d.version_on(dt.date(2001, 1, 1)) is None  # before the offence existed
    in_2001 = {o.code for o, _ in catalogue.in_force_on(dt.date(2001, 1, 1))}
    assert "nz.crimes.s98" in in_2001 and "nz.crimes.s98d" not in in_2001


def test_s98e_factors_are_listed_per_offence(catalogue: OffenceCatalogue) -> None:
    smuggling = {f.provision for f in catalogue.aggravating_factors_for("nz.crimes.s98c")}
    trafficking = {f.provision for f in catalogue.aggravating_factors_for("nz.crimes.s98d")}
    assert smuggling == {"98E(1)(a)", "98E(1)(b)", "98E(1)(c)", "98E(1)(d)"}
    assert trafficking == smuggling | {"98E(2)(a)", "98E(2)(b)", "98E(2)(c)"}
    assert catalogue.aggravating_factors_for("nz.crimes.s98") == ()


def test_smuggling_covers_no_exploitation(catalogue: OffenceCatalogue) -> None:
    assert catalogue.offence("nz.crimes.s98c").exploitation == ()
    assert "sexual_exploitation" in catalogue.offence("nz.crimes.s98d").exploitation


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("in_force_from: 2015-12-16", "in_force_from: 2015-12-01", "offences[3].versions"),
        ("in_force_from: 1962-01-01", "in_force_from: 1 January 1962", "in_force_from"),
        ("kind: smuggling", "kind: smugling", "offences[2].kind"),
        ("exploitation: [sexual_exploitation]", "exploitation: [sex]", "offences[4].exploitation"),
        ("checked_against: sherloc-crimes-98e", "checked_against: nowhere", "checked_against"),
        (
            "applies_to: [nz.crimes.s98c, nz.crimes.s98d]",
            "applies_to: [nz.crimes.s99]",
            "applies_to",
        ),
    ],
)
def test_a_broken_file_names_the_field(tmp_path: Path, old: str, new: str, field: str) -> None:
    with pytest.raises(RulesetError) as error:
        offences_load(broken(tmp_path, old, new), legal_path=LEGAL)
    assert field in error.value.field


def test_s98f_consent_is_recorded_for_smuggling_and_trafficking(
    catalogue: OffenceCatalogue,
) -> None:
    needing = {o.code for o in catalogue.offences if o.prosecution_consent}
    assert needing == {"nz.crimes.s98c", "nz.crimes.s98d"}
    assert "s98F" in (catalogue.offence("nz.crimes.s98d").prosecution_consent or "")


def test_unconfirmed_dates_and_texts_are_never_shown_as_checked(
    catalogue: OffenceCatalogue,
) -> None:
    for offence in catalogue.offences:
        for version in offence.versions:
            if version.checked_against == "none-found":
                assert version.text_status == "unchecked", offence.code
            if version.commencement_status != "checked" or version.text_status != "checked":
                assert version.note, f"{offence.code}@{version.id} needs a note saying what is open"
