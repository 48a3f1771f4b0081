"""Fixtures for the legal-test engine (pure Python).

Run alone with ``python -m pytest -p no:django --confcutdir=tests/legaltest tests/legaltest``:
``--confcutdir`` keeps pytest from importing ``tests/conftest.py``, which needs Django.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tiaki.intake.legaltest import Ruleset, load_ruleset

ROOT = Path(__file__).resolve().parents[2]
INDICATORS = ROOT / "data" / "indicators" / "ilo-ec-2009.yaml"
LEGAL = ROOT / "data" / "legal" / "nz-crimes-act-s98d.yaml"


@pytest.fixture(scope="session")
def ruleset() -> Ruleset:
    return load_ruleset(INDICATORS, LEGAL)
