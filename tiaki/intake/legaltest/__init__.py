"""Frontline screening for people trafficking: ILO/EC indicators and the legal test.

Part of the "Identify and refer" work of the 2009 Plan of Action (seed 002: train
operational staff on trafficking indicators, action items 1-2; identify suspected cases and
refer them to the Police). Pure Python, no Django: the rules are data.

* ``data/indicators/ilo-ec-2009.yaml`` - ILO and European Commission, *Operational indicators
  of trafficking in human beings* (Delphi survey, 2009, revised September 2009).
* ``data/legal/nz-crimes-act-s98d.yaml`` - Palermo Protocol art. 3 and Crimes Act 1961
  s98D (trafficking), s98C (smuggling), and seed 002's difference between the two.

Usage::

    ruleset = load_ruleset(indicators_path, legal_path)
    result = assess(ruleset, Observations(indicators=frozenset({...}), facts=Facts(age=16)))
    result.recommendation  # "refer" | "gather_more_information" | "not_indicated"

The engine recommends; a trained person decides.
"""

from tiaki.intake.legaltest.engine import assess
from tiaki.intake.legaltest.errors import ObservationError, RulesetError
from tiaki.intake.legaltest.findings import (
    Assessment,
    DimensionFinding,
    ElementFinding,
    SmugglingFinding,
    TestFinding,
)
from tiaki.intake.legaltest.loader import (
    DEFAULT_INDICATORS_PATH,
    DEFAULT_LEGAL_PATH,
    ENGINE_VERSION,
    load_ruleset,
)
from tiaki.intake.legaltest.model import Ruleset
from tiaki.intake.legaltest.observations import Facts, Observations

__all__ = [
    "DEFAULT_INDICATORS_PATH",
    "DEFAULT_LEGAL_PATH",
    "ENGINE_VERSION",
    "Assessment",
    "DimensionFinding",
    "ElementFinding",
    "Facts",
    "ObservationError",
    "Observations",
    "Ruleset",
    "RulesetError",
    "SmugglingFinding",
    "TestFinding",
    "assess",
    "load_ruleset",
]
