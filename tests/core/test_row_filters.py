"""The list cells' filters (``core_rows``) print what Django's ``date`` and ``{% url %}`` do."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.http import HttpRequest, HttpResponse
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse
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
            assert (_render("{{ v|stamp }}", v=when)
                    == _render('{{ v|date:"Y-m-d H:i:s" }}', v=when))
        for day in DAYS:
            assert _render("{{ v|day }}", v=day) == _render('{{ v|date:"j M Y" }}', v=day)
        for empty in (None, ""):
            assert _render("{{ v|day }}|{{ v|day_time }}|{{ v|stamp }}", v=empty) == "||"


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


def test_text_key_links_are_the_routes_addresses() -> None:
    """`key_url` gives `{% url %}`'s text for a case reference, and for keys `reverse` has to
    quote (or a route whose argument is not text) it falls back to `reverse` itself."""
    keys = ["VC-2026-9246", "VC-2019-1", "a_b", "with space", "tē reo", "x/y", ""]

    def page(route: str, values: list[object]) -> str:
        return _render("{% for k in keys %}{{ k|key_url:route }}|{% endfor %}",
                       keys=values, route=route)

    def expected(route: str, values: list[object]) -> str:
        return "".join(reverse(route, args=[k]) + "|" for k in values)

    routable = [k for k in keys if k and "/" not in k]
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.extend([page("cases:detail", routable), page("cases:detail", routable),
                     page("screening:alert", [7, "12"])])
        return HttpResponse()

    RequestMemoMiddleware(view)(HttpRequest())
    assert seen[0] == seen[1] == expected("cases:detail", routable)
    assert "with%20space" in seen[0]
    # An integer route takes the plain path too: the text sentinel is refused, so each key
    # is reversed as `{% url %}` would.
    assert seen[2] == expected("screening:alert", [7, "12"])
    with pytest.raises(NoReverseMatch):
        page("cases:detail", ["x/y"])


@pytest.mark.parametrize("language", ["en", "mi"])
def test_choice_labels_are_the_display_methods(language: str) -> None:
    """`choice` prints `get_<field>_display()`, in the request's language, for every choice
    and for a value that is not one of them."""
    from tiaki.audit.models import AuditEvent

    with translation.override(language):
        for value in [*AuditEvent.Action.values, "not-a-choice"]:
            event = AuditEvent(action=value)
            assert (_render('{{ e|choice:"action" }}', e=event)
                    == _render("{{ e.get_action_display }}", e=event))
