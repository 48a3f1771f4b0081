"""Filters for the cells a list prints on every row, cheaper than the general ones.

A list page prints a date and a link on each of its 50 rows. Django's ``date`` filter parses
its format string and builds a formatter object for each value, and ``{% url %}`` resolves
the route each time: on the border alerts list the two were about a seventh of the page's
Python time (issue 16). These give the same text for the formats the lists use.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

from django import template
from django.db import models
from django.template.defaultfilters import date as django_date
from django.urls import NoReverseMatch, resolve, reverse
from django.utils.dates import MONTHS_3
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

from tiaki.core.memo import remembered

register = template.Library()

# A key no table reaches, reversed once a request and replaced by each row's key.
_SENTINEL = 987654321987
# The same for text keys (``key_url``), and the keys it may stand for: characters that
# ``reverse`` never quotes, so putting one in the sentinel's place gives ``reverse``'s text.
_TEXT_SENTINEL = "zqsentinelqz"
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _day(value: dt.date) -> str:
    # Django's "j M Y": day without a leading zero, the month's abbreviation in the active
    # language (title case), the year in four digits.
    return f"{value.day} {str(MONTHS_3[value.month]).title()} {value.year:04d}"


@register.filter(expects_localtime=True)
def day(value: Any) -> str:
    """``value|date:"j M Y"``."""
    if isinstance(value, dt.date):
        return _day(value)
    return str(django_date(value, "j M Y"))


@register.filter(expects_localtime=True)
def day_time(value: Any) -> str:
    """``value|date:"j M Y H:i"`` (in the current time zone, as ``date`` gives it)."""
    if isinstance(value, dt.datetime):
        return f"{_day(value)} {value.hour:02d}:{value.minute:02d}"
    return str(django_date(value, "j M Y H:i"))


@register.filter(expects_localtime=True)
def stamp(value: Any) -> str:
    """``value|date:"Y-m-d H:i:s"`` (the audit trail's time stamps)."""
    if isinstance(value, dt.datetime):
        return (f"{value.year:04d}-{value.month:02d}-{value.day:02d} "
                f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}")
    return str(django_date(value, "Y-m-d H:i:s"))


@functools.cache
def _choice_labels(field: models.Field[Any, Any]) -> dict[Any, Any]:
    # A field's choices are fixed for the life of the process (they are declared in code);
    # their labels stay lazy, so each row is still translated into the request's language.
    return dict(make_hashable(field.flatchoices))


@register.filter
def choice(obj: models.Model, name: str) -> Any:
    """``obj.get_<name>_display()``, without building the field's map of choices again for
    every row as Django's does."""
    field = obj._meta.get_field(name)
    if not isinstance(field, models.Field):  # a reverse relation has no choices of its own
        raise template.TemplateSyntaxError(f"{name!r} is not a field of {type(obj).__name__}")
    value = getattr(obj, field.attname)
    return force_str(_choice_labels(field).get(make_hashable(value), value), strings_only=True)


@register.filter
def pk_url(pk: Any, name: str) -> str:
    """``{% url name pk %}`` for a route whose one argument is an integer key."""
    if not isinstance(pk, int) or isinstance(pk, bool):
        return reverse(name, args=[pk])
    pattern = remembered(("pk url", name), lambda: reverse(name, args=[_SENTINEL]))
    if pattern.count(str(_SENTINEL)) != 1:
        return reverse(name, args=[pk])
    return pattern.replace(str(_SENTINEL), str(pk))


def _text_pattern(name: str) -> str | None:
    """The route's address with ``_TEXT_SENTINEL`` for its one argument, or None when the
    route's argument is not a ``str`` or ``slug`` (whose converters take any plain key)."""
    try:
        address = reverse(name, args=[_TEXT_SENTINEL])
    except NoReverseMatch:
        return None
    route = resolve(address).route
    if address.count(_TEXT_SENTINEL) != 1 or len(re.findall(r"<[^>]*>", route)) != 1:
        return None
    if not re.search(r"<(str|slug):[^>]+>", route):
        return None
    return address


@register.filter
def key_url(key: Any, name: str) -> str:
    """``{% url name key %}`` for a route whose one argument is a text key (``str`` or
    ``slug``), such as a case's reference; reversed once a request."""
    if isinstance(key, str) and _PLAIN_KEY.fullmatch(key):
        pattern = remembered(("key url", name), lambda: _text_pattern(name))
        if pattern is not None:
            return pattern.replace(_TEXT_SENTINEL, key)
    return reverse(name, args=[key])
