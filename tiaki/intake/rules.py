"""The screening ruleset, loaded once per process from the versioned data files."""

from __future__ import annotations

from functools import cache

from tiaki.intake.legaltest import Ruleset, load_ruleset


@cache
def ruleset() -> Ruleset:
    return load_ruleset()
