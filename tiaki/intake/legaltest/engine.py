"""Screen observations against the ILO/EC indicators and the legal test.

Method (all thresholds come from the data files, none from this module):

1. Each ILO dimension is positive or not under the ILO/EC combination rule.
2. Each legal element (act, means, purpose) is *met* when the indicator file's element rule
   is satisfied (act: any indicator or a recorded fact; means and purpose: a positive
   dimension that evidences them), *indicated* when an observed indicator names it, or
   *missing*.
3. Each legal test (Palermo art. 3(a) for adults, 3(c) for children; Crimes Act s98D) is
   met, indicated or not met from those elements.
4. The first recommendation rule of the legal file whose condition holds gives the
   recommendation; the smuggling section decides whether smuggling is likely.

A person decides; the engine only recommends.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping

from tiaki.intake.legaltest.errors import ObservationError
from tiaki.intake.legaltest.findings import (
    Assessment,
    DimensionFinding,
    ElementFinding,
    ElementStatus,
    TestFinding,
    TestStatus,
)
from tiaki.intake.legaltest.model import (
    ELEMENTS,
    AgeGroup,
    Condition,
    Element,
    Indicator,
    IndicatorCatalogue,
    IndicatorSet,
    LegalFramework,
    LegalTest,
    RecommendationRule,
    Ruleset,
)
from tiaki.intake.legaltest.observations import Observations
from tiaki.intake.legaltest.offences import offences_to_consider
from tiaki.intake.legaltest.reasons import build_caveats, build_reasons
from tiaki.intake.legaltest.smuggling import evaluate_smuggling


def _observed(catalogue: IndicatorCatalogue, codes: Iterable[str]) -> list[Indicator]:
    unknown = sorted(c for c in codes if c not in catalogue.by_code)
    if unknown:
        raise ObservationError(f"unknown indicator code(s): {', '.join(unknown)}")
    wanted = set(codes)
    # File order, so that results and reasons read the same way as the guide.
    return [i for s in catalogue.sets for i in s.indicators if i.code in wanted]


def _dimensions(
    catalogue: IndicatorCatalogue, observed: list[Indicator], active: IndicatorSet | None
) -> tuple[DimensionFinding, ...]:
    by_key: dict[tuple[str, str], list[Indicator]] = {}
    # The active set's dimensions are always reported, so negatives are visible too.
    if active is not None:
        for dimension_def in catalogue.dimensions:
            by_key[(active.id, dimension_def.id)] = []
    for indicator in observed:
        by_key.setdefault((indicator.set_id, indicator.dimension), []).append(indicator)
    findings = []
    for (set_id, dimension), indicators in by_key.items():
        counts = Counter(i.strength for i in indicators)
        findings.append(
            DimensionFinding(
                set_id=set_id,
                dimension=dimension,
                positive=catalogue.combination_rule.positive(counts),
                counts={s: counts.get(s, 0) for s in catalogue.strengths},
                indicators=tuple(i.code for i in indicators),
            )
        )
    order = {d.id: d.number for d in catalogue.dimensions}
    sets = [s.id for s in catalogue.sets]
    findings.sort(key=lambda f: (sets.index(f.set_id), order[f.dimension]))
    return tuple(findings)


def _ordered(values: Iterable[str], known: Iterable[str]) -> tuple[str, ...]:
    present = set(values)
    return tuple(v for v in known if v in present)


def _elements(
    ruleset: Ruleset,
    observed: list[Indicator],
    dimensions: tuple[DimensionFinding, ...],
    fact_acts: frozenset[str],
) -> dict[Element, ElementFinding]:
    catalogue, legal = ruleset.indicators, ruleset.legal
    findings: dict[Element, ElementFinding] = {}
    for element in ELEMENTS:
        known = list(legal.elements[element].values)
        naming = [i for i in observed if element in i.elements]
        facts = fact_acts if element == "act" else frozenset()
        values = {v for i in naming for v in i.elements[element]} | facts
        if catalogue.element_rules[element].met_when == "any_indicator":
            met_values = set(values)
        else:
            # A positive dimension establishes only the values its own observed indicators
            # name: "coercion at destination" shows coercion, not the deception seen earlier.
            positive = {
                (d.set_id, d.dimension)
                for d in dimensions
                if d.positive and element in catalogue.dimension_by_id[d.dimension].evidences
            }
            met_values = {
                v
                for i in naming
                if (i.set_id, i.dimension) in positive
                for v in i.elements[element]
            } | facts
        status: ElementStatus = "met" if met_values else "indicated" if values else "missing"
        findings[element] = ElementFinding(
            element=element,
            status=status,
            values=_ordered(values, known),
            met_values=_ordered(met_values, known),
            indicators=tuple(i.code for i in naming),
            from_facts=_ordered(facts, known),
        )
    return findings


def _state(finding: ElementFinding, allowed: frozenset[str] | None) -> ElementStatus:
    if allowed is None:
        return finding.status
    if allowed & set(finding.met_values):
        return "met"
    return "indicated" if allowed & set(finding.values) else "missing"


def _test(
    test: LegalTest,
    elements: Mapping[Element, ElementFinding],
    assessed_as: AgeGroup,
    conduct_date: dt.date | None,
) -> TestFinding:
    narrowed = {"means": test.means_any_of, "purpose": test.purpose_any_of}
    states = {e: _state(elements[e], narrowed.get(e)) for e in test.requires}
    missing = tuple(e for e, s in states.items() if s == "missing")
    unproven = tuple(e for e, s in states.items() if s == "indicated")
    status: TestStatus = "not_met" if missing else "indicated" if unproven else "met"
    applicable = test.applies(assessed_as, conduct_date)
    return TestFinding(test.id, test.label, applicable, status, missing, unproven)


def _holds(
    condition: Condition,
    tests: tuple[TestFinding, ...],
    elements: Mapping[Element, ElementFinding],
    dimensions: tuple[DimensionFinding, ...],
) -> bool:
    applicable = [t for t in tests if t.applicable]
    checks = []
    if condition.tests_met is not None:
        checks.append(sum(t.status == "met" for t in applicable) >= condition.tests_met)
    if condition.tests_indicated is not None:
        indicated = sum(t.status != "not_met" for t in applicable)
        checks.append(indicated >= condition.tests_indicated)
    if condition.positive_dimensions is not None:
        positive = {d.dimension for d in dimensions if d.positive}
        checks.append(len(positive) >= condition.positive_dimensions)
    if condition.elements_indicated is not None:
        checks.append(any(elements[e].status != "missing" for e in condition.elements_indicated))
    if condition.always:
        checks.append(True)
    return bool(checks) and all(checks)


def _recommend(
    legal: LegalFramework,
    tests: tuple[TestFinding, ...],
    elements: Mapping[Element, ElementFinding],
    dimensions: tuple[DimensionFinding, ...],
) -> RecommendationRule:
    for rule in legal.recommendation_rules:
        if any(_holds(c, tests, elements, dimensions) for c in rule.any_of):
            return rule
    # The loader guarantees a final catch-all rule.
    raise AssertionError("no recommendation rule matched")  # pragma: no cover


def _victim_rule_met(
    catalogue: IndicatorCatalogue, dimensions: tuple[DimensionFinding, ...]
) -> bool:
    # The ILO combination is judged within one indicator set at a time.
    for indicator_set in catalogue.sets:
        positive = frozenset(
            d.dimension for d in dimensions if d.set_id == indicator_set.id and d.positive
        )
        if positive and catalogue.victim_rule.holds(positive):
            return True
    return False


def assess(ruleset: Ruleset, observations: Observations) -> Assessment:
    """Screen one person's observations; return a recommendation with its reasons."""
    catalogue, legal, facts = ruleset.indicators, ruleset.legal, observations.facts
    unknown_acts = sorted(facts.acts - set(legal.elements["act"].values))
    if unknown_acts:
        raise ObservationError(f"unknown act(s): {', '.join(unknown_acts)}")
    age_group = facts.age_group(legal.child_under_age)
    assessed_as: AgeGroup = age_group or "adult"
    observed = _observed(catalogue, observations.indicators)
    active = (
        catalogue.set_for(assessed_as, facts.exploitation_type)
        if facts.exploitation_type is not None
        else None
    )
    dimensions = _dimensions(catalogue, observed, active)
    elements = _elements(ruleset, observed, dimensions, facts.acts)
    tests = tuple(_test(t, elements, assessed_as, facts.conduct_date) for t in legal.tests)
    rule = _recommend(legal, tests, elements, dimensions)
    primary = next(t for t, d in zip(tests, legal.tests, strict=True) if d.primary and t.applicable)
    smuggling = evaluate_smuggling(legal.smuggling, facts, elements)
    victim_rule_met = _victim_rule_met(catalogue, dimensions)
    caveats = build_caveats(ruleset, observed, age_group, active)
    offences = (
        offences_to_consider(
            ruleset.offences,
            conduct_date=facts.conduct_date,
            purposes=elements["purpose"].values,
            child=assessed_as == "child",
            smuggling=smuggling.likely or smuggling.blocked,
        )
        if ruleset.offences is not None
        and (rule.recommendation != "not_indicated" or smuggling.likely)
        else ()
    )
    reasons = build_reasons(
        ruleset,
        rule=rule,
        assessed_as=assessed_as,
        age_known=age_group is not None,
        elements=elements,
        dimensions=dimensions,
        tests=tests,
        primary=primary,
        victim_rule_met=victim_rule_met,
        any_observed=bool(observed),
        smuggling=smuggling,
        caveats=caveats,
        offences=tuple(o.why for o in offences),
    )
    return Assessment(
        recommendation=rule.recommendation,
        age_group=age_group,
        assessed_as=assessed_as,
        elements=elements,
        dimensions=dimensions,
        tests=tests,
        ilo_victim_rule_met=victim_rule_met,
        missing_elements=primary.missing,
        smuggling_likely=smuggling.likely,
        smuggling_reasons=smuggling.reasons,
        offences_to_consider=tuple(f"{o.offence.code}@{o.version.id}" for o in offences),
        reasons=reasons,
        caveats=caveats,
        engine_version=ruleset.engine_version,
    )
