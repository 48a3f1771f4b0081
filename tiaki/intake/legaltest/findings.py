"""What :func:`tiaki.intake.legaltest.assess` returns.

An :class:`Assessment` is a recommendation with its workings: which legal elements are met
and by which indicators, which ILO dimensions are positive, which legal tests hold, whether
the facts look like smuggling, and the plain-English reasons. A person decides; the
assessment only recommends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from tiaki.intake.legaltest.model import AgeGroup, Element, Recommendation

ElementStatus = Literal["met", "indicated", "missing"]
TestStatus = Literal["met", "indicated", "not_met"]


@dataclass(frozen=True)
class ElementFinding:
    """One legal element (act, means or purpose).

    ``met``: established to the standard the indicator file sets for the element;
    ``indicated``: at least one observed indicator names it; ``missing``: nothing does."""

    element: Element
    status: ElementStatus
    values: tuple[str, ...]  # every value evidenced, e.g. ("deception", "coercion")
    met_values: tuple[str, ...]  # the values that reach the "met" standard
    indicators: tuple[str, ...]  # codes of the observed indicators naming this element
    from_facts: tuple[str, ...] = ()  # values recorded as plain facts (acts only)


@dataclass(frozen=True)
class DimensionFinding:
    """One ILO dimension within one indicator set, under the ILO combination rule."""

    set_id: str
    dimension: str
    positive: bool
    counts: Mapping[str, int]  # observed indicators per strength
    indicators: tuple[str, ...]


@dataclass(frozen=True)
class TestFinding:
    test_id: str
    label: str
    applicable: bool
    status: TestStatus
    missing: tuple[Element, ...]  # required elements with no evidence at all
    unproven: tuple[Element, ...]  # required elements only indicated, not met


@dataclass(frozen=True)
class SmugglingFinding:
    likely: bool
    blocked: bool  # smuggling signs present, but so are signs of trafficking
    signals: tuple[str, ...]
    contra: tuple[str, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Assessment:
    recommendation: Recommendation
    age_group: AgeGroup | None  # None: age not recorded
    assessed_as: AgeGroup  # the test used; adult when the age is unknown
    elements: Mapping[Element, ElementFinding]
    dimensions: tuple[DimensionFinding, ...]
    tests: tuple[TestFinding, ...]
    ilo_victim_rule_met: bool
    missing_elements: tuple[Element, ...]
    smuggling_likely: bool
    smuggling_reasons: tuple[str, ...]
    reasons: tuple[str, ...]
    caveats: tuple[str, ...]
    engine_version: str
    # "code@version" of each offence in the offences file that fits what was recorded.
    offences_to_consider: tuple[str, ...] = ()

    @property
    def positive_dimensions(self) -> tuple[DimensionFinding, ...]:
        return tuple(d for d in self.dimensions if d.positive)
