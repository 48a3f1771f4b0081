"""Load a country's agencies (and the 2009 -> today mapping) from ``data/<cc>/agencies.yaml``.

Schema ``tiaki.agencies/1``: ``country`` and ``agencies: [{code, name, short, kind, active,
successor, note, source, units}]``. Validated whole before anything is written; one
transaction; loading the same file twice changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from django.db import transaction
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tiaki.accounts.models import Agency
from tiaki.audit.services import Action, audit_record


class AgencyFileError(Exception):
    pass


class AgencyEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    name: str = Field(min_length=1)
    short: str = ""
    kind: Literal["government", "ngo", "partner"] = "government"
    active: bool = True
    successor: str | None = None
    note: str = ""
    source: str = ""
    units: list[str] = []


class AgencyFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    schema_: Literal["tiaki.agencies/1"] = Field(alias="schema")
    country: str = Field(pattern=r"^[A-Z]{2}$")
    agencies: list[AgencyEntry] = Field(min_length=1)


def parse_agency_file(path: Path) -> AgencyFile:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise AgencyFileError(f"{path}: cannot read the file: {exc}") from exc
    try:
        spec = AgencyFile.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = list(err["loc"])
            where = "field '" + ".".join(str(p) for p in loc) + "'"
            if len(loc) >= 2 and loc[0] == "agencies" and isinstance(loc[1], int):
                entry = raw["agencies"][loc[1]] if isinstance(raw, dict) else None
                code = entry.get("code") if isinstance(entry, dict) else f"#{loc[1] + 1}"
                where = f"agency {code}, field '{'.'.join(str(p) for p in loc[2:])}'"
            lines.append(f"{path}: {where}: {err['msg']}")
        raise AgencyFileError("\n".join(lines)) from exc
    codes = [a.code for a in spec.agencies]
    problems = [f"{path}: agency {c} is defined twice" for c in set(codes) if codes.count(c) > 1]
    problems += [
        f"{path}: agency {a.code}, field 'successor': unknown agency {a.successor!r}"
        for a in spec.agencies
        if a.successor and a.successor not in codes
        and not Agency.objects.filter(code=a.successor).exists()
    ]
    if problems:
        raise AgencyFileError("\n".join(problems))
    return spec


def agencies_load(*, path: Path, actor: Any = None) -> tuple[int, int]:
    """Create or update agencies; returns (created, updated)."""
    spec = parse_agency_file(path)
    created = updated = 0
    with transaction.atomic():
        for entry in spec.agencies:
            values = {
                "name": entry.name,
                "short": entry.short,
                "country": spec.country,
                "kind": entry.kind,
                "active": entry.active,
                "note": "\n".join(filter(None, [entry.note, *(f"Unit: {u}" for u in entry.units)])),
                "source": entry.source,
            }
            agency = Agency.objects.filter(code=entry.code).first()
            if agency is None:
                Agency.objects.create(code=entry.code, **values)
                created += 1
            elif any(getattr(agency, k) != v for k, v in values.items()):
                Agency.objects.filter(pk=agency.pk).update(**values)
                updated += 1
        for entry in spec.agencies:
            successor = Agency.objects.get(code=entry.successor) if entry.successor else None
            agency = Agency.objects.get(code=entry.code)
            if agency.successor_id != (successor.pk if successor else None):
                agency.successor = successor
                agency.save(update_fields=["successor"])
        if created or updated:
            audit_record(
                actor=actor, action=Action.UPDATE, object_type="accounts.agency",
                summary=f"Loaded agencies from {path.name}",
                changes={"created": created, "updated": updated},
            )
    return created, updated
