"""Start-up checks: the portal's language files and the routing file must load, so a bad
edit to either is caught by ``tiaki check`` (and CI) rather than by a member of the public."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register


@register()
def intake_data_files(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from tiaki.intake import i18n
    from tiaki.intake.routing import routing

    problems: list[CheckMessage] = []
    try:
        i18n.clear_cache()
        i18n.catalogues()
    except (i18n.CatalogueError, OSError) as exc:
        problems.append(Error(f"portal language files: {exc}", id="intake.E001"))
    try:
        routing()
    except Exception as exc:  # any failure to read the file is reported
        problems.append(Error(f"data/intake/routing.yaml: {exc}", id="intake.E002"))
    return problems
