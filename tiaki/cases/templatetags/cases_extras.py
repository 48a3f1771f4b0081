"""Template helpers for the cases pages."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """``{{ services|get_item:code }}``: look a key up in a mapping (None when absent)."""
    return mapping.get(key) if hasattr(mapping, "get") else None

