"""Errors raised while loading the screening rules or reading observations."""

from __future__ import annotations


class RulesetError(ValueError):
    """A data file is wrong. The message names the file, the indicator code (when the
    problem is inside an indicator) and the field, so the file can be fixed without
    reading the loader."""

    def __init__(self, file: str, field: str, message: str, *, code: str | None = None) -> None:
        self.file = file
        self.field = field
        self.code = code
        self.problem = message
        where = f"indicator {code}: " if code else ""
        super().__init__(f"{file}: {where}field {field}: {message}")


class ObservationError(ValueError):
    """The observations handed to the engine are inconsistent or name unknown indicators."""
