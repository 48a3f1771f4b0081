"""The retention and disposal schedule, as data (``data/legal/<cc>/retention.yaml``).

Privacy Act 2020, information privacy principle 9 (personal information is not kept longer
than it is required) and Public Records Act 2005, s 20 (public records are disposed of only
under an authority approved by the Chief Archivist). The file names the disposal authority
and, per record class, the event that starts the clock, the period and the action. Which
classes exist, which trigger each one has and which actions it supports is code
(``tiaki.retention.classes``); the file is checked against that whole on first use, and a
wrong file is refused with the line and the field that are wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from django.conf import settings
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tiaki.core.yaml_errors import validation_error_text

Action = Literal["destroy", "anonymise", "retain", "transfer"]
# Actions that change records; "retain" and "transfer" only list what is due.
DISPOSING = frozenset({"destroy", "anonymise"})


class ScheduleFileError(ValueError):
    """The schedule file is wrong; the message names the line and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class AuthoritySpec(_Strict):
    reference: str = Field(min_length=1)
    title: str = Field(min_length=1)
    general_authority: str = ""
    confirmed: bool = False
    note: str = ""


class ClassSpec(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)
    trigger: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    period_days: int = Field(ge=1, le=365 * 200)
    action: Action
    note: str = ""


class ScheduleSpec(_Strict):
    schema_: Literal["tiaki.retention-schedule/1"] = Field(alias="schema")
    country: str = Field(pattern=r"^[A-Z]{2}$")
    version: str = Field(min_length=1)
    disposal_authority: AuthoritySpec
    classes: tuple[ClassSpec, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> ScheduleSpec:
        from tiaki.retention.classes import RECORD_CLASSES

        seen: set[str] = set()
        for index, spec in enumerate(self.classes):
            where = f"classes[{index}]"
            known = RECORD_CLASSES.get(spec.code)
            if known is None:
                raise ValueError(f"{where}.code: unknown record class {spec.code!r} "
                                 f"(known: {', '.join(sorted(RECORD_CLASSES))})")
            if spec.code in seen:
                raise ValueError(f"{where}.code: class {spec.code!r} is listed twice")
            seen.add(spec.code)
            if spec.trigger != known.trigger:
                raise ValueError(f"{where}.trigger: {spec.code} records are counted from "
                                 f"{known.trigger!r}, not {spec.trigger!r}")
            if spec.action not in known.actions:
                raise ValueError(f"{where}.action: {spec.code} records may only be "
                                 f"{' or '.join(sorted(known.actions))}, not {spec.action!r}")
        return self


@dataclass(frozen=True)
class Schedule:
    spec: ScheduleSpec

    @property
    def version(self) -> str:
        return f"{self.spec.country}-{self.spec.version}"

    @property
    def authority(self) -> AuthoritySpec:
        return self.spec.disposal_authority

    def classes(self) -> tuple[ClassSpec, ...]:
        return self.spec.classes

    def get(self, code: str) -> ClassSpec | None:
        return next((c for c in self.spec.classes if c.code == code), None)

    def period_days(self, code: str) -> int | None:
        """The period in force for a class: the file's, or for public reports the
        ``TIAKI_REPORT_RETENTION_DAYS`` setting when it is set (the override kept from
        before the schedule existed)."""
        spec = self.get(code)
        if code == "public_reports":
            override = getattr(settings, "TIAKI_REPORT_RETENTION_DAYS", None)
            if override:
                return int(override)
        return spec.period_days if spec else None


def parse_schedule(text: str, name: str = "retention.yaml") -> Schedule:
    try:
        raw = yaml.safe_load(text)
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        raise ScheduleFileError(f"{name}: not valid YAML ({exc})") from exc
    if not isinstance(raw, dict):
        raise ScheduleFileError(f"{name}: expected a mapping at the top level")
    try:
        return Schedule(ScheduleSpec.model_validate(raw))
    except ValidationError as exc:
        raise ScheduleFileError(validation_error_text(name, root, exc,
                                                      fallback_field="file")) from exc


def schedule_path(country: str = "nz") -> Path:
    return Path(settings.TIAKI_DATA_DIR) / "legal" / country / "retention.yaml"


@lru_cache(maxsize=4)
def _load(path: str) -> Schedule:
    file = Path(path)
    return parse_schedule(file.read_text(encoding="utf-8"), file.name)


def schedule() -> Schedule:
    """The schedule in force (the country's file, read once per process)."""
    return _load(str(schedule_path()))
