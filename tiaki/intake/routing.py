"""Routing rules as data (``data/intake/routing.yaml``): who receives which report."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from django.conf import settings
from pydantic import BaseModel, ConfigDict, Field


class Routing(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_: Literal["tiaki.intake-routing/1"] = Field(alias="schema")
    public_reports: tuple[str, ...] = Field(min_length=1)
    screening_referrals: tuple[str, ...] = Field(min_length=1)
    children_involved: tuple[str, ...] = ()


def routing_path() -> Path:
    configured = getattr(settings, "TIAKI_INTAKE_ROUTING", None)
    return Path(configured) if configured else settings.TIAKI_DATA_DIR / "intake" / "routing.yaml"


@cache
def _load(path: str) -> Routing:
    return Routing.model_validate(yaml.safe_load(Path(path).read_text(encoding="utf-8")))


def routing() -> Routing:
    return _load(str(routing_path()))
