"""The public portal's words, as data: one catalogue per language in ``data/i18n/report/``.

Each file (schema ``tiaki.portal-i18n/1``) gives the language's code, names, writing
direction, who translated it and whether a fluent speaker reviewed it, then its strings.
English is the source: every other file must use English's keys and the same ``{name}``
placeholders; a missing string falls back to English and is shown as such.

A catalogue counts as reviewed when its file says so (with the reviewer's name) or when a
fluent reviewer approved exactly this version of the file in Tiaki (``CatalogueReview``,
matched by content hash, so editing the file withdraws the approval). Unreviewed
catalogues are marked on every page that uses them. The portal's language is chosen by the
reporter (``?lang=sm``), independent of the staff site's ``LANGUAGES``.
"""

from __future__ import annotations

import hashlib
import re
import string
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from django.conf import settings
from pydantic import BaseModel, ConfigDict, Field, ValidationError

SOURCE_LANGUAGE = "en"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_RESERVED = frozenset({"catalogue", "is_reviewed", "lang_code", "lang_dir", "t"})


class CatalogueError(Exception):
    pass


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    schema_: Literal["tiaki.portal-i18n/1"] = Field(alias="schema")
    language: str = Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
    name: str = Field(min_length=1)
    english_name: str = Field(min_length=1)
    direction: Literal["ltr", "rtl"] = "ltr"
    translator: str = ""
    reviewed: bool = False
    reviewer: str = ""
    reviewed_on: str = ""
    note: str = ""
    strings: dict[str, str]


@dataclass(frozen=True)
class Catalogue:
    language: str
    name: str
    english_name: str
    direction: str
    translator: str
    reviewed_in_file: bool
    reviewer: str
    note: str
    sha256: str
    strings: dict[str, str] = field(repr=False)
    missing: frozenset[str] = frozenset()


def catalogue_dir() -> Path:
    configured = getattr(settings, "TIAKI_PORTAL_I18N_DIR", None)
    return Path(configured) if configured else settings.TIAKI_DATA_DIR / "i18n" / "report"


def _placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def _read(path: Path) -> tuple[_File, str]:
    raw = path.read_bytes()
    try:
        data = _File.model_validate(yaml.safe_load(raw))
    except (yaml.YAMLError, ValidationError) as exc:
        raise CatalogueError(f"{path.name}: {exc}") from exc
    if data.language != path.stem:
        raise CatalogueError(f"{path.name}: language {data.language!r} must match the file name")
    if data.reviewed and not data.reviewer:
        raise CatalogueError(f"{path.name}: reviewed: true needs the reviewer's name")
    return data, hashlib.sha256(raw).hexdigest()


@cache
def _load_all(directory: str) -> dict[str, Catalogue]:
    base = Path(directory)
    source_path = base / f"{SOURCE_LANGUAGE}.yaml"
    if not source_path.exists():
        raise CatalogueError(f"the source catalogue {source_path.name} is missing")
    files = {p.stem: _read(p) for p in sorted(base.glob("*.yaml"))}
    source = files[SOURCE_LANGUAGE][0].strings
    clashing = sorted(set(source) & _RESERVED)
    if clashing:
        raise CatalogueError(f"{SOURCE_LANGUAGE}.yaml: reserved keys {', '.join(clashing)}")
    catalogues: dict[str, Catalogue] = {}
    for code, (data, digest) in files.items():
        extra = sorted(set(data.strings) - set(source))
        if extra:
            raise CatalogueError(f"{code}.yaml: keys not in English: {', '.join(extra)}")
        for key, text in data.strings.items():
            if _placeholders(text) != _placeholders(source[key]):
                raise CatalogueError(f"{code}.yaml: {key} must use the placeholders "
                                     f"{sorted(_placeholders(source[key]))}")
            try:
                list(string.Formatter().parse(text))
            except ValueError as exc:
                raise CatalogueError(f"{code}.yaml: {key}: {exc}") from exc
        missing = frozenset(set(source) - set(data.strings))
        catalogues[code] = Catalogue(
            language=code, name=data.name, english_name=data.english_name,
            direction=data.direction, translator=data.translator,
            reviewed_in_file=data.reviewed, reviewer=data.reviewer, note=data.note,
            sha256=digest, strings={**source, **data.strings}, missing=missing,
        )
    return catalogues


def catalogues() -> dict[str, Catalogue]:
    """All portal languages, English first then by English name."""
    found = _load_all(str(catalogue_dir()))
    return dict(sorted(found.items(),
                       key=lambda kv: (kv[0] != SOURCE_LANGUAGE, kv[1].english_name)))


def clear_cache() -> None:
    _load_all.cache_clear()


def get(language: str | None) -> Catalogue:
    """The catalogue for ``language``, or English when it is unknown."""
    found = catalogues()
    return found.get(language or SOURCE_LANGUAGE) or found[SOURCE_LANGUAGE]


def is_reviewed(catalogue: Catalogue) -> bool:
    from tiaki.intake.models import CatalogueReview

    if catalogue.language == SOURCE_LANGUAGE or catalogue.reviewed_in_file:
        return True
    return CatalogueReview.objects.filter(
        language=catalogue.language, sha256=catalogue.sha256
    ).exists()


class Words:
    """What templates use: ``words.title`` or ``words.t("key", seconds=20)``."""

    # Django templates try ``words["name"]`` before ``words.name``, so these attributes have
    # names no catalogue key uses (keys are checked against them on load).
    def __init__(self, catalogue: Catalogue, *, reviewed: bool) -> None:
        self.catalogue = catalogue
        self.is_reviewed = reviewed
        self.lang_code = catalogue.language
        self.lang_dir = catalogue.direction

    def __getitem__(self, key: str) -> str:
        return self.catalogue.strings[key]

    def __getattr__(self, key: str) -> str:
        strings = self.__dict__.get("catalogue")
        if strings is None or key.startswith("_"):
            raise AttributeError(key)
        try:
            return strings.strings[key]
        except KeyError as exc:
            raise AttributeError(key) from exc

    def t(self, key: str, **params: object) -> str:
        return self.catalogue.strings[key].format(**params)


def words_for(language: str | None) -> Words:
    catalogue = get(language)
    return Words(catalogue, reviewed=is_reviewed(catalogue))
