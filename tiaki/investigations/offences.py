"""The offences a charge may name, read from the offences data the legal sources own.

Charges name an offence by its code in the offences file under ``data/legal/`` (Crimes Act
1961 ss 98, 98AA, 98C, 98D and the other provisions prosecutors use). This module is the one
place the investigations app reads that file: it turns the file's loader into the small
interface charging needs (code -> title, section, whether s98F's Attorney-General's consent
is needed, and the s98E aggravating factors that apply), so a new edition of the file or a
second country's offences change no code here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class Factor:
    code: str
    label: str


@dataclass(frozen=True)
class Offence:
    code: str
    title: str
    section: str
    needs_consent: bool = False
    factors: tuple[Factor, ...] = ()


@dataclass(frozen=True)
class Offences:
    version: str
    offences: dict[str, Offence] = field(default_factory=dict)

    def get(self, code: str) -> Offence | None:
        return self.offences.get(code)

    def choices(self) -> list[tuple[str, str]]:
        return [(o.code, f"{o.title} ({o.section})") for o in self.offences.values()]


Provider = Callable[[], Offences]
_provider: list[Provider] = []


def use_provider(provider: Provider | None) -> None:
    """Replace where offences come from (tests); None goes back to the data file."""
    _provider.clear()
    if provider is not None:
        _provider.append(provider)


def offences() -> Offences:
    if _provider:
        return _provider[0]()
    return from_data_file()


def build(version: str, entries: Iterable[dict[str, Any]]) -> Offences:
    """Offences from plain mappings (the shape the data file's loader hands over)."""
    found: dict[str, Offence] = {}
    for entry in entries:
        factors = tuple(Factor(str(f["code"]), str(f["label"]))
                        for f in entry.get("aggravating_factors", ()) or ())
        found[str(entry["code"])] = Offence(
            code=str(entry["code"]), title=str(entry["title"]), section=str(entry["section"]),
            needs_consent=bool(entry.get("needs_consent", False)), factors=factors)
    return Offences(version=version, offences=found)


@lru_cache(maxsize=1)
def from_data_file() -> Offences:
    """The offences in force today, with their s98E factors, from ``data/legal/nz/offences.yaml``
    (read through the legal sources' validated loader)."""
    from tiaki.intake.legaltest.offences import offences_load

    catalogue = offences_load()
    today = dt.date.today()
    entries = []
    for offence in catalogue.offences:
        version = offence.version_on(today) or offence.current
        entries.append({
            "code": offence.code, "title": version.title, "section": offence.citation,
            # Crimes Act 1961 s98F (consent of the Attorney-General) is named per offence in
            # the data file's `prosecution_consent`, so a change in the law changes no code.
            "needs_consent": bool(offence.prosecution_consent),
            "aggravating_factors": [
                {"code": f.id, "label": f"s{f.provision}: {f.text}"}
                for f in catalogue.aggravating_factors_for(offence.code)],
        })
    return build(f"{catalogue.id}-{catalogue.version}", entries)
