"""The offences file: ``data/legal/nz/offences.yaml`` (schema ``tiaki.offences/1``).

One record per offence prosecutors use against trafficking and related exploitation (New
Zealand: Crimes Act 1961 ss 98, 98AA, 98C, 98D; Prostitution Reform Act 2003; Immigration
Act 2009), each with every version that has been in force and its commencement date, and the
Crimes Act s98E sentencing aggravating factors as a list. Charges and the legal test's
reasons read the law from here, so the version applied is the one in force on the date of
the conduct.

Usage::

    catalogue = offences_load()                       # RulesetError names line-free field paths
    offence = catalogue.offence("nz.crimes.s98d")
    version = offence.version_on(date(2019, 5, 1))    # None when not in force on that date
    version.max_penalty.imprisonment_years
    catalogue.aggravating_factors_for(offence.code)

Pure Python, no Django, like the rest of the legal test.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

from tiaki.intake.legaltest._reader import Reader, read_yaml
from tiaki.intake.legaltest.errors import RulesetError
from tiaki.intake.legaltest.load_indicators import read_sources
from tiaki.intake.legaltest.load_legal import load_legal
from tiaki.intake.legaltest.model import Source

SCHEMA = "tiaki.offences/1"
# The data files sit at the top of a source checkout (data/...), outside the package.
_LEGAL_DIR = Path(__file__).resolve().parents[3] / "data" / "legal"
DEFAULT_OFFENCES_PATH = _LEGAL_DIR / "nz" / "offences.yaml"
_DEFAULT_LEGAL_PATH = _LEGAL_DIR / "nz-crimes-act-s98d.yaml"

TextStatus = Literal["checked", "secondary", "unchecked"]
TEXT_STATUSES: tuple[TextStatus, ...] = ("checked", "secondary", "unchecked")
OffenceKind = Literal[
    "trafficking", "slavery", "child_dealing", "smuggling", "sexual_services", "worker_exploitation"
]
OFFENCE_KINDS: tuple[OffenceKind, ...] = (
    "trafficking",
    "slavery",
    "child_dealing",
    "smuggling",
    "sexual_services",
    "worker_exploitation",
)


@dataclass(frozen=True)
class Penalty:
    """Maximum penalty. ``None`` means the provision sets no penalty of that kind."""

    text: str
    imprisonment_years: int | None = None
    fine_nzd: int | None = None


@dataclass(frozen=True)
class OffenceElement:
    id: str
    text: str


@dataclass(frozen=True)
class OffenceVersion:
    """One text of a provision and the days it applied (both ends inclusive)."""

    id: str
    in_force_from: dt.date
    in_force_until: dt.date | None
    title: str
    citation: str
    text_status: TextStatus
    checked_against: str
    commencement_status: TextStatus  # how far in_force_from was confirmed
    child_means_required: bool
    elements: tuple[OffenceElement, ...]
    max_penalty: Penalty
    note: str | None = None

    def in_force_on(self, day: dt.date) -> bool:
        return self.in_force_from <= day and (
            self.in_force_until is None or day <= self.in_force_until
        )


@dataclass(frozen=True)
class Offence:
    code: str
    act: str
    section: str
    kind: OffenceKind
    applies_to: Literal["any", "child"]  # child: the victim must be under 18
    exploitation: tuple[str, ...]
    consider_when: str  # plain sentence: when investigators should look at this offence
    versions: tuple[OffenceVersion, ...]  # oldest first
    # The provision that makes a prosecution need consent (e.g. Crimes Act s98F), if any.
    prosecution_consent: str | None = None

    @property
    def current(self) -> OffenceVersion:
        return self.versions[-1]

    @property
    def citation(self) -> str:
        return f"{self.act}, s {self.section}"

    def version_on(self, day: dt.date) -> OffenceVersion | None:
        """The version that applied to conduct on ``day`` (None if the offence did not exist)."""
        return next((v for v in self.versions if v.in_force_on(day)), None)

    def version(self, version_id: str) -> OffenceVersion:
        for version in self.versions:
            if version.id == version_id:
                return version
        raise KeyError(f"{self.code}@{version_id}")


@dataclass(frozen=True)
class AggravatingFactor:
    id: str
    provision: str
    applies_to: tuple[str, ...]
    text: str
    text_status: TextStatus
    checked_against: str


@dataclass(frozen=True)
class OffenceCatalogue:
    id: str
    version: str
    jurisdiction: str
    checked: str
    sources: tuple[Source, ...]
    offences: tuple[Offence, ...]
    aggravating_factors: tuple[AggravatingFactor, ...]
    sha256: str

    def offence(self, code: str) -> Offence:
        for offence in self.offences:
            if offence.code == code:
                return offence
        raise KeyError(code)

    def cited(self, citation: str) -> tuple[Offence, OffenceVersion]:
        """Resolve ``code@version`` (the form the legal test's ``cites`` uses)."""
        code, _, version_id = citation.partition("@")
        offence = self.offence(code)
        return offence, offence.version(version_id)

    def in_force_on(self, day: dt.date) -> tuple[tuple[Offence, OffenceVersion], ...]:
        """Every offence that existed on ``day``, with the version then in force."""
        return tuple(
            (offence, version)
            for offence in self.offences
            if (version := offence.version_on(day)) is not None
        )

    def aggravating_factors_for(self, code: str) -> tuple[AggravatingFactor, ...]:
        return tuple(f for f in self.aggravating_factors if code in f.applies_to)


@dataclass(frozen=True)
class OffenceToConsider:
    offence: Offence
    version: OffenceVersion
    why: str


def offences_to_consider(
    catalogue: OffenceCatalogue,
    *,
    conduct_date: dt.date | None,
    purposes: Iterable[str],
    child: bool,
    smuggling: bool,
) -> tuple[OffenceToConsider, ...]:
    """Offences in force on the conduct date (today's law when unknown) that fit what was
    recorded: an exploitation purpose the offence covers, or smuggling signs for an offence
    with no exploitation; child-only offences only for a child. A pointer for
    investigators, never a charging decision."""
    wanted = set(purposes)
    found = []
    for offence in catalogue.offences:
        version = offence.version_on(conduct_date) if conduct_date else offence.current
        if version is None or (conduct_date is None and version.in_force_until is not None):
            continue
        if offence.applies_to == "child" and not child:
            continue
        covered = sorted(wanted & set(offence.exploitation))
        if not (covered or (smuggling and not offence.exploitation)):
            continue
        when = f"in force on {conduct_date.isoformat()}" if conduct_date else "in force now"
        found.append(
            OffenceToConsider(
                offence,
                version,
                f"{offence.citation} ({version.title}; version {version.id}, {when}): "
                f"{offence.consider_when}",
            )
        )
    return tuple(found)


def _status(node: Reader, source_ids: set[str]) -> tuple[TextStatus, str]:
    status = node.text("text_status")
    if status not in TEXT_STATUSES:
        node.fail("text_status", f"must be one of: {', '.join(TEXT_STATUSES)}")
    checked_against = node.text("checked_against")
    if checked_against not in source_ids:
        node.fail("checked_against", f"unknown source {checked_against!r}")
    return cast(TextStatus, status), checked_against


def _commencement_status(node: Reader) -> TextStatus:
    status = node.text("commencement_status")
    if status not in TEXT_STATUSES:
        node.fail("commencement_status", f"must be one of: {', '.join(TEXT_STATUSES)}")
    return cast(TextStatus, status)


def _penalty(node: Reader) -> Penalty:
    node.expect_keys({"text"}, {"imprisonment_years", "fine_nzd"})
    return Penalty(
        text=node.text("text"),
        imprisonment_years=(
            node.integer("imprisonment_years", 1) if node.has("imprisonment_years") else None
        ),
        fine_nzd=node.integer("fine_nzd", 1) if node.has("fine_nzd") else None,
    )


def _version(node: Reader, source_ids: set[str]) -> OffenceVersion:
    node.expect_keys(
        {
            "id",
            "in_force_from",
            "in_force_until",
            "title",
            "citation",
            "text_status",
            "checked_against",
            "commencement_status",
            "child_means_required",
            "elements",
            "max_penalty",
        },
        {"note"},
    )
    status, checked_against = _status(node, source_ids)
    start, end = node.date("in_force_from"), node.optional_date("in_force_until")
    if end is not None and end < start:
        node.fail("in_force_until", "is before in_force_from")
    elements = []
    for item in node.items("elements"):
        item.expect_keys({"id", "text"})
        elements.append(OffenceElement(id=item.text("id"), text=item.text("text")))
    if len({e.id for e in elements}) != len(elements):
        node.fail("elements", "element ids must be unique")
    return OffenceVersion(
        id=node.text("id"),
        in_force_from=start,
        in_force_until=end,
        title=node.text("title"),
        citation=node.text("citation"),
        text_status=status,
        checked_against=checked_against,
        commencement_status=_commencement_status(node),
        child_means_required=node.flag("child_means_required"),
        elements=tuple(elements),
        max_penalty=_penalty(node.child("max_penalty")),
        note=node.optional_text("note"),
    )


def _versions(node: Reader, source_ids: set[str]) -> tuple[OffenceVersion, ...]:
    versions = tuple(_version(item, source_ids) for item in node.items("versions"))
    for earlier, later in itertools.pairwise(versions):
        if earlier.in_force_until is None or earlier.in_force_until >= later.in_force_from:
            node.fail(
                "versions",
                f"version {earlier.id!r} must end before version {later.id!r} starts "
                "(list versions oldest first, without overlaps)",
            )
    if len({v.id for v in versions}) != len(versions):
        node.fail("versions", "version ids must be unique")
    return versions


def _offence(node: Reader, source_ids: set[str], purposes: tuple[str, ...]) -> Offence:
    node.expect_keys(
        {
            "code",
            "act",
            "section",
            "kind",
            "applies_to",
            "exploitation",
            "consider_when",
            "versions",
        },
        {"prosecution_consent"},
    )
    applies_to = node.text("applies_to")
    if applies_to not in ("any", "child"):
        node.fail("applies_to", "must be any or child")
    kind = node.text("kind")
    if kind not in OFFENCE_KINDS:
        node.fail("kind", f"must be one of: {', '.join(OFFENCE_KINDS)}")
    exploitation = node.data.get("exploitation")
    if exploitation == []:
        forms: tuple[str, ...] = ()
    else:
        forms = node.texts("exploitation", purposes)
    return Offence(
        code=node.text("code"),
        act=node.text("act"),
        section=node.text("section"),
        kind=cast(OffenceKind, kind),
        applies_to=cast(Literal["any", "child"], applies_to),
        exploitation=forms,
        consider_when=node.text("consider_when"),
        prosecution_consent=node.optional_text("prosecution_consent"),
        versions=_versions(node, source_ids),
    )


def offences_load(
    path: Path | str = DEFAULT_OFFENCES_PATH, *, legal_path: Path | str = _DEFAULT_LEGAL_PATH
) -> OffenceCatalogue:
    """Read and validate the offences file.

    ``exploitation`` values are checked against the purpose values of the legal-test file at
    ``legal_path``. Raises :class:`RulesetError` naming the file and field when it is wrong."""
    path = Path(path)
    data, sha256 = read_yaml(path)
    top = Reader(str(path), data)
    top.expect_keys(
        {"schema", "id", "version", "jurisdiction", "checked", "sources", "offences"},
        {"aggravating_factors"},
    )
    if top.text("schema") != SCHEMA:
        top.fail("schema", f"must be {SCHEMA!r}")
    purposes = tuple(load_legal(Path(legal_path)).elements["purpose"].values)
    sources = read_sources(top)
    source_ids = {s.id for s in sources}
    offences = tuple(_offence(item, source_ids, purposes) for item in top.items("offences"))
    codes = [o.code for o in offences]
    if len(set(codes)) != len(codes):
        top.fail("offences", "offence codes must be unique")
    factors = []
    for item in top.items("aggravating_factors") if top.has("aggravating_factors") else []:
        item.expect_keys(
            {"id", "provision", "applies_to", "text", "text_status", "checked_against"}
        )
        status, checked_against = _status(item, source_ids)
        factors.append(
            AggravatingFactor(
                id=item.text("id"),
                provision=item.text("provision"),
                applies_to=item.texts("applies_to", codes),
                text=item.text("text"),
                text_status=status,
                checked_against=checked_against,
            )
        )
    if len({f.id for f in factors}) != len(factors):
        top.fail("aggravating_factors", "factor ids must be unique")
    return OffenceCatalogue(
        id=top.text("id"),
        version=top.text("version"),
        jurisdiction=top.text("jurisdiction"),
        checked=top.text("checked"),
        sources=sources,
        offences=offences,
        aggravating_factors=tuple(factors),
        sha256=sha256,
    )


__all__ = [
    "DEFAULT_OFFENCES_PATH",
    "AggravatingFactor",
    "Offence",
    "OffenceCatalogue",
    "OffenceElement",
    "OffenceToConsider",
    "OffenceVersion",
    "Penalty",
    "RulesetError",
    "offences_load",
    "offences_to_consider",
]
