"""The issue's acceptance scenarios, plus the edges around them.

Each scenario is what a frontline officer might record; the expected outcome follows the
Palermo Protocol art. 3 and Crimes Act 1961 s98D as encoded in data/legal/.
"""

from __future__ import annotations

import pytest

from tiaki.intake.legaltest import Facts, ObservationError, Observations, Ruleset, assess

LABOUR = "adult.labour"


def codes(*names: str) -> frozenset[str]:
    return frozenset(names)


def test_adult_deceived_documents_confiscated_debt_bondage_is_referred(ruleset: Ruleset) -> None:
    result = assess(
        ruleset,
        Observations(
            codes(
                f"{LABOUR}.deceptive_recruitment.strong.nature_of_job",
                f"{LABOUR}.coercion_at_destination.strong.confiscation_of_documents",
                f"{LABOUR}.coercion_at_destination.strong.debt_bondage",
            ),
            Facts(age=34, exploitation_type="labour"),
        ),
    )
    assert result.recommendation == "refer"
    act, means, purpose = (result.elements[e] for e in ("act", "means", "purpose"))
    assert act.status == "met" and act.values == ("recruitment",)
    assert means.status == "met"
    assert {"deception", "coercion"} <= set(means.values)
    # Two strong indicators make "coercion at destination" positive under the ILO rule.
    assert "coercion" in means.met_values
    assert purpose.status in ("met", "indicated")
    labour = {"forced_labour_or_services", "slavery_or_similar_practices", "servitude"}
    assert set(purpose.values) & labour
    assert f"{LABOUR}.coercion_at_destination.strong.debt_bondage" in purpose.indicators
    positive = {d.dimension for d in result.positive_dimensions}
    assert positive == {"coercion_at_destination"}
    text = " ".join(result.reasons)
    assert "Act (what was done?): established - recruitment" in text
    assert "deception" in text and "coercion" in text
    assert "labour exploitation" in text
    assert '"Debt bondage"' in text
    assert not result.smuggling_likely


def test_child_recruited_for_sexual_exploitation_without_means_is_referred(
    ruleset: Ruleset,
) -> None:
    result = assess(
        ruleset,
        Observations(
            codes(
                "child.sexual.exploitative_conditions.strong.excessive_hours",
                "child.sexual.exploitative_conditions.strong.hazardous_work",
            ),
            Facts(age=16, exploitation_type="sexual", acts=frozenset({"recruitment"})),
        ),
    )
    assert result.recommendation == "refer"
    assert result.age_group == "child"
    assert result.elements["means"].status == "missing"
    assert result.elements["purpose"].met_values == ("sexual_exploitation",)
    assert result.missing_elements == ()
    child_test = next(t for t in result.tests if t.test_id == "palermo_child")
    assert child_test.applicable and child_test.status == "met"
    text = " ".join(result.reasons)
    assert "article 3(c)" in text
    assert "the means are not needed" in text
    assert "not needed under UN Trafficking Protocol, article 3(c)" in text
    # The NZ gap is explained, and the referral goes to Oranga Tamariki too.
    assert "s98AA" in text
    assert "Oranga Tamariki" in result.reasons[0]
    # The child sexual list is an unverified reconstruction, and the result says so.
    assert any("not yet checked against the ILO source" in c for c in result.caveats)


def test_paid_irregular_crossing_and_free_at_destination_is_smuggling(ruleset: Ruleset) -> None:
    result = assess(
        ruleset,
        Observations(
            frozenset(),
            Facts(
                age=29,
                paid_smuggler=True,
                crossed_border_irregularly=True,
                consented_to_movement=True,
                free_to_leave=True,
                relationship_ended_at_destination=True,
            ),
        ),
    )
    assert result.smuggling_likely
    assert result.recommendation != "refer"
    text = " ".join(result.smuggling_reasons)
    assert "smuggling rather than trafficking" in text
    assert "different crimes" in text  # seed 002's distinction, quoted
    assert "Smuggling can turn into trafficking" in text
    assert set(result.smuggling_reasons) <= set(result.reasons)


def test_act_and_purpose_without_means_for_an_adult_asks_for_more(ruleset: Ruleset) -> None:
    result = assess(
        ruleset,
        Observations(
            codes(
                f"{LABOUR}.exploitative_conditions.strong.excessive_hours",
                f"{LABOUR}.exploitative_conditions.medium.low_or_no_salary",
            ),
            Facts(age=40, exploitation_type="labour", acts=frozenset({"recruitment"})),
        ),
    )
    assert result.recommendation == "gather_more_information"
    assert result.missing_elements == ("means",)
    assert result.elements["act"].status == "met"
    assert result.elements["purpose"].status == "met"
    headline = result.reasons[0]
    assert "Still needed for UN Trafficking Protocol, article 3(a) (adults): means" in headline


