"""The data files the cases app reads: services, case vocabularies and the s98D elements.

Services and what each may see are data (``data/nz/services.yaml``); the vocabularies are
IOM HTCDS's (``data/cases/exploitation-types.yaml``); the elements a certification is
assessed against come from the legal test (``data/legal/nz-crimes-act-s98d.yaml``). Each file
is validated whole the first time it is read, so a bad edit fails loudly at start-up of the
first request rather than half-way through a referral.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

IDENTIFYING_FIELDS = ("names", "date_of_birth", "documents", "contact", "address")


class CatalogueError(ValueError):
    """A data file is malformed."""


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    plan_item: int | None
    agencies: tuple[str, ...]
    requires_certification: bool
    due_days: int
    shares: tuple[str, ...]
    source: str

    @property
    def shares_identifying(self) -> bool:
        return any(f in IDENTIFYING_FIELDS for f in self.shares)


@dataclass(frozen=True)
class Catalogue:
    services: dict[str, Service]
    field_labels: dict[str, str]
    other_purposes: dict[str, str]

    def purposes(self) -> dict[str, str]:
        """Every consent purpose: each service, then the purposes that are not services."""
        found = {code: s.name for code, s in self.services.items()}
        found.update(self.other_purposes)
        return found


def _read(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise CatalogueError(f"{path.name}: expected a mapping at the top level")
    return data


def services_path() -> Path:
    return Path(settings.TIAKI_DATA_DIR) / "nz" / "services.yaml"


def parse_services(data: dict[str, Any]) -> Catalogue:
    if data.get("schema") != "tiaki.services/1":
        raise CatalogueError("services.yaml: schema must be tiaki.services/1")
    fields = data.get("fields") or {}
    labels = {code: str(spec["label"]) for code, spec in fields.items()}
    for code in IDENTIFYING_FIELDS:
        if not fields.get(code, {}).get("identifying"):
            raise CatalogueError(f"services.yaml: field {code} must be marked identifying")
    services: dict[str, Service] = {}
    for entry in data.get("services") or []:
        code = str(entry["code"])
        if code in services:
            raise CatalogueError(f"services.yaml: service {code} is listed twice")
        unknown = [f for f in entry.get("shares", []) if f not in labels]
        if unknown:
            raise CatalogueError(f"services.yaml: {code} shares unknown fields {unknown}")
        if "reference" not in entry.get("shares", []):
            raise CatalogueError(f"services.yaml: {code} must share the case reference")
        if not entry.get("agencies"):
            raise CatalogueError(f"services.yaml: {code} names no providing agency")
        services[code] = Service(
            code=code, name=str(entry["name"]), plan_item=entry.get("plan_item"),
            agencies=tuple(entry["agencies"]),
            requires_certification=bool(entry["requires_certification"]),
            due_days=int(entry.get("due_days", 5)), shares=tuple(entry["shares"]),
            source=str(entry.get("source", "")),
        )
    other = {str(p["code"]): str(p["name"]) for p in data.get("other_consent_purposes") or []}
    clash = set(other) & set(services)
    if clash:
        raise CatalogueError(f"services.yaml: purposes clash with services: {sorted(clash)}")
    return Catalogue(services=services, field_labels=labels, other_purposes=other)


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    return parse_services(_read(services_path()))


def service(code: str) -> Service | None:
    return catalogue().services.get(code)


@dataclass(frozen=True)
class Term:
    code: str
    label: str


@lru_cache(maxsize=1)
def vocabularies() -> dict[str, tuple[Term, ...]]:
    """HTCDS picklists (plus forced criminality), keyed by list name."""
    data = _read(Path(settings.TIAKI_DATA_DIR) / "cases" / "exploitation-types.yaml")
    if data.get("schema") != "tiaki.case-vocabularies/1":
        raise CatalogueError("exploitation-types.yaml: schema must be tiaki.case-vocabularies/1")
    found: dict[str, tuple[Term, ...]] = {}
    for name in ("exploitation_types", "methods_of_control", "methods_of_recruitment",
                 "relationships_to_trafficker"):
        terms = tuple(Term(str(t["code"]), str(t["label"])) for t in data.get(name) or [])
        if not terms or len({t.code for t in terms}) != len(terms):
            raise CatalogueError(f"exploitation-types.yaml: {name} is empty or repeats a code")
        found[name] = terms
    return found


def choices(name: str) -> list[tuple[str, str]]:
    return [(t.code, t.label) for t in vocabularies()[name]]


def label_of(name: str, code: str) -> str:
    return dict(choices(name)).get(code, code)


@dataclass(frozen=True)
class Element:
    code: str
    label: str
    question: str
    nz: str
    values: tuple[Term, ...]


@lru_cache(maxsize=1)
def s98d_elements() -> tuple[Element, ...]:
    """Act, means and purpose as the legal test file states them for s98D."""
    data = _read(Path(settings.TIAKI_DATA_DIR) / "legal" / "nz-crimes-act-s98d.yaml")
    elements = data.get("elements") or {}
    found = []
    for code in ("act", "means", "purpose"):
        spec = elements.get(code)
        if not spec:
            raise CatalogueError(f"nz-crimes-act-s98d.yaml: element {code} is missing")
        values = tuple(Term(str(k), str(v["label"])) for k, v in spec["values"].items())
        found.append(Element(code=code, label=str(spec["label"]), question=str(spec["question"]),
                             nz=" ".join(str(spec["nz"]).split()), values=values))
    return tuple(found)
