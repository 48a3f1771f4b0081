"""Shared settings of the screening services."""

from __future__ import annotations

from collections.abc import Callable

SCREEN_CHUNK = 2000
MAX_PROBLEMS_KEPT = 1000
Progress = Callable[[int, int], None]