def test_smuggling_with_signs_of_coercion_is_not_called_smuggling(ruleset: Ruleset) -> None:
    result = assess(
        ruleset,
        Observations(
            codes(
                f"{LABOUR}.coercion_at_destination.strong.debt_bondage",
                f"{LABOUR}.coercion_at_destination.strong.isolation_confinement_surveillance",
            ),
            Facts(
                age=25,
                exploitation_type="labour",
                paid_smuggler=True,
                crossed_border_irregularly=True,
                consented_to_movement=True,
                free_to_leave=False,
            ),
        ),
    )
    assert not result.smuggling_likely
    assert any("Smuggling can turn into trafficking" in r for r in result.smuggling_reasons)
    assert "The person is not free to leave." in result.smuggling_reasons


def test_missing_facts_are_not_read_as_smuggling(ruleset: Ruleset) -> None:
    # Unknown is not "no": without the payment, the required signals do not hold.
    result = assess(
        ruleset, Observations(frozenset(), Facts(age=30, crossed_border_irregularly=True))
    )
    assert not result.smuggling_likely
    assert result.smuggling_reasons == ()


def test_nothing_recorded_is_not_indicated(ruleset: Ruleset) -> None:
    result = assess(ruleset, Observations(frozenset(), Facts(age=30)))
    assert result.recommendation == "not_indicated"
    assert result.missing_elements == ("act", "means", "purpose")


def test_unknown_age_uses_the_adult_test_and_says_so(ruleset: Ruleset) -> None:
    result = assess(
        ruleset,
        Observations(
            codes(
                f"{LABOUR}.exploitative_conditions.strong.excessive_hours",
                f"{LABOUR}.exploitative_conditions.medium.low_or_no_salary",
            ),
            Facts(acts=frozenset({"recruitment"})),
        ),
    )
    assert result.age_group is None and result.assessed_as == "adult"
    assert result.recommendation == "gather_more_information"
    assert any("age is not recorded" in c for c in result.caveats)


def test_vulnerability_only_means_are_flagged_for_s98d(ruleset: Ruleset) -> None:
    prefix = f"{LABOUR}.abuse_of_vulnerability_at_destination"
    result = assess(
        ruleset,
        Observations(
            codes(
                f"{prefix}.medium.dependency_on_exploiters",
                f"{prefix}.medium.economic_reasons",
                f"{prefix}.medium.relationship_with_authorities",
                f"{LABOUR}.exploitative_conditions.strong.excessive_hours",
                f"{LABOUR}.exploitative_conditions.medium.wage_manipulation",
            ),
            Facts(age=30, exploitation_type="labour", acts=frozenset({"harbouring"})),
        ),
    )
    # Palermo's adult test is met; s98D names only coercion and deception.
    statuses = {t.test_id: t.status for t in result.tests}
    assert statuses["palermo_adult"] == "met"
    assert statuses["nz_s98d_exploitation"] == "not_met"
    assert result.recommendation == "refer"
    assert result.ilo_victim_rule_met is False  # no recruitment dimension is positive
    assert any("not named in s98D" in r for r in result.reasons)


def test_ilo_victim_rule(ruleset: Ruleset) -> None:
    result = assess(
        ruleset,
        Observations(
            codes(
                f"{LABOUR}.deceptive_recruitment.strong.nature_of_job",
                f"{LABOUR}.deceptive_recruitment.medium.wages_earnings",
                f"{LABOUR}.exploitative_conditions.strong.excessive_hours",
                f"{LABOUR}.exploitative_conditions.medium.low_or_no_salary",
                f"{LABOUR}.coercion_at_destination.strong.confiscation_of_documents",
                f"{LABOUR}.coercion_at_destination.medium.withholding_of_wages",
            ),
            Facts(age=30, exploitation_type="labour"),
        ),
    )
    assert result.ilo_victim_rule_met
    assert all(result.elements[e].status == "met" for e in ("act", "means", "purpose"))
    assert {t.test_id for t in result.tests if t.applicable and t.status == "met"} == {
        "palermo_adult",
        "nz_s98d_exploitation",
        "nz_s98d_knowledge",
    }


def test_indicators_from_the_wrong_list_are_flagged(ruleset: Ruleset) -> None:
    result = assess(
        ruleset,
        Observations(
            codes(f"{LABOUR}.deceptive_recruitment.strong.nature_of_job"),
            Facts(age=15, exploitation_type="labour"),
        ),
    )
    assert any("right list" in c for c in result.caveats)


def test_every_assessment_carries_the_rules_version(ruleset: Ruleset) -> None:
    result = assess(ruleset, Observations())
    assert result.engine_version == ruleset.engine_version
    assert "ilo-ec-2009@" in result.engine_version
    assert "nz-crimes-act-s98d@" in result.engine_version
    assert result.reasons[-1].startswith("This is a screening recommendation")


def test_unknown_indicator_code_is_refused(ruleset: Ruleset) -> None:
    with pytest.raises(ObservationError, match=r"adult\.labour\.nope"):
        assess(ruleset, Observations(codes("adult.labour.nope")))


def test_unknown_act_is_refused(ruleset: Ruleset) -> None:
    with pytest.raises(ObservationError, match="kidnap"):
        assess(ruleset, Observations(facts=Facts(acts=frozenset({"kidnap"}))))


def test_contradictory_age_is_refused(ruleset: Ruleset) -> None:
    with pytest.raises(ObservationError, match="contradicts"):
        assess(ruleset, Observations(facts=Facts(age=30, is_child=True)))
