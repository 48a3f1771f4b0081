"""Template helpers for the cases pages."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """``{{ services|get_item:code }}``: look a key up in a mapping (None when absent)."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def split_pairs(text: str) -> list[tuple[str, str]]:
    """``"a:A,b:B"`` -> ``[("a", "A"), ("b", "B")]`` for small fixed option lists."""
    pairs = []
    for part in text.split(","):
        value, _, label = part.partition(":")
        pairs.append((value, label))
    return pairs
