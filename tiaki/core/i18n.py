"""The staff interface's gettext catalogues and their review state.

A catalogue other than English counts as reviewed only when its header says so
(``X-Tiaki-Reviewed: yes`` with ``X-Tiaki-Reviewer``), the way the public portal's
language files carry ``reviewed``/``reviewer`` (``tiaki/intake/i18n.py``). Until then every
page shown in that language carries a visible note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

_HEADER = re.compile(r'^"([A-Za-z-]+):\s*(.*?)\\n"$')


@dataclass(frozen=True)
class StaffCatalogue:
    language: str
    reviewed: bool
    reviewer: str
    translator: str


def po_path(language: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"


@cache
def staff_catalogue(language: str) -> StaffCatalogue | None:
    """The header of ``language``'s catalogue, or None for the source language."""
    path = po_path(language)
    if language == settings.LANGUAGE_CODE or not path.exists():
        return None
    headers: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            break  # the header entry ends at the first blank line
        if match := _HEADER.match(line.strip()):
            headers[match.group(1).lower()] = match.group(2)
    reviewer = headers.get("x-tiaki-reviewer", "")
    return StaffCatalogue(
        language=language,
        reviewed=headers.get("x-tiaki-reviewed", "no").lower() == "yes" and bool(reviewer),
        reviewer=reviewer,
        translator=headers.get("last-translator", ""),
    )
