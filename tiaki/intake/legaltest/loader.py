"""Load both data files into one validated :class:`Ruleset`."""

from __future__ import annotations

from pathlib import Path

from tiaki.intake.legaltest.errors import RulesetError
from tiaki.intake.legaltest.load_indicators import load_indicators
from tiaki.intake.legaltest.load_legal import load_legal
from tiaki.intake.legaltest.model import IndicatorCatalogue, LegalFramework, Ruleset
from tiaki.intake.legaltest.offences import DEFAULT_OFFENCES_PATH, OffenceCatalogue, offences_load

# Bump when the engine's logic changes in a way that can change an assessment; data changes
# are tracked by the data files' own versions and content hashes.
ENGINE_VERSION = "1.1.0"

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


def _check_citations(legal: LegalFramework, offences: OffenceCatalogue, legal_path: Path) -> None:
    """Each NZ test cites an offence version, and applies on exactly the days that version
    was law: the test and the offences file cannot drift apart."""
    for index, test in enumerate(legal.tests):
        if test.cites is None:
            continue
        field = f"tests[{index}].cites"
        try:
            _offence, version = offences.cited(test.cites)
        except KeyError as exc:
            raise RulesetError(
                str(legal_path), field, f"no offence version {exc.args[0]!r} in the offences file"
            ) from exc
        if (test.in_force_from, test.in_force_until) != (
            version.in_force_from,
            version.in_force_until,
        ):
            raise RulesetError(
                str(legal_path),
                field,
                f"in_force dates differ from {test.cites} "
                f"({version.in_force_from} to {version.in_force_until or 'now'})",
            )


def engine_version(
    catalogue: IndicatorCatalogue, legal: LegalFramework, offences: OffenceCatalogue | None = None
) -> str:
    """Engine version plus each data file's id, version and content hash: an assessment can
    be reproduced only with exactly these rules."""
    text = (
        f"legaltest/{ENGINE_VERSION}"
        f" {catalogue.id}@{catalogue.version}+sha256.{catalogue.sha256[:12]}"
        f" {legal.id}@{legal.version}+sha256.{legal.sha256[:12]}"
    )
    if offences is not None:
        text += f" {offences.id}@{offences.version}+sha256.{offences.sha256[:12]}"
    return text


def load_ruleset(
    indicators_path: Path | str = DEFAULT_INDICATORS_PATH,
    legal_path: Path | str = DEFAULT_LEGAL_PATH,
    offences_path: Path | str | None = DEFAULT_OFFENCES_PATH,
) -> Ruleset:
    """Read, validate and combine the indicator file, the legal-test file and (unless
    ``offences_path`` is None) the offences file the legal tests cite.

    Raises :class:`RulesetError` naming the file, the indicator code and the field when
    any file is wrong."""
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
    offences = None
    if offences_path is not None:
        offences = offences_load(offences_path, legal_path=legal_path)
        _check_citations(legal, offences, legal_path)
    return Ruleset(catalogue, legal, engine_version(catalogue, legal, offences), offences)
