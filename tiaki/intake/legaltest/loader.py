"""Load both data files into one validated :class:`Ruleset`."""

from __future__ import annotations

from pathlib import Path

from tiaki.intake.legaltest.errors import RulesetError
from tiaki.intake.legaltest.load_indicators import load_indicators
from tiaki.intake.legaltest.load_legal import load_legal
from tiaki.intake.legaltest.model import IndicatorCatalogue, LegalFramework, Ruleset

# Bump when the engine's logic changes in a way that can change an assessment; data changes
# are tracked by the data files' own versions and content hashes.
ENGINE_VERSION = "1.0.0"

# The data files sit at the top of a source checkout (data/...), outside the package.
_REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_INDICATORS_PATH = _REPO_ROOT / "data" / "indicators" / "ilo-ec-2009.yaml"
DEFAULT_LEGAL_PATH = _REPO_ROOT / "data" / "legal" / "nz-crimes-act-s98d.yaml"


def _check_cross_references(
    catalogue: IndicatorCatalogue, legal: LegalFramework, indicators_path: Path
) -> None:
    """Every element value an indicator names must exist in the legal file, so that a typo
    cannot silently drop evidence from an assessment."""
    for indicator_set in catalogue.sets:
        for indicator in indicator_set.indicators:
            for element, values in indicator.elements.items():
                known = legal.elements[element].values
                for value in values:
                    if value not in known:
                        raise RulesetError(
                            str(indicators_path),
                            f"elements.{element}",
                            f"unknown value {value!r} (known: {', '.join(known)})",
                            code=indicator.code,
                        )


def engine_version(catalogue: IndicatorCatalogue, legal: LegalFramework) -> str:
    """Engine version plus each data file's id, version and content hash: an assessment can
    be reproduced only with exactly these rules."""
    return (
        f"legaltest/{ENGINE_VERSION}"
        f" {catalogue.id}@{catalogue.version}+sha256.{catalogue.sha256[:12]}"
        f" {legal.id}@{legal.version}+sha256.{legal.sha256[:12]}"
    )


def load_ruleset(
    indicators_path: Path | str = DEFAULT_INDICATORS_PATH,
    legal_path: Path | str = DEFAULT_LEGAL_PATH,
) -> Ruleset:
    """Read, validate and combine the indicator file and the legal-test file.

    Raises :class:`RulesetError` naming the file, the indicator code and the field when
    either file is wrong."""
    indicators_path, legal_path = Path(indicators_path), Path(legal_path)
    catalogue = load_indicators(indicators_path)
    legal = load_legal(legal_path)
    _check_cross_references(catalogue, legal, indicators_path)
    for indicator_set in catalogue.sets:
        if indicator_set.exploitation not in legal.elements["purpose"].groups:
            raise RulesetError(
                str(indicators_path),
                f"sets[{indicator_set.id}].exploitation",
                f"must be a purpose group of the legal file "
                f"({', '.join(legal.elements['purpose'].groups)})",
            )
    return Ruleset(catalogue, legal, engine_version(catalogue, legal))
