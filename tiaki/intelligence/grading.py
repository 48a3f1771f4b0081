"""Loading grading schemes and caveats from their data files (``data/intelligence/``).

Schemas ``tiaki.grading/1`` (one scheme per file: source scale, information scale,
handling codes) and ``tiaki.caveats/1``. Every file given is validated whole before
anything is written; all are written in one transaction; loading the same files twice
changes nothing. Errors name the file, the line and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from django.db import transaction
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tiaki.audit.services import Action, audit_record
from tiaki.core.yaml_errors import validation_error_text
from tiaki.intelligence.models import Caveat, GradingScheme


class GradingFileError(ValueError):
    pass


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Grade(_Strict):
    code: str = Field(min_length=1, max_length=4)
    label: str = Field(min_length=1)


def _unique(values: list[Grade], what: str) -> None:
    codes = [v.code for v in values]
    for code in codes:
        if codes.count(code) > 1:
            raise ValueError(f"{what}: code {code!r} appears twice")


class SchemeSpec(_Strict):
    schema_: Literal["tiaki.grading/1"] = Field(alias="schema")
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1)
    version: str = Field(min_length=1)
    source: list[Grade] = Field(min_length=2)
    information: list[Grade] = Field(min_length=2)
    handling: list[Grade] = []

    @model_validator(mode="after")
    def _codes_unique(self) -> SchemeSpec:
        _unique(self.source, "source")
        _unique(self.information, "information")
        _unique(self.handling, "handling")
        return self


class CaveatSpec(_Strict):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9_-]*$")
    title: str = Field(min_length=1)
    note: str = ""


class CaveatFile(_Strict):
    schema_: Literal["tiaki.caveats/1"] = Field(alias="schema")
    caveats: list[CaveatSpec] = Field(min_length=1)


def parse_file(path: Path) -> SchemeSpec | CaveatFile:
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
        raw = yaml.safe_load(text)
        root = yaml.compose(text)
    except OSError as exc:
        raise GradingFileError(f"{name}: cannot read the file: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise GradingFileError(f"{name}: not valid YAML ({exc})") from exc
    if not isinstance(raw, dict):
        raise GradingFileError(f"{name}: line 1, field 'schema': expected a mapping")
    spec_class: type[SchemeSpec] | type[CaveatFile] = (
        CaveatFile if raw.get("schema") == "tiaki.caveats/1" else SchemeSpec)
    try:
        return spec_class.model_validate(raw)
    except ValidationError as exc:
        raise GradingFileError(validation_error_text(name, root, exc)) from exc


def grading_load(*, paths: list[Path], actor: Any = None) -> list[str]:
    """Validate every file, then write them all in one transaction; returns what changed."""
    specs = [parse_file(path) for path in paths]
    changed: list[str] = []
    with transaction.atomic():
        for spec in specs:
            if isinstance(spec, CaveatFile):
                for caveat in spec.caveats:
                    _row, created = Caveat.objects.update_or_create(
                        code=caveat.code, defaults={"title": caveat.title, "note": caveat.note})
                    if created:
                        changed.append(f"caveat {caveat.code}")
                continue
            values = {"title": spec.title, "version": spec.version,
                      "source_scale": [g.model_dump() for g in spec.source],
                      "information_scale": [g.model_dump() for g in spec.information],
                      "handling_codes": [g.model_dump() for g in spec.handling]}
            scheme = GradingScheme.objects.filter(code=spec.code).first()
            if scheme is not None and all(getattr(scheme, k) == v for k, v in values.items()):
                continue
            scheme, _created = GradingScheme.objects.update_or_create(code=spec.code,
                                                                      defaults=values)
            changed.append(f"grading {spec.code} {spec.version}")
            audit_record(actor=actor, action=Action.UPDATE, obj=scheme,
                         summary=f"Grading scheme {spec.code} {spec.version} loaded",
                         changes={"version": spec.version})
    return changed


def default_paths() -> list[Path]:
    from django.conf import settings

    base = Path(settings.TIAKI_DATA_DIR) / "intelligence"
    return [*sorted((base / "grading").glob("*.yaml")), base / "caveats.yaml"]
