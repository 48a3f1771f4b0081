"""Counting attempts in Django's cache, keyed by report or by typed code, never by address.

With the default local-memory cache each process counts on its own; a shared cache (Redis,
database) makes the limits hold across processes.
"""

from __future__ import annotations

from django.core.cache import cache


def over_limit(key: str, *, limit: int, window_seconds: int, count: bool = True) -> bool:
    """True when ``key`` has already been hit ``limit`` times in its window.

    With ``count`` the attempt is counted; the window starts at the first hit."""
    full_key = f"tiaki:intake:{key}"
    if not count:
        return int(cache.get(full_key, 0)) >= limit
    if cache.add(full_key, 1, timeout=window_seconds):
        return limit < 1
    try:
        hits = cache.incr(full_key)
    except ValueError:  # expired between add and incr
        cache.add(full_key, 1, timeout=window_seconds)
        hits = 1
    return hits > limit


def clear(key: str) -> None:
    cache.delete(f"tiaki:intake:{key}")
