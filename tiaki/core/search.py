"""Global search: one box in the header finds records by name or reference in every app.

Core knows no app; each app's ``search`` module registers a provider that searches its own
records through its own policy (``visible``), so the page can only ever show what the user
may already see on that app's pages, and audits its reads as those pages do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

# At most this many hits per kind of record; the app's own list shows the rest.
LIMIT = 20


@dataclass(frozen=True)
class Hit:
    reference: str
    title: str
    url: str


@dataclass
class Found:
    kind: str | Promise
    hits: list[Hit] = field(default_factory=list)
    more_url: str = ""  # the app's own list with the same search
    order: int = 50


Provider = Callable[[Any, str], Found | None]
_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    _PROVIDERS.append(provider)
    return provider


def search(user: Any, query: str) -> list[Found]:
    """What each provider finds for ``query`` (kinds the user may not use return None)."""
    query = query.strip()[:200]
    if len(query) < 2:
        return []
    found = [result for provider in _PROVIDERS
             if (result := provider(user, query)) is not None and result.hits]
    return sorted(found, key=lambda f: (f.order, str(f.kind)))
