"""Plain-English reasons for an assessment.

The officer reading these may not be a lawyer, and the person screened may later read them
too, so each reason is one sentence that stands on its own: what was found, from which
indicators, and what the law needs. Legal wording comes from the legal file; this module
only arranges it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tiaki.intake.legaltest.findings import (
    DimensionFinding,
    ElementFinding,
    SmugglingFinding,
    TestFinding,
)
from tiaki.intake.legaltest.model import (
    ELEMENTS,
    AgeGroup,
    Element,
    Indicator,
    IndicatorSet,
    LegalFramework,
    RecommendationRule,
    Ruleset,
)


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def element_names(legal: LegalFramework, elements: Sequence[Element]) -> str:
    return _join([_lower_first(legal.elements[e].label) for e in elements])


def value_labels(legal: LegalFramework, element: Element, values: Sequence[str]) -> str:
    definition = legal.elements[element]
    if element != "purpose":
        return _join([_lower_first(definition.values[v].label) for v in values])
    # Purposes read best grouped: "labour exploitation (forced labour or services)".
    grouped: dict[str, list[str]] = {}
    for value in values:
        group = definition.values[value].group or ""
        grouped.setdefault(group, []).append(_lower_first(definition.values[value].label))
    parts = []
    for group, labels in grouped.items():
        name = definition.groups.get(group, group)
        parts.append(name if labels == [name] else f"{name} ({_join(labels)})")
    return _join(parts)


def _headline(
    legal: LegalFramework, rule: RecommendationRule, assessed_as: AgeGroup, primary: TestFinding
) -> str:
    if rule.recommendation == "refer":
        referral = legal.referral.child if assessed_as == "child" else legal.referral.adult
        return f"Recommendation: refer. {referral} {rule.why}"
    if rule.recommendation == "gather_more_information":
        gaps = primary.missing or primary.unproven
        missing = ""
        if gaps:
            missing = f" Still needed for {primary.label}: {element_names(legal, gaps)}."
        return f"Recommendation: gather more information before deciding.{missing} {rule.why}"
    return f"Recommendation: trafficking is not indicated by what has been recorded. {rule.why}"


def _element_reason(
    ruleset: Ruleset,
    finding: ElementFinding,
    dimensions: Sequence[DimensionFinding],
    required: bool,
    primary_label: str,
) -> str:
    legal, catalogue = ruleset.legal, ruleset.indicators
    definition = legal.elements[finding.element]
    head = f"{definition.label} ({_lower_first(definition.question)})"
    if finding.status == "missing":
        if not required:
            return f"{head}: nothing recorded, and not needed under {primary_label}."
        return f"{head}: nothing recorded. Look for this: {definition.plain}"
    status = "established" if finding.status == "met" else "suggested but not yet established"
    evidence = list(dict.fromkeys(f'"{catalogue.by_code[c].text}"' for c in finding.indicators))
    if finding.from_facts:
        facts = value_labels(legal, finding.element, finding.from_facts)
        evidence.append(f"the recorded fact of {facts}")
    sentence = (
        f"{head}: {status} - {value_labels(legal, finding.element, finding.values)}. "
        f"Shown by {_join(evidence)}."
    )
    positive = list(
        dict.fromkeys(
            catalogue.dimension_by_id[d.dimension].title
            for d in dimensions
            if d.positive
            and finding.element in catalogue.dimension_by_id[d.dimension].evidences
            and set(d.indicators) & set(finding.indicators)
        )
    )
    if positive:
        sentence += f" Positive under the ILO rule: {_join(positive)}."
    return sentence


def _test_reason(legal: LegalFramework, test: TestFinding) -> str:
    if test.status == "met":
        return f"{test.label}: met."
    if test.status == "indicated":
        return (
            f"{test.label}: every element is at least suggested; not yet established: "
            f"{element_names(legal, test.unproven)}."
        )
    return f"{test.label}: not met; missing: {element_names(legal, test.missing)}."


def _nz_notes(
    legal: LegalFramework,
    assessed_as: AgeGroup,
    elements: Mapping[Element, ElementFinding],
    tests: Sequence[TestFinding],
    primary: TestFinding,
) -> list[str]:
    notes = []
    nz_tests = [
        t
        for t, d in zip(tests, legal.tests, strict=True)
        if d.means_any_of is not None and t.applicable
    ]
    if (
        assessed_as == "child"
        and primary.status != "not_met"
        and nz_tests
        and all("means" in t.missing for t in nz_tests)
    ):
        # A child-only NZ offence without means (s98AA) may cover it, if it was law on the
        # conduct date and its narrower purposes fit.
        child_offences = [
            t
            for t, d in zip(tests, legal.tests, strict=True)
            if d.applies_to == "child" and not d.primary and "means" not in d.requires
        ]
        if any(t.applicable and t.status != "not_met" for t in child_offences):
            notes.append(legal.notes["child_no_nz_means"])
        else:
            notes.append(legal.notes["child_no_nz_offence"])
    means = elements["means"].values
    if means and not any(legal.elements["means"].values[v].nz_s98d for v in means):
        notes.append(legal.notes["means_not_named_in_s98d"])
    return notes


def build_caveats(
    ruleset: Ruleset,
    observed: Sequence[Indicator],
    age_group: AgeGroup | None,
    active: IndicatorSet | None,
) -> tuple[str, ...]:
    """Warnings about the evidence itself: unknown age, unverified lists, wrong list."""
    legal, catalogue = ruleset.legal, ruleset.indicators
    caveats = []
    if age_group is None:
        caveats.append(legal.notes["age_unknown"])
    used = [catalogue.set_by_id[s] for s in dict.fromkeys(i.set_id for i in observed)]
    unverified = [s.title for s in used if s.verification.status == "unverified"]
    if unverified:
        caveats.append(legal.notes["unverified_set"].format(sets="; ".join(unverified)))
    if active is not None:
        wrong, expected = [s for s in used if s.id != active.id], active.title
    elif age_group is not None:
        wrong, expected = [s for s in used if s.age_group != age_group], f"{age_group} lists"
    else:
        wrong, expected = [], ""
    if wrong:
        caveats.append(
            legal.notes["set_mismatch"].format(
                used="; ".join(s.title for s in wrong), expected=expected
            )
        )
    return tuple(caveats)


def build_reasons(
    ruleset: Ruleset,
    *,
    rule: RecommendationRule,
    assessed_as: AgeGroup,
    age_known: bool,
    elements: Mapping[Element, ElementFinding],
    dimensions: Sequence[DimensionFinding],
    tests: Sequence[TestFinding],
    primary: TestFinding,
    victim_rule_met: bool,
    any_observed: bool,
    smuggling: SmugglingFinding,
    caveats: Sequence[str],
    offences: Sequence[str] = (),
) -> tuple[str, ...]:
    legal = ruleset.legal
    primary_def = next(t for t in legal.tests if t.id == primary.test_id)
    reasons = [_headline(legal, rule, assessed_as, primary)]
    if age_known:
        relation = (
            f"under {legal.child_under_age}"
            if assessed_as == "child"
            else (f"{legal.child_under_age} or over")
        )
        reasons.append(
            f"The person is {relation}, so {primary.label} applies: "
            + _lower_first(primary_def.plain)
        )
    else:
        reasons.append(f"{primary.label} applies: " + _lower_first(primary_def.plain))
    for element in ELEMENTS:
        reasons.append(
            _element_reason(
                ruleset,
                elements[element],
                dimensions,
                required=element in primary_def.requires,
                primary_label=primary.label,
            )
        )
    reasons.extend(_test_reason(legal, t) for t in tests if t.applicable)
    reasons.extend(_nz_notes(legal, assessed_as, elements, tests, primary))
    if any_observed:
        verdict = "holds" if victim_rule_met else "does not hold yet"
        reasons.append(
            f"ILO method, for information: {ruleset.indicators.victim_rule.text} "
            f"On what has been recorded, this {verdict}."
        )
    reasons.extend(smuggling.reasons)
    if offences:
        reasons.append(
            "Offences investigators may consider, under the law in force on the conduct date "
            "(a pointer, not a charging decision): " + " ".join(offences)
        )
    reasons.extend(caveats)
    reasons.append(legal.notes["screening_only"])
    return tuple(reasons)
