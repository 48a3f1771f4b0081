"""The home page's cards: each app says what work a signed-in person has waiting there.

Core knows no app; each app's ``home`` module registers a function that returns the cards
for one user (none when the role has no work there). Counts come from the same policy
querysets as the pages the cards open, so a card never promises what its page hides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Card:
    title: str
    url: str
    description: str = ""
    count: int | None = None
    urgent: bool = False
    # Lower first: queues and due work before reference pages.
    order: int = 50


CardSource = Callable[[Any], list[Card]]
_SOURCES: list[CardSource] = []


def register(source: CardSource) -> CardSource:
    _SOURCES.append(source)
    return source


def cards_for(user: Any) -> list[Card]:
    cards = [card for source in _SOURCES for card in source(user)]
    return sorted(cards, key=lambda card: (card.order, card.title))
