"""Grounds for withholding information from a defendant, read from the legal data files.

The Criminal Disclosure Act 2008 (ss 16-18) lists the reasons a prosecutor may withhold an
item; the defendant must be told what was withheld and why (ss 15, 19). Which grounds exist
is the law's decision, so they live in ``data/legal/nz/disclosure-withholding.yaml`` and this
module only validates and serves them (a wrong file names the field, as the offences file does).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from tiaki.intake.legaltest._reader import Reader, read_yaml

SCHEMA = "tiaki.disclosure-grounds/1"


@dataclass(frozen=True)
class Ground:
    code: str
    provision: str
    label: str


@dataclass(frozen=True)
class Grounds:
    id: str
    version: str
    statute: str
    grounds: tuple[Ground, ...]

    def codes(self) -> frozenset[str]:
        return frozenset(g.code for g in self.grounds)

    def choices(self) -> list[tuple[str, str]]:
        return [(g.code, g.label) for g in self.grounds]

    def label(self, code: str) -> str:
        return next((g.label for g in self.grounds if g.code == code), code)


def default_path() -> Path:
    return Path(settings.TIAKI_DATA_DIR) / "legal" / "nz" / "disclosure-withholding.yaml"


def grounds_load(path: Path | str | None = None) -> Grounds:
    """Read and validate a withholding-grounds file; RulesetError names file and field."""
    path = Path(path) if path is not None else default_path()
    data, _sha256 = read_yaml(path)
    top = Reader(str(path), data)
    top.expect_keys({"schema", "id", "version", "jurisdiction", "statute", "text_status",
                     "grounds"})
    if top.text("schema") != SCHEMA:
        top.fail("schema", f"must be {SCHEMA!r}")
    found = []
    raw = top.data.get("grounds")
    if not isinstance(raw, list) or not raw:
        top.fail("grounds", "must be a non-empty list")
    for index, entry in enumerate(raw):
        item = Reader(str(path), entry, f"grounds[{index}]")
        item.expect_keys({"code", "provision", "label"})
        found.append(Ground(item.text("code"), item.text("provision"), item.text("label")))
    if len({g.code for g in found}) != len(found):
        top.fail("grounds", "ground codes must be unique")
    return Grounds(id=top.text("id"), version=top.text("version"), statute=top.text("statute"),
                   grounds=tuple(found))


@lru_cache(maxsize=1)
def withholding_grounds() -> Grounds:
    """The install's grounds (cached: the file changes only with a deployment)."""
    return grounds_load()
