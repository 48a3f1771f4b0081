"""The coordination protocol for investigations, as data (action item 23).

``data/<cc>/investigation_protocol.yaml`` names each agency's key contact (which roles hold
it, for what, by which channels) and the steps that follow events in an investigation: who
must be told what, within how many hours. The file is validated whole on first use; a wrong
file is refused with the line and field that are wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from django.conf import settings
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tiaki.accounts.roles import Role
from tiaki.core.yaml_errors import validation_error_text

EVENTS = ("opened", "case_linked", "child_case_linked", "alert_linked", "charge_laid")


class ProtocolFileError(ValueError):
    """The protocol file is wrong; the message names the line and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class ChannelSpec(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)


class ContactSpec(_Strict):
    agency: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    title: str = Field(min_length=1)
    roles: tuple[Role, ...] = Field(min_length=1)
    purpose: str = Field(min_length=1)
    channels: tuple[str, ...] = Field(min_length=1)


class StepSpec(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    on: Literal["opened", "case_linked", "child_case_linked", "alert_linked", "charge_laid"]
    agencies: tuple[str, ...] = Field(min_length=1)
    title: str = Field(min_length=1)
    what: str = Field(min_length=1)
    within_hours: int = Field(ge=1, le=24 * 90)


class ProtocolSpec(_Strict):
    schema_: Literal["tiaki.investigation-protocol/1"] = Field(alias="schema")
    country: str = Field(pattern=r"^[A-Z]{2}$")
    version: str = Field(min_length=1)
    source: str = ""
    channels: tuple[ChannelSpec, ...] = Field(min_length=1)
    contacts: tuple[ContactSpec, ...] = Field(min_length=1)
    steps: tuple[StepSpec, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> ProtocolSpec:
        channels = {c.code for c in self.channels}
        agencies = {c.agency for c in self.contacts}
        for index, contact in enumerate(self.contacts):
            unknown = [c for c in contact.channels if c not in channels]
            if unknown:
                raise ValueError(f"contacts[{index}].channels: unknown channel {unknown[0]!r}")
        if len(agencies) != len(self.contacts):
            raise ValueError("contacts: an agency has more than one key contact")
        seen: set[str] = set()
        for index, step in enumerate(self.steps):
            if step.code in seen:
                raise ValueError(f"steps[{index}].code: step {step.code!r} is listed twice")
            seen.add(step.code)
            missing = [a for a in step.agencies if a not in agencies]
            if missing:
                raise ValueError(f"steps[{index}].agencies: {missing[0]} has no key contact")
        return self


@dataclass(frozen=True)
class Protocol:
    spec: ProtocolSpec

    @property
    def version(self) -> str:
        return f"{self.spec.country}-{self.spec.version}"

    def channels(self) -> dict[str, str]:
        return {c.code: c.label for c in self.spec.channels}

    def contact(self, agency_code: str) -> ContactSpec | None:
        return next((c for c in self.spec.contacts if c.agency == agency_code), None)

    def steps_on(self, event: str) -> list[StepSpec]:
        return [s for s in self.spec.steps if s.on == event]


def parse_protocol(text: str, name: str = "investigation_protocol.yaml") -> Protocol:
    try:
        raw = yaml.safe_load(text)
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        raise ProtocolFileError(f"{name}: not valid YAML ({exc})") from exc
    if not isinstance(raw, dict):
        raise ProtocolFileError(f"{name}: expected a mapping at the top level")
    try:
        return Protocol(ProtocolSpec.model_validate(raw))
    except ValidationError as exc:
        raise ProtocolFileError(validation_error_text(name, root, exc,
                                                      fallback_field="file")) from exc


def protocol_path(country: str = "nz") -> Path:
    return Path(settings.TIAKI_DATA_DIR) / country / "investigation_protocol.yaml"


@lru_cache(maxsize=4)
def _load(path: str) -> Protocol:
    file = Path(path)
    return parse_protocol(file.read_text(encoding="utf-8"), file.name)


def protocol() -> Protocol:
    """The protocol in force (the country's file, read once per process)."""
    return _load(str(protocol_path()))
