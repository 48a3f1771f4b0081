"""What a frontline officer records: observed indicator codes plus a few plain facts.

Unknown is not the same as "no": every fact defaults to ``None`` and the engine treats
``None`` as not established, never as false.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from tiaki.intake.legaltest.errors import ObservationError
from tiaki.intake.legaltest.model import AgeGroup

ExploitationType = Literal["labour", "sexual", "other"]

# Boolean facts that the smuggling signals in the legal file may refer to; the loader
# rejects signals naming any other fact.
FACT_FLAGS: tuple[str, ...] = (
    "free_to_leave",
    "consented_to_movement",
    "paid_smuggler",
    "crossed_border_irregularly",
    "relationship_ended_at_destination",
)


@dataclass(frozen=True)
class Facts:
    """Facts about the person and their movement.

    ``acts`` are the Palermo acts known as plain fact (e.g. ``{"recruitment"}`` when the
    person says an agent signed them up); indicators can also evidence the act."""

    age: int | None = None
    is_child: bool | None = None
    exploitation_type: ExploitationType | None = None
    acts: frozenset[str] = field(default_factory=frozenset)
    free_to_leave: bool | None = None
    consented_to_movement: bool | None = None
    paid_smuggler: bool | None = None
    crossed_border_irregularly: bool | None = None
    relationship_ended_at_destination: bool | None = None
    # When the conduct happened: the NZ tests apply the law in force on that day. Unknown
    # means the law in force now.
    conduct_date: dt.date | None = None

    def __post_init__(self) -> None:
        if self.age is not None and self.age < 0:
            raise ObservationError(f"age must not be negative, got {self.age}")

    def age_group(self, child_under_age: int) -> AgeGroup | None:
        """``child`` / ``adult`` from ``is_child`` or ``age``; ``None`` when unknown.

        Conflicting ``age`` and ``is_child`` are refused rather than guessed: the choice
        decides whether the means element is needed at all."""
        from_age: bool | None = None if self.age is None else self.age < child_under_age
        if self.is_child is not None and from_age is not None and self.is_child != from_age:
            raise ObservationError(
                f"is_child={self.is_child} contradicts age={self.age} "
                f"(a child is under {child_under_age})"
            )
        child = self.is_child if self.is_child is not None else from_age
        if child is None:
            return None
        return "child" if child else "adult"

    def flag(self, name: str) -> bool | None:
        if name not in FACT_FLAGS:
            raise ObservationError(f"unknown fact {name!r}")
        value: bool | None = getattr(self, name)
        return value


@dataclass(frozen=True)
class Observations:
    """Observed indicator codes (from ``data/indicators/ilo-ec-2009.yaml``) and facts."""

    indicators: frozenset[str] = field(default_factory=frozenset)
    facts: Facts = field(default_factory=Facts)
