"""The law the Prosecute flow applies comes from the legal data files, not from code."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone

from tests.investigations.conftest import charged
from tiaki.accounts.models import User
from tiaki.cases.models import VictimCase
from tiaki.core.policy import Refused
from tiaki.intake.legaltest.errors import RulesetError
from tiaki.intake.legaltest.offences import offences_load
from tiaki.investigations import services
from tiaki.investigations.disclosure_grounds import grounds_load, withholding_grounds
from tiaki.investigations.models import Disclosure, Investigation
from tiaki.investigations.offences import from_data_file

People = dict[str, User]


def test_consent_to_prosecute_follows_the_offences_file() -> None:
    # Crimes Act s98F: the file names the consent provision on ss 98C and 98D only.
    catalogue = offences_load()
    offences = from_data_file()
    for offence in catalogue.offences:
        entry = offences.get(offence.code)
        assert entry is not None
        assert entry.needs_consent == bool(offence.prosecution_consent)
    assert {o.code for o in catalogue.offences if o.prosecution_consent} == {
        "nz.crimes.s98c", "nz.crimes.s98d"}


def test_withholding_grounds_load_from_the_legal_data() -> None:
    grounds = withholding_grounds()
    assert grounds.statute == "Criminal Disclosure Act 2008"
    assert "protected_witness" in grounds.codes()
    assert all(label for _code, label in grounds.choices())


def test_a_wrong_grounds_file_names_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "grounds.yaml"
    bad.write_text("schema: tiaki.disclosure-grounds/1\nid: x\nversion: '1'\njurisdiction: NZ\n"
                   "statute: S\ntext_status: secondary\n"
                   "grounds:\n  - {code: a, provision: s1, label: A}\n  - {code: b, label: B}\n")
    with pytest.raises(RulesetError, match=r"grounds\[1\]"):
        grounds_load(bad)


@pytest.mark.django_db
def test_an_item_is_withheld_only_on_a_ground_the_file_names(
        people: People, investigation: Investigation, shared_case: VictimCase) -> None:
    suspect, _ = charged(investigation, people, shared_case)
    with pytest.raises(Refused, match="ground"):
        services.disclosure_record(defendant=suspect, actor=people["police"], item="Notes",
                                   stage="full", decision="withheld", ground="because",
                                   reason="r", on=timezone.localdate())
    entry = services.disclosure_record(
        defendant=suspect, actor=people["police"], item="Informant's statement", stage="full",
        decision="withheld", ground="protected_witness", reason="Protects the victim's address",
        on=timezone.localdate())
    assert Disclosure.objects.get(pk=entry.pk).ground_label.startswith("Identity or address")
