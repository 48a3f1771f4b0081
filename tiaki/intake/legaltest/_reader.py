"""Strict YAML reading with errors that point at the file, the indicator and the field.

The data files are edited by hand by people who are not programmers, so every mistake
must produce a message they can act on: unknown keys, missing keys, wrong types and
duplicate keys (which plain PyYAML silently overwrites) are all refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NoReturn

import yaml

from tiaki.intake.legaltest.errors import RulesetError


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path) -> tuple[Any, str]:
    """Parse ``path``; return the data and the SHA-256 of its bytes (the data version)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RulesetError(str(path), "(file)", f"cannot read: {exc.strerror}") from exc
    try:
        # A SafeLoader subclass: only plain data types can be constructed.
        data = yaml.load(raw, Loader=_UniqueKeyLoader)  # noqa: S506
    except yaml.YAMLError as exc:
        raise RulesetError(str(path), "(file)", f"not valid YAML: {exc}") from exc
    return data, hashlib.sha256(raw).hexdigest()


class Reader:
    """A mapping inside a data file, with the path used in error messages."""

    def __init__(self, file: str, data: Any, path: str = "", code: str | None = None) -> None:
        self.file = file
        self.path = path
        self.code = code
        if not isinstance(data, dict):
            self.fail_here(f"expected a mapping, got {type(data).__name__}")
        self.data: dict[str, Any] = data

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, message: str) -> NoReturn:
        raise RulesetError(self.file, self.where(key), message, code=self.code)

    def fail_here(self, message: str) -> NoReturn:
        raise RulesetError(self.file, self.path or "(top level)", message, code=self.code)

    def expect_keys(self, required: Iterable[str], optional: Iterable[str] = ()) -> None:
        required, optional = set(required), set(optional)
        for key in sorted(required - self.data.keys()):
            self.fail(key, "missing")
        for key in sorted(self.data.keys() - required - optional):
            self.fail(str(key), f"unknown key (allowed: {', '.join(sorted(required | optional))})")

    def has(self, key: str) -> bool:
        return key in self.data

    def text(self, key: str) -> str:
        value = self.data.get(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(key, "must be a non-empty string")
        return value.strip()

    def optional_text(self, key: str) -> str | None:
        return self.text(key) if self.data.get(key) is not None else None

    def integer(self, key: str, minimum: int = 0) -> int:
        value = self.data.get(key)
        # bool is an int subclass; "true" is never a valid count.
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            self.fail(key, f"must be a whole number >= {minimum}")
        return value

    def date(self, key: str) -> dt.date:
        """A calendar date written as YYYY-MM-DD (YAML reads it as a date already)."""
        value = self.data.get(key)
        if isinstance(value, dt.datetime):
            self.fail(key, "must be a date (YYYY-MM-DD) without a time")
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(key, "must be a date written YYYY-MM-DD")

    def optional_date(self, key: str) -> dt.date | None:
        return self.date(key) if self.data.get(key) is not None else None

    def flag(self, key: str) -> bool:
        value = self.data.get(key)
        if not isinstance(value, bool):
            self.fail(key, "must be true or false")
        return value

    def texts(self, key: str, allowed: Iterable[str] | None = None) -> tuple[str, ...]:
        value = self.data.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.fail(key, "must be a list of strings")
        if len(set(value)) != len(value):
            self.fail(key, "has duplicates")
        if allowed is not None:
            known = list(allowed)
            for item in value:
                if item not in known:
                    self.fail(key, f"unknown value {item!r} (known: {', '.join(known)})")
        return tuple(value)

    def child(self, key: str, code: str | None = None) -> Reader:
        if key not in self.data:
            self.fail(key, "missing")
        return Reader(self.file, self.data[key], self.where(key), code or self.code)

    def items(self, key: str) -> list[Reader]:
        value = self.data.get(key)
        if not isinstance(value, list) or not value:
            self.fail(key, "must be a non-empty list")
        return [
            Reader(self.file, item, f"{self.where(key)}[{index}]", self.code)
            for index, item in enumerate(value)
        ]

    def entries(self, key: str) -> list[tuple[str, Reader]]:
        """A mapping of identifiers to mappings, in file order."""
        node = self.child(key)
        if not node.data:
            self.fail(key, "must not be empty")
        return [(str(k), node.child(str(k))) for k in node.data]

    def with_code(self, code: str) -> Reader:
        """The same node, reported relative to an indicator (errors name the code)."""
        return Reader(self.file, self.data, "", code)
