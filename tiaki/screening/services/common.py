"""Shared settings of the screening services."""

from __future__ import annotations

from collections.abc import Callable

# Records stored and screened per step; screening commits its cursor after each, so a crash
# costs at most this many (about a second of screening). The matching engine has a fixed
# cost per call (0.1-0.14 s against a 100,000-entry watchlist) on top of 40-60 us a record:
# 10,000 travellers took 0.86-1.10 s of CPU in 2,000-record chunks against 0.67-0.71 s in
# 5,000-record ones, and 20,000 were screened in 1.70/1.60 s in 5,000-record chunks,
# 1.34/1.31 s in 10,000 and 1.26/1.19 s in 20,000 (alternated rounds, same 220 alerts).
SCREEN_CHUNK = 20_000
MAX_PROBLEMS_KEPT = 1000
Progress = Callable[[int, int], None]


