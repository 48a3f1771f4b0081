"""The list cells' filters (``core_rows``) print what Django's ``date`` and ``{% url %}`` do."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.http import HttpRequest, HttpResponse
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from tiaki.core.memo import RequestMemoMiddleware

WHEN = [dt.datetime(2026, month, day, hour, minute, tzinfo=dt.UTC)
        for month, day, hour, minute in ((1, 1, 0, 0), (3, 9, 7, 5), (5, 31, 23, 59),
                                         (9, 15, 12, 30), (12, 31, 11, 1))]
DAYS = [dt.date(2026, m, d) for m, d in ((1, 2), (6, 30), (11, 11))] + [dt.date(987, 2, 3)]


def _render(source: str, **values: object) -> str:
    return Template("{% load core_rows %}" + source).render(Context(values))


@pytest.mark.parametrize("language", ["en", "mi"])
@pytest.mark.parametrize("zone", ["Pacific/Auckland", "UTC"])
def test_dates_print_as_the_date_filter_does(language: str, zone: str) -> None:
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
        for when in WHEN:
            assert (_render("{{ v|day_time }}", v=when)
                    == _render('{{ v|date:"j M Y H:i" }}', v=when))
            assert _render("{{ v|day }}", v=when) == _render('{{ v|date:"j M Y" }}', v=when)
        for day in DAYS:
            assert _render("{{ v|day }}", v=day) == _render('{{ v|date:"j M Y" }}', v=day)
        for empty in (None, ""):
            assert _render("{{ v|day }}|{{ v|day_time }}", v=empty) == "|"


def test_key_links_are_the_routes_addresses() -> None:
    def page() -> str:
        return _render("{% for pk in keys %}{{ pk|pk_url:'screening:alert' }} {% endfor %}",
                       keys=[1, 42, 987654321])

    expected = " ".join(reverse("screening:alert", args=[pk]) for pk in (1, 42, 987654321))
    assert page() == expected + " "
    # Inside a request the route is reversed once and reused.
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.extend([page(), page()])
        return HttpResponse()

    RequestMemoMiddleware(view)(HttpRequest())
    assert seen == [expected + " "] * 2
