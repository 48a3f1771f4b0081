"""Read ``data/legal/nz-crimes-act-s98d.yaml`` (schema ``tiaki.legal-test/1``).

Sources: Palermo Protocol art. 3 (act, means, purpose; art. 3(c): no means for children),
Crimes Act 1961 s98D (trafficking) and s98C (smuggling), the Smuggling of Migrants Protocol
art. 3(a), and seed 002's "Difference between People Trafficking and People Smuggling". The
file records what was verified against each.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, cast

from tiaki.intake.legaltest._reader import Reader, read_yaml
from tiaki.intake.legaltest.load_indicators import read_sources
from tiaki.intake.legaltest.model import (
    ELEMENTS,
    RECOMMENDATIONS,
    Condition,
    Element,
    ElementDef,
    ElementValue,
    Feature,
    LegalFramework,
    LegalTest,
    RecommendationRule,
    Referral,
    Signal,
    SmugglingRules,
)
from tiaki.intake.legaltest.observations import FACT_FLAGS

SCHEMA = "tiaki.legal-test/1"

# Sentences the engine needs, with the placeholders each must contain.
REQUIRED_NOTES: dict[str, tuple[str, ...]] = {
    "screening_only": (),
    "child_no_nz_means": (),
    "child_no_nz_offence": (),
    "means_not_named_in_s98d": (),
    "age_unknown": (),
    "unverified_set": ("{sets}",),
    "set_mismatch": ("{used}", "{expected}"),
}


def _element(element: Element, node: Reader) -> ElementDef:
    node.expect_keys({"label", "question", "plain", "palermo", "nz", "values"}, {"groups"})
    groups: dict[str, str] = {}
    if node.has("groups"):
        groups_node = node.child("groups")
        groups = {str(key): groups_node.text(str(key)) for key in groups_node.data}
    values: dict[str, ElementValue] = {}
    for value_id, item in node.entries("values"):
        item.expect_keys({"label", "plain"}, {"nz_s98d", "group"})
        group = item.optional_text("group")
        if element == "purpose" and group not in groups:
            item.fail("group", f"must be one of: {', '.join(groups)}")
        values[value_id] = ElementValue(
            id=value_id,
            label=item.text("label"),
            plain=item.text("plain"),
            nz_s98d=item.flag("nz_s98d") if item.has("nz_s98d") else None,
            group=group,
        )
    return ElementDef(
        id=element,
        label=node.text("label"),
        question=node.text("question"),
        plain=node.text("plain"),
        palermo=node.text("palermo"),
        nz=node.text("nz"),
        values=values,
        groups=groups,
    )


def _tests(top: Reader, elements: dict[Element, ElementDef]) -> tuple[LegalTest, ...]:
    tests = []
    for item in top.items("tests"):
        item.expect_keys(
            {"id", "label", "applies_to", "primary", "requires", "plain"},
            {"means_any_of", "purpose_any_of", "in_force_from", "in_force_until", "cites"},
        )
        applies_to = item.text("applies_to")
        if applies_to not in ("adult", "child", "any"):
            item.fail("applies_to", "must be adult, child or any")
        requires = cast(tuple[Element, ...], item.texts("requires", ELEMENTS))
        means_any_of = None
        if item.has("means_any_of"):
            if "means" not in requires:
                item.fail("means_any_of", "only allowed when the test requires means")
            means_any_of = frozenset(item.texts("means_any_of", elements["means"].values))
        purpose_any_of = None
        if item.has("purpose_any_of"):
            if "purpose" not in requires:
                item.fail("purpose_any_of", "only allowed when the test requires purpose")
            purpose_any_of = frozenset(item.texts("purpose_any_of", elements["purpose"].values))
        in_force_from = item.optional_date("in_force_from")
        in_force_until = item.optional_date("in_force_until")
        if in_force_from and in_force_until and in_force_until < in_force_from:
            item.fail("in_force_until", "is before in_force_from")
        tests.append(
            LegalTest(
                id=item.text("id"),
                label=item.text("label"),
                applies_to=cast(Literal["adult", "child", "any"], applies_to),
                primary=item.flag("primary"),
                requires=requires,
                plain=item.text("plain"),
                means_any_of=means_any_of,
                purpose_any_of=purpose_any_of,
                in_force_from=in_force_from,
                in_force_until=in_force_until,
                cites=item.optional_text("cites"),
            )
        )
    for group in ("adult", "child"):
        # The primary test names the missing elements; exactly one per age group, never
        # limited in time (the international definition does not change with NZ law).
        primaries = [t for t in tests if t.primary and t.applies_to in (group, "any")]
        if any(t.in_force_from or t.in_force_until for t in primaries):
            top.fail("tests", "a primary test must not have in_force dates")
        if len(primaries) != 1:
            top.fail("tests", f"need exactly one primary test that applies to {group}s")
    return tuple(tests)


def _condition(item: Reader) -> Condition:
    item.expect_keys(
        (), {"tests_met", "tests_indicated", "positive_dimensions", "elements_indicated", "always"}
    )
    if not item.data:
        item.fail_here("a condition needs at least one key")
    return Condition(
        tests_met=item.integer("tests_met", 1) if item.has("tests_met") else None,
        tests_indicated=(
            item.integer("tests_indicated", 1) if item.has("tests_indicated") else None
        ),
        positive_dimensions=(
            item.integer("positive_dimensions", 1) if item.has("positive_dimensions") else None
        ),
        elements_indicated=(
            frozenset(cast(tuple[Element, ...], item.texts("elements_indicated", ELEMENTS)))
            if item.has("elements_indicated")
            else None
        ),
        always=item.flag("always") if item.has("always") else False,
    )


def _recommendation_rules(top: Reader) -> tuple[RecommendationRule, ...]:
    rules = []
    for item in top.items("recommendation_rules"):
        item.expect_keys({"recommendation", "why", "any_of"})
        recommendation = item.text("recommendation")
        if recommendation not in RECOMMENDATIONS:
            item.fail("recommendation", f"must be one of: {', '.join(RECOMMENDATIONS)}")
        rules.append(
            RecommendationRule(
                recommendation=recommendation,
                why=item.text("why"),
                any_of=tuple(_condition(c) for c in item.items("any_of")),
            )
        )
    # Without a final catch-all some observations would get no recommendation at all.
    if not any(c.always for c in rules[-1].any_of):
        top.fail("recommendation_rules", "the last rule must have a condition 'always: true'")
    return tuple(rules)


def _signal(item: Reader, with_role: bool) -> Signal:
    keys = {"fact", "expect", "text"}
    item.expect_keys(keys | {"role"} if with_role else keys)
    fact = item.text("fact")
    if fact not in FACT_FLAGS:
        item.fail("fact", f"unknown fact {fact!r} (known: {', '.join(FACT_FLAGS)})")
    role = None
    if with_role:
        role = item.text("role")
        if role not in ("required", "supporting"):
            item.fail("role", "must be required or supporting")
    return Signal(
        fact=fact,
        expect=item.flag("expect"),
        text=item.text("text"),
        role=cast(Literal["required", "supporting"] | None, role),
    )


def _smuggling(top: Reader) -> SmugglingRules:
    node = top.child("smuggling")
    node.expect_keys(
        {
            "label", "seed_002", "test", "nz", "signals", "contra_signals", "min_supporting",
            "blocked_by_elements", "likely_text", "blocked_text", "distinguishing_features",
        }
    )  # fmt: skip
    features = []
    for item in node.items("distinguishing_features"):
        item.expect_keys({"feature", "smuggling", "trafficking"})
        features.append(
            Feature(item.text("feature"), item.text("smuggling"), item.text("trafficking"))
        )
    return SmugglingRules(
        label=node.text("label"),
        seed_002=node.text("seed_002"),
        test=node.texts("test"),
        nz=node.text("nz"),
        signals=tuple(_signal(i, with_role=True) for i in node.items("signals")),
        contra_signals=tuple(_signal(i, with_role=False) for i in node.items("contra_signals")),
        min_supporting=node.integer("min_supporting"),
        blocked_by_elements=frozenset(
            cast(tuple[Element, ...], node.texts("blocked_by_elements", ELEMENTS))
        ),
        likely_text=node.text("likely_text"),
        blocked_text=node.text("blocked_text"),
        distinguishing_features=tuple(features),
    )


def _notes(top: Reader) -> dict[str, str]:
    node = top.child("notes")
    node.expect_keys(REQUIRED_NOTES)
    notes = {}
    for key, placeholders in REQUIRED_NOTES.items():
        text = node.text(key)
        for placeholder in placeholders:
            if placeholder not in text:
                node.fail(key, f"must contain the placeholder {placeholder}")
        notes[key] = text
    return notes


def load_legal(path: Path) -> LegalFramework:
    """Read and validate the legal-test file; raise :class:`RulesetError` if it is wrong."""
    data, sha256 = read_yaml(path)
    top = Reader(str(path), data)
    top.expect_keys(
        {
            "schema", "id", "version", "title", "jurisdiction", "checked", "sources",
            "child_under_age", "elements", "tests", "recommendation_rules", "referral",
            "smuggling", "notes",
        }
    )  # fmt: skip
    if top.text("schema") != SCHEMA:
        top.fail("schema", f"expected {SCHEMA!r}")
    elements_node = top.child("elements")
    elements_node.expect_keys(ELEMENTS)
    elements = {e: _element(e, elements_node.child(e)) for e in ELEMENTS}
    referral = top.child("referral")
    referral.expect_keys({"source", "adult", "child"})
    return LegalFramework(
        id=top.text("id"),
        version=top.text("version"),
        title=top.text("title"),
        jurisdiction=top.text("jurisdiction"),
        checked=top.text("checked"),
        sources=read_sources(top),
        child_under_age=top.integer("child_under_age", minimum=1),
        elements=elements,
        tests=_tests(top, elements),
        recommendation_rules=_recommendation_rules(top),
        referral=Referral(referral.text("source"), referral.text("adult"), referral.text("child")),
        notes=_notes(top),
        smuggling=_smuggling(top),
        sha256=sha256,
    )
