"""One worked scenario per provision, applied by the date of the conduct.

The scenarios are the ones the sources give or imply: an adult recruited by deception and
held by debt for labour (ILO/EC adults-labour list; s98D); an adult deceived and forced into
prostitution (s98D; Prostitution Reform Act s16); a child recruited for sexual exploitation
without any coercion (Palermo art. 3(c); s98AA; Prostitution Reform Act ss 20-22); a migrant
who paid to cross a border and is free on arrival (s98C; seed 002's distinction); a slave
dealt in (s98); an unlawfully employed worker whose passport is held (Immigration Act s351).
Each checks the explanation text as well as the outcome.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tiaki.intake.legaltest import (
    Assessment,
    Facts,
    Observations,
    Ruleset,
    RulesetError,
    assess,
    load_ruleset,
)
from tiaki.intake.legaltest.offences import offences_to_consider

from .conftest import INDICATORS, LEGAL

BEFORE_2015 = dt.date(2012, 3, 1)
AFTER_2015 = dt.date(2021, 8, 1)


def labour_case(ruleset: Ruleset, conduct_date: dt.date | None) -> Assessment:
    return assess(
        ruleset,
        Observations(
            frozenset(
                {
                    "adult.labour.deceptive_recruitment.strong.nature_of_job",
                    "adult.labour.coercion_at_destination.strong.confiscation_of_documents",
                    "adult.labour.coercion_at_destination.strong.debt_bondage",
                }
            ),
            Facts(age=34, exploitation_type="labour", conduct_date=conduct_date),
        ),
    )


def statuses(result: Assessment) -> dict[str, tuple[bool, str]]:
    return {t.test_id: (t.applicable, t.status) for t in result.tests}


def test_s98d_2015_adult_labour_trafficking(ruleset: Ruleset) -> None:
    result = labour_case(ruleset, AFTER_2015)
    tests = statuses(result)
    assert result.recommendation == "refer"
    assert tests["nz_s98d_knowledge"] == (True, "met")
    assert tests["nz_s98d_exploitation"][0] is True
    assert tests["nz_s98d_2002"][0] is False  # the 2002 text no longer applied
    text = " ".join(result.reasons)
    assert "s98D(1)(a)(ii) and (b)(ii) as replaced in 2015" in text
    assert "as enacted in 2002" not in text
    assert "nz.crimes.s98d@2015" in result.offences_to_consider
    assert (
        "Crimes Act 1961, s 98D (Trafficking in persons; version 2015, in force on 2021-08-01)"
        in text
    )


def test_s98d_2002_applies_to_conduct_before_the_2015_text(ruleset: Ruleset) -> None:
    result = labour_case(ruleset, BEFORE_2015)
    tests = statuses(result)
    assert tests["nz_s98d_2002"] == (True, "met")
    assert tests["nz_s98d_exploitation"][0] is False
    assert tests["nz_s98d_knowledge"][0] is False
    text = " ".join(result.reasons)
    assert "s98D(1)(a) as enacted in 2002" in text
    assert "Trafficking in people by means of coercion or deception; version 2002" in text
    assert "nz.crimes.s98d@2002" in result.offences_to_consider


def test_unknown_conduct_date_uses_the_law_in_force_now(ruleset: Ruleset) -> None:
    tests = statuses(labour_case(ruleset, None))
    assert tests["nz_s98d_2002"][0] is False
    assert tests["nz_s98d_knowledge"][0] is True


def test_s98d_and_pra_s16_adult_sexual_exploitation(ruleset: Ruleset) -> None:
    result = assess(
        ruleset,
        Observations(
            frozenset(
                {
                    "adult.sexual.deceptive_recruitment.strong.nature_of_job",
                    "adult.sexual.coercive_recruitment.strong.violence_on_victims",
                    "adult.sexual.coercive_recruitment.strong.debt_bondage",
                    "adult.sexual.exploitative_conditions.strong.excessive_hours",
                }
            ),
            Facts(age=27, exploitation_type="sexual", conduct_date=AFTER_2015),
        ),
    )
    assert result.recommendation == "refer"
    assert "sexual_exploitation" in result.elements["purpose"].values
    considered = set(result.offences_to_consider)
    assert {"nz.crimes.s98d@2015", "nz.pra.s16@2003"} <= considered
    # Child-only offences are not suggested for an adult.
    assert not considered & {"nz.crimes.s98aa@2005", "nz.pra.s20@2003", "nz.pra.s21@2003"}
    text = " ".join(result.reasons)
    assert "Prostitution Reform Act 2003, s 16" in text
    assert "threats or promises" in text
    assert "not a charging decision" in text


def child_sexual_case(ruleset: Ruleset, conduct_date: dt.date) -> Assessment:
    return assess(
        ruleset,
        Observations(
            frozenset(
                {
                    "child.sexual.exploitative_conditions.strong.excessive_hours",
                    "child.sexual.exploitative_conditions.strong.hazardous_work",
                }
            ),
            Facts(
                age=15,
                exploitation_type="sexual",
                acts=frozenset({"recruitment"}),
                conduct_date=conduct_date,
            ),
        ),
    )


def test_s98aa_child_needs_no_means_and_s98d_still_does(ruleset: Ruleset) -> None:
    result = child_sexual_case(ruleset, AFTER_2015)
    tests = statuses(result)
    assert result.recommendation == "refer"
    assert tests["palermo_child"] == (True, "met")
    assert tests["nz_s98aa_child"] == (True, "met")
    # s98D in force on the conduct date defines "exploit" by coercion or deception.
    assert tests["nz_s98d_exploitation"] == (True, "not_met")
    text = " ".join(result.reasons)
    assert ruleset.legal.notes["child_no_nz_means"] in text
    considered = set(result.offences_to_consider)
    assert {"nz.crimes.s98aa@2005", "nz.pra.s20@2003", "nz.pra.s21@2003"} <= considered
    assert "No coercion or deception needs to be shown" in text


def test_child_before_s98aa_existed_rests_on_the_protocol(ruleset: Ruleset) -> None:
    result = child_sexual_case(ruleset, dt.date(2004, 1, 10))
    tests = statuses(result)
    assert result.recommendation == "refer"
    assert tests["nz_s98aa_child"][0] is False
    text = " ".join(result.reasons)
    assert ruleset.legal.notes["child_no_nz_offence"] in text
    assert ruleset.legal.notes["child_no_nz_means"] not in text
    considered = set(result.offences_to_consider)
    assert "nz.crimes.s98aa@2005" not in considered
    assert "nz.pra.s20@2003" in considered


def test_s98aa_covers_only_its_own_purposes(ruleset: Ruleset) -> None:
    # Debt bondage evidences a practice similar to slavery, which s98AA does not list;
    # forced labour, which it does, turns the test on.
    def child_with(*codes: str) -> Assessment:
        return assess(
            ruleset,
            Observations(
                frozenset(codes),
                Facts(
                    age=13,
                    exploitation_type="labour",
                    acts=frozenset({"transportation"}),
                    conduct_date=AFTER_2015,
                ),
            ),
        )

    bonded = child_with("child.labour.coercion_at_destination.strong.debt_bondage")
    assert set(bonded.elements["purpose"].values) == {"slavery_or_similar_practices"}
    assert statuses(bonded)["nz_s98aa_child"] == (True, "not_met")
    worked = child_with(
        "child.labour.coercion_at_destination.strong.debt_bondage",
        "child.labour.exploitative_conditions.strong.excessive_hours",
    )
    assert "forced_labour_or_services" in worked.elements["purpose"].values
    assert statuses(worked)["nz_s98aa_child"][1] != "not_met"


def test_s98c_smuggling_not_trafficking(ruleset: Ruleset) -> None:
    result = assess(
        ruleset,
        Observations(
            frozenset(),
            Facts(
                age=31,
                paid_smuggler=True,
                crossed_border_irregularly=True,
                consented_to_movement=True,
                free_to_leave=True,
                relationship_ended_at_destination=True,
                conduct_date=AFTER_2015,
            ),
        ),
    )
    assert result.smuggling_likely
    assert result.recommendation != "refer"
    assert result.offences_to_consider == ("nz.crimes.s98c@2002",)
    text = " ".join(result.reasons)
    assert "Crimes Act 1961, s 98C (Smuggling migrants" in text
    assert "consider s98D as well" in text
    assert "different crimes" in text


def test_s98_slave_dealing_and_s351_worker_exploitation_are_offered(ruleset: Ruleset) -> None:
    assert ruleset.offences is not None
    offered = {
        f"{o.offence.code}@{o.version.id}": o.why
        for o in offences_to_consider(
            ruleset.offences,
            conduct_date=dt.date(2012, 6, 1),
            purposes=["slavery_or_similar_practices", "forced_labour_or_services"],
            child=False,
            smuggling=False,
        )
    }
    assert "treated as property" in offered["nz.crimes.s98@1961"]
    assert (
        "Immigration Act 2009, s 351 (Exploitation of unlawful employees;"
        in (offered["nz.imm.s351@2010"])
    )
    later = offences_to_consider(
        ruleset.offences,
        conduct_date=AFTER_2015,
        purposes=["forced_labour_or_services"],
        child=False,
        smuggling=False,
    )
    s351 = next(o for o in later if o.offence.code == "nz.imm.s351")
    assert s351.version.title == "Exploitation of unlawful employees and temporary workers"
    assert s351.version.max_penalty.imprisonment_years == 7
    # Before the Immigration Act 2009 commenced there was no s351 to charge.
    early = offences_to_consider(
        ruleset.offences,
        conduct_date=dt.date(2009, 1, 1),
        purposes=["forced_labour_or_services"],
        child=False,
        smuggling=False,
    )
    assert "nz.imm.s351" not in {o.offence.code for o in early}


def test_a_test_citing_a_missing_offence_version_is_refused(tmp_path: Path) -> None:
    text = LEGAL.read_text(encoding="utf-8").replace(
        "cites: nz.crimes.s98aa@2005", "cites: nz.crimes.s98aa@2004", 1
    )
    bad = tmp_path / LEGAL.name
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(RulesetError) as error:
        load_ruleset(INDICATORS, bad)
    assert "tests[" in error.value.field and "cites" in error.value.field


def test_a_test_whose_dates_drift_from_its_offence_is_refused(tmp_path: Path) -> None:
    text = LEGAL.read_text(encoding="utf-8").replace(
        "in_force_from: 2005-06-20", "in_force_from: 2005-07-01", 1
    )
    bad = tmp_path / LEGAL.name
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(RulesetError, match="in_force dates differ"):
        load_ruleset(INDICATORS, bad)
