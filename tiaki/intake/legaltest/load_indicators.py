"""Read ``data/indicators/ilo-ec-2009.yaml`` (schema ``tiaki.indicators/1``).

Source: ILO and European Commission, *Operational indicators of trafficking in human
beings* (Delphi survey; first published March 2009, revised September 2009). How far each
list was checked against that source is recorded in the file itself.

Values named in ``elements`` are checked against the legal file later, in
:func:`tiaki.intake.legaltest.loader.load_ruleset`, because only then are both files known.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, cast

from tiaki.intake.legaltest._reader import Reader, read_yaml
from tiaki.intake.legaltest.model import (
    ELEMENTS,
    AgeGroup,
    Clause,
    CombinationRule,
    Dimension,
    Element,
    ElementRule,
    Indicator,
    IndicatorCatalogue,
    IndicatorSet,
    Source,
    SourceCheck,
    Verification,
    VerificationStatus,
    VictimRule,
)

SCHEMA = "tiaki.indicators/1"


def read_sources(node: Reader) -> tuple[Source, ...]:
    sources = []
    for item in node.items("sources"):
        item.expect_keys({"id", "citation", "verified"}, {"url"})
        sources.append(
            Source(
                id=item.text("id"),
                citation=item.text("citation"),
                verified=item.text("verified"),
                url=item.optional_text("url"),
            )
        )
    if len({s.id for s in sources}) != len(sources):
        node.fail("sources", "source ids must be unique")
    return tuple(sources)


def _checks(node: Reader, source_ids: set[str]) -> tuple[SourceCheck, ...]:
    """Where and when a list was compared with a source (newest last)."""
    if not node.has("checks"):
        return ()
    checks = []
    for item in node.items("checks"):
        item.expect_keys({"date", "sources", "compared", "result"})
        checks.append(
            SourceCheck(
                on=item.date("date"),
                sources=item.texts("sources", sorted(source_ids)),
                compared=item.text("compared"),
                result=item.text("result"),
            )
        )
    return tuple(checks)


def _dimensions(top: Reader) -> tuple[Dimension, ...]:
    dimensions = []
    for item in top.items("dimensions"):
        item.expect_keys({"id", "number", "title", "phase", "evidences", "plain"})
        evidences = cast(tuple[Element, ...], item.texts("evidences", ELEMENTS))
        dimensions.append(
            Dimension(
                id=item.text("id"),
                number=item.integer("number", minimum=1),
                title=item.text("title"),
                phase=item.text("phase"),
                evidences=frozenset(evidences),
                plain=item.text("plain"),
            )
        )
    if len({d.id for d in dimensions}) != len(dimensions):
        top.fail("dimensions", "dimension ids must be unique")
    return tuple(dimensions)


def _combination_rule(top: Reader, strengths: tuple[str, ...]) -> CombinationRule:
    node = top.child("combination_rule")
    node.expect_keys({"text", "source", "positive_if_any"})
    clauses = []
    for item in node.items("positive_if_any"):
        minimums = []
        used: set[str] = set()
        for key in item.data:
            parts = str(key).split("+")
            unknown = [p for p in parts if p not in strengths]
            if unknown:
                item.fail(str(key), f"unknown strength {unknown[0]!r}")
            if used & set(parts):
                # Overlapping buckets would let one indicator count twice.
                item.fail(str(key), "a strength may appear only once per clause")
            used |= set(parts)
            minimums.append((frozenset(parts), item.integer(str(key), minimum=1)))
        if not minimums:
            item.fail_here("a clause needs at least one minimum")
        clauses.append(Clause(tuple(minimums)))
    return CombinationRule(node.text("text"), node.text("source"), tuple(clauses))


def _victim_rule(top: Reader, dimension_ids: list[str]) -> VictimRule:
    node = top.child("victim_rule")
    node.expect_keys({"text", "source", "all_of"})
    groups = []
    for item in node.items("all_of"):
        item.expect_keys({"any_of"})
        groups.append(frozenset(item.texts("any_of", dimension_ids)))
    return VictimRule(node.text("text"), node.text("source"), tuple(groups))


def _element_rules(top: Reader) -> dict[Element, ElementRule]:
    node = top.child("element_rules")
    node.expect_keys(ELEMENTS)
    rules: dict[Element, ElementRule] = {}
    for element in ELEMENTS:
        item = node.child(element)
        item.expect_keys({"met_when", "why"})
        met_when = item.text("met_when")
        if met_when not in ("any_indicator", "positive_dimension"):
            item.fail("met_when", "must be any_indicator or positive_dimension")
        rules[element] = ElementRule(
            element,
            cast(Literal["any_indicator", "positive_dimension"], met_when),
            item.text("why"),
        )
    return rules


def _indicator(
    node: Reader, set_id: str, dimensions: dict[str, Dimension], strengths: tuple[str, ...]
) -> Indicator:
    code = node.text("code")
    item = node.with_code(code)
    item.expect_keys({"code", "text", "dimension", "strength", "elements"}, {"note"})
    dimension = item.text("dimension")
    if dimension not in dimensions:
        item.fail("dimension", f"unknown dimension {dimension!r}")
    strength = item.text("strength")
    if strength not in strengths:
        item.fail("strength", f"unknown strength {strength!r}")
    # The code spells out set, dimension and strength so that a list can be read (and a
    # stored screening understood) without the file; a mismatch is a copy-paste slip.
    prefix = f"{set_id}.{dimension}.{strength}."
    key = code[len(prefix) :]
    if not code.startswith(prefix) or not key or not key.replace("_", "").isalnum():
        item.fail("code", f"must be {prefix}<key> (lower-case key), got {code!r}")
    elements_node = item.child("elements")
    elements_node.expect_keys((), ELEMENTS)
    if not elements_node.data:
        item.fail("elements", "must name at least one element")
    elements: dict[Element, tuple[str, ...]] = {}
    for element in ELEMENTS:
        if elements_node.has(element):
            elements[element] = elements_node.texts(element)
    return Indicator(
        code=code,
        set_id=set_id,
        text=item.text("text"),
        dimension=dimension,
        strength=strength,
        elements=elements,
        note=item.optional_text("note"),
    )


def _sets(
    top: Reader,
    dimensions: dict[str, Dimension],
    strengths: tuple[str, ...],
    source_ids: set[str],
) -> tuple[IndicatorSet, ...]:
    sets = []
    codes: set[str] = set()
    for item in top.items("sets"):
        item.expect_keys({"id", "title", "age_group", "exploitation", "verification", "indicators"})
        set_id = item.text("id")
        age_group = item.text("age_group")
        if age_group not in ("adult", "child"):
            item.fail("age_group", "must be adult or child")
        verification = item.child("verification")
        verification.expect_keys({"status", "note"}, {"checks"})
        status = verification.text("status")
        if status not in ("primary", "secondary", "unverified"):
            verification.fail("status", "must be primary, secondary or unverified")
        indicators = []
        for entry in item.items("indicators"):
            indicator = _indicator(entry, set_id, dimensions, strengths)
            if indicator.code in codes:
                entry.with_code(indicator.code).fail("code", "duplicate code")
            codes.add(indicator.code)
            indicators.append(indicator)
        sets.append(
            IndicatorSet(
                id=set_id,
                title=item.text("title"),
                age_group=cast(AgeGroup, age_group),
                exploitation=item.text("exploitation"),
                verification=Verification(
                    cast(VerificationStatus, status),
                    verification.text("note"),
                    _checks(verification, source_ids),
                ),
                indicators=tuple(indicators),
            )
        )
    pairs = [(s.age_group, s.exploitation) for s in sets]
    if len(set(pairs)) != len(pairs) or len({s.id for s in sets}) != len(sets):
        top.fail("sets", "each set id, and each age group and exploitation pair, must be unique")
    return tuple(sets)


def load_indicators(path: Path) -> IndicatorCatalogue:
    """Read and validate the indicator file; raise :class:`RulesetError` if it is wrong."""
    data, sha256 = read_yaml(path)
    top = Reader(str(path), data)
    top.expect_keys(
        {
            "schema", "id", "version", "title", "publisher", "published", "sources",
            "strengths", "dimensions", "combination_rule", "victim_rule", "element_rules",
            "sets",
        }
    )  # fmt: skip
    if top.text("schema") != SCHEMA:
        top.fail("schema", f"expected {SCHEMA!r}")
    strengths = top.texts("strengths")
    dimensions = _dimensions(top)
    by_id = {d.id: d for d in dimensions}
    sources = read_sources(top)
    return IndicatorCatalogue(
        id=top.text("id"),
        version=top.text("version"),
        title=top.text("title"),
        publisher=top.text("publisher"),
        published=top.text("published"),
        sources=sources,
        strengths=strengths,
        dimensions=dimensions,
        combination_rule=_combination_rule(top, strengths),
        victim_rule=_victim_rule(top, list(by_id)),
        element_rules=_element_rules(top),
        sets=_sets(top, by_id, strengths, {s.id for s in sources}),
        sha256=sha256,
    )
