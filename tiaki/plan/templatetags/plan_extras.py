from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def attr_display(obj: Any, name: str) -> Any:
    """A field's value as a person reads it (the choice's label, not its code)."""
    display = getattr(obj, f"get_{name}_display", None)
    value = display() if callable(display) else getattr(obj, name, "")
    return "" if value is None else value
