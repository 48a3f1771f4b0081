"""The screening rules as typed, immutable objects.

Two data files feed one :class:`Ruleset`:

* ``data/indicators/ilo-ec-2009.yaml`` - the ILO/European Commission *Operational indicators
  of trafficking in human beings* (Delphi survey, 2009, revised September 2009): six
  dimensions, strong/medium/weak indicators in four sets, and the ILO combination rules.
* ``data/legal/nz-crimes-act-s98d.yaml`` - the legal test: Palermo Protocol art. 3 and
  Crimes Act 1961 s98D (act, means, purpose; children need no means under art. 3(c)), and
  the people-smuggling test (s98C) with the differences listed in seed 002.

Rules live in the files, not here: these classes only hold and evaluate what the files say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from tiaki.intake.legaltest.offences import OffenceCatalogue

Element = Literal["act", "means", "purpose"]
ELEMENTS: tuple[Element, ...] = ("act", "means", "purpose")
AgeGroup = Literal["adult", "child"]
Recommendation = Literal["refer", "gather_more_information", "not_indicated"]
RECOMMENDATIONS: tuple[Recommendation, ...] = ("refer", "gather_more_information", "not_indicated")
VerificationStatus = Literal["primary", "secondary", "unverified"]


@dataclass(frozen=True)
class Source:
    """A cited source and what was (and was not) checked against it."""

    id: str
    citation: str
    verified: str
    url: str | None = None


# --------------------------------------------------------------------------- indicators


@dataclass(frozen=True)
class Dimension:
    """One of the six ILO dimensions; ``evidences`` says which legal elements a positive
    result in this dimension establishes (ILO method: 1-3 act and means of recruitment,
    4 purpose, 5-6 means at destination)."""

    id: str
    number: int
    title: str
    phase: str
    evidences: frozenset[Element]
    plain: str


@dataclass(frozen=True)
class Clause:
    """Minimum counts of observed indicators, e.g. ``{strong: 1, medium+weak: 1}``.

    Each entry is (strengths, minimum): the number of observed indicators whose strength is
    one of ``strengths`` must reach ``minimum``. All entries must hold."""

    minimums: tuple[tuple[frozenset[str], int], ...]

    def holds(self, counts: Mapping[str, int]) -> bool:
        return all(
            sum(counts.get(s, 0) for s in strengths) >= minimum
            for strengths, minimum in self.minimums
        )


@dataclass(frozen=True)
class CombinationRule:
    """When a dimension is positive: any clause holds (ILO/EC 2009)."""

    text: str
    source: str
    clauses: tuple[Clause, ...]

    def positive(self, counts: Mapping[str, int]) -> bool:
        return any(clause.holds(counts) for clause in self.clauses)


@dataclass(frozen=True)
class VictimRule:
    """How positive dimensions combine (ILO method): every group needs one positive
    dimension."""

    text: str
    source: str
    all_of: tuple[frozenset[str], ...]

    def holds(self, positive_dimensions: frozenset[str]) -> bool:
        return all(group & positive_dimensions for group in self.all_of)


@dataclass(frozen=True)
class ElementRule:
    """When an element counts as met from indicators: ``any_indicator`` (one is enough) or
    ``positive_dimension`` (a dimension that evidences the element must be positive)."""

    element: Element
    met_when: Literal["any_indicator", "positive_dimension"]
    why: str


@dataclass(frozen=True)
class Indicator:
    code: str
    set_id: str
    text: str
    dimension: str
    strength: str
    elements: Mapping[Element, tuple[str, ...]]
    note: str | None = None


@dataclass(frozen=True)
class SourceCheck:
    """One comparison of a list with a source: when, against what, and what came of it."""

    on: dt.date
    sources: tuple[str, ...]  # source ids of the file
    compared: str
    result: str


@dataclass(frozen=True)
class Verification:
    status: VerificationStatus
    note: str
    checks: tuple[SourceCheck, ...] = ()

    @property
    def last_check(self) -> SourceCheck | None:
        return max(self.checks, key=lambda c: c.on) if self.checks else None


@dataclass(frozen=True)
class IndicatorSet:
    id: str
    title: str
    age_group: AgeGroup
    exploitation: str
    verification: Verification
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class IndicatorCatalogue:
    id: str
    version: str
    title: str
    publisher: str
    published: str
    sources: tuple[Source, ...]
    strengths: tuple[str, ...]
    dimensions: tuple[Dimension, ...]
    combination_rule: CombinationRule
    victim_rule: VictimRule
    element_rules: Mapping[Element, ElementRule]
    sets: tuple[IndicatorSet, ...]
    sha256: str = field(repr=False)

    @cached_property
    def by_code(self) -> Mapping[str, Indicator]:
        return {i.code: i for s in self.sets for i in s.indicators}

    @cached_property
    def dimension_by_id(self) -> Mapping[str, Dimension]:
        return {d.id: d for d in self.dimensions}

    @cached_property
    def set_by_id(self) -> Mapping[str, IndicatorSet]:
        return {s.id: s for s in self.sets}

    def set_for(self, age_group: AgeGroup, exploitation: str) -> IndicatorSet | None:
        for indicator_set in self.sets:
            if (indicator_set.age_group, indicator_set.exploitation) == (age_group, exploitation):
                return indicator_set
        return None


# --------------------------------------------------------------------------- legal test


@dataclass(frozen=True)
class ElementValue:
    id: str
    label: str
    plain: str
    nz_s98d: bool | None = None  # means only: does s98D name this means?
    group: str | None = None  # purpose only: labour / sexual / other


@dataclass(frozen=True)
class ElementDef:
    id: Element
    label: str
    question: str
    plain: str
    palermo: str
    nz: str
    values: Mapping[str, ElementValue]
    groups: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LegalTest:
    """A set of elements that must all be present. ``means_any_of`` narrows which means
    count (s98D names only coercion and deception)."""

    id: str
    label: str
    applies_to: Literal["adult", "child", "any"]
    primary: bool
    requires: tuple[Element, ...]
    plain: str
    means_any_of: frozenset[str] | None = None
    purpose_any_of: frozenset[str] | None = None
    # The days the provision behind the test was law (both ends inclusive; None = open).
    in_force_from: dt.date | None = None
    in_force_until: dt.date | None = None
    cites: str | None = None  # offence code and version in data/legal/nz/offences.yaml

    def applies(self, age_group: AgeGroup, conduct_date: dt.date | None = None) -> bool:
        """Applies to this age group, under the law in force on the conduct date. With no
        date the law in force now is used: a test whose provision has ended does not apply."""
        if self.applies_to not in ("any", age_group):
            return False
        if conduct_date is None:
            return self.in_force_until is None
        if self.in_force_from is not None and conduct_date < self.in_force_from:
            return False
        return self.in_force_until is None or conduct_date <= self.in_force_until


@dataclass(frozen=True)
class Condition:
    """All given keys must hold; ``None`` means the key is not part of the condition."""

    tests_met: int | None = None
    tests_indicated: int | None = None
    positive_dimensions: int | None = None
    elements_indicated: frozenset[Element] | None = None
    always: bool = False


@dataclass(frozen=True)
class RecommendationRule:
    recommendation: Recommendation
    why: str
    any_of: tuple[Condition, ...]


@dataclass(frozen=True)
class Signal:
    """A fact pointing to (``expect`` true) or away from smuggling."""

    fact: str
    expect: bool
    text: str
    role: Literal["required", "supporting"] | None = None


@dataclass(frozen=True)
class Feature:
    feature: str
    smuggling: str
    trafficking: str


@dataclass(frozen=True)
class SmugglingRules:
    label: str
    seed_002: str
    test: tuple[str, ...]
    nz: str
    signals: tuple[Signal, ...]
    contra_signals: tuple[Signal, ...]
    min_supporting: int
    blocked_by_elements: frozenset[Element]
    likely_text: str
    blocked_text: str
    distinguishing_features: tuple[Feature, ...]


@dataclass(frozen=True)
class Referral:
    source: str
    adult: str
    child: str


@dataclass(frozen=True)
class LegalFramework:
    id: str
    version: str
    title: str
    jurisdiction: str
    checked: str
    sources: tuple[Source, ...]
    child_under_age: int
    elements: Mapping[Element, ElementDef]
    tests: tuple[LegalTest, ...]
    recommendation_rules: tuple[RecommendationRule, ...]
    referral: Referral
    notes: Mapping[str, str]
    smuggling: SmugglingRules
    sha256: str = field(repr=False)


@dataclass(frozen=True)
class Ruleset:
    """Everything the engine and the guide need, with the version that identifies it."""

    indicators: IndicatorCatalogue
    legal: LegalFramework
    engine_version: str
    # The offences the NZ tests cite (data/legal/nz/offences.yaml); None when not loaded.
    offences: OffenceCatalogue | None = None
