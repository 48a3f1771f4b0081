"""One way to say where a data file is wrong: "file: line N, field 'a.b': message".

Data files (grading schemes, caveats, sharing rules, the investigation protocol) are YAML
checked by pydantic models. Their authors are not programmers, so an error must name the
line and the field; this module turns the first pydantic error into that sentence, using
the YAML node tree for the line.
"""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError


def yaml_line(root: Any, loc: tuple[int | str, ...]) -> int | None:
    """The 1-based line of the deepest YAML node on ``loc`` (a pydantic error location)."""
    node, line = root, None
    for part in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part] if part < len(node.value) else None
        else:
            node = None
    return node.start_mark.line + 1 if node is not None else line


def validation_error_text(name: str, root: Any, exc: ValidationError, *,
                          fallback_field: str = "schema") -> str:
    """The first error of ``exc`` as "name: line N, field 'where': message"."""
    error = exc.errors()[0]
    loc = tuple(error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")
    if not loc and ": " in message:
        # Cross-field checks name their field at the start of the message ("steps[2].on: ...").
        field, _, message = message.partition(": ")
        loc = tuple(int(p) if p.isdigit() else p
                    for p in field.replace("]", "").replace("[", ".").split("."))
    line = yaml_line(root, loc) or 1
    where = ".".join(str(p) for p in loc) or fallback_field
    return f"{name}: line {line}, field '{where}': {message}"
