"""Shared settings of the screening services."""

from __future__ import annotations

from collections.abc import Callable

# Records stored and screened per step; screening commits its cursor after each, so a crash
# costs at most this many. 5,000 rather than 2,000: the matching engine has a fixed cost per
# call, and 10,000 travellers against a 100,000-entry watchlist took 0.86-1.10 s of CPU in
# 2,000-record chunks against 0.67-0.71 s in 5,000-record ones (alternated, three rounds).
SCREEN_CHUNK = 5000
MAX_PROBLEMS_KEPT = 1000
Progress = Callable[[int, int], None]


