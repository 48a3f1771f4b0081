"""Every page and API read costs the same number of queries however many rows there are.

An N+1 (one query per listed row) is invisible at demo size and costs seconds at a country's
(issue 16: `/api/cases/` made 509 queries a request). This test reads every GET route of the
URLconf and every GET operation of the API schema — the same inventory, parameters and role
declarations as the authorisation matrix, so a route added later is covered the day it is
added — once on the demo data, then again after the benchmark generator's bulk paths have
added several times as many cases, referrals, events, alerts, reports and audit rows, and
requires the two query counts to be equal.

Each route is read by the first persona who is declared allowed and gets a 200, trying first
those who see most of the generated rows; routes nobody reads with a 200 on the demo data
(object pages for rows the demo does not hold) are not counted here. Object pages keep
naming the same first row, so this proves constancy in the size of the tables, not in the
number of rows hanging off one object.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import login
from tests.security.test_authorisation_matrix import (
    API,
    PAGES,
    PUBLIC,
    Route,
    _fill,
    _schema_operations,
    page_routes,
)
from tiaki.accounts.models import User

pytestmark = pytest.mark.django_db

# Pages whose work grows with the data by design, each with the reason.
GROWS_BY_DESIGN: dict[str, str] = {
    # Static files are served by Django only in demo mode and touch no table.
    "^static/(?P<path>.*)$": "not a database read",
}



def _grow(users: dict[str, User]) -> dict[str, int]:
    """Add several times the demo's rows through the benchmark generator's bulk paths."""
    from bench.generate import (
        Generated,
        Sizes,
        _Clock,
        generate_alerts,
        generate_audit,
        generate_cases,
        generate_reports,
    )

    sizes = Sizes(cases=60, audit=600, alerts=60, reports=30, watchlist=10, years=2, seed=7,
                  until=dt.date(2026, 11, 1))
    clock = _Clock(sizes.until or dt.date(2026, 11, 1), sizes.years, random.Random(sizes.seed))
    out = Generated()
    index = generate_cases(sizes, clock, users, out, True)
    generate_alerts(sizes, clock, users, out, True)
    generate_reports(sizes, clock, users, out, True)
    generate_audit(sizes, clock, users, index, out, True)
    return dict(out.counts)


def _reads(users: dict[str, User]) -> list[tuple[str, Route, str]]:
    """(label, declaration, url) for every GET route and GET operation."""
    found: list[tuple[str, Route, str]] = []
    for name, pattern in page_routes().items():
        if name in GROWS_BY_DESIGN:
            continue
        route = PAGES[name]
        kwargs = _fill(route, params=list(pattern.pattern.regex.groupindex))
        found.append((name, route, reverse(name, kwargs=kwargs)))
    for op_id, (method, path, params) in _schema_operations(Client()).items():
        if method != "get":
            continue
        route = API[op_id]
        kwargs = _fill(route, params=params)
        url = re.sub(r"{(\w+)}", lambda m, kw=kwargs: str(kw[m.group(1)]), path)
        if "?" in dict(route.extra):
            url += "?" + dict(route.extra)["?"]
        found.append((op_id, route, url))
    return found


# Personas who see the most of what the generator adds (Police cases, border alerts, public
# reports routed to Police), tried first so a list is measured with rows in it.
SEES_MOST = ("senior", "investigator", "border", "analyst", "casemanager", "secretariat",
             "auditor", "platform")


def _readers(route: Route, users: dict[str, User]) -> list[User | None]:
    if route.roles == PUBLIC:
        return [None]
    assert isinstance(route.roles, frozenset)
    roles = route.roles
    order = [*SEES_MOST, *sorted(set(users) - set(SEES_MOST))]
    return [users[name] for name in order if users[name].role_codes() & roles]


def _count(client: Client, url: str) -> tuple[int, int]:
    # The query log is a bounded deque: once full, CaptureQueriesContext counts nothing.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)  # type: ignore[arg-type]
    return response.status_code, len(queries)


def _measure(reads: list[tuple[str, Route, str]], users: dict[str, User],
             chosen: dict[str, User | None] | None) -> tuple[dict[str, int],
                                                              dict[str, User | None]]:
    clients: dict[str, Client] = {}

    def client_for(user: User | None) -> Client:
        key = user.username if user else ""
        if key not in clients:
            clients[key] = Client()
            if user is not None:
                login(clients[key], user)
        return clients[key]

    counts: dict[str, int] = {}
    picked: dict[str, User | None] = {}
    for label, route, url in reads:
        candidates = [chosen[label]] if chosen is not None else _readers(route, users)
        for user in candidates:
            client = client_for(user)
            _count(client, url)  # warm: first reads fill per-process caches
            status, n = _count(client, url)
            if status == 200:
                counts[label] = n
                picked[label] = user
                break
    return counts, picked


def test_query_count_of_every_read_is_constant_in_the_number_of_rows(
        settings: Any, field_keys: None) -> None:
    settings.TIAKI_DEMO = True
    settings.TIAKI_POW_BITS = 4
    from tiaki.demo.orchestrate import load_demo

    users = {u.username: u for _, u in load_demo()}
    reads = _reads(users)
    before, picked = _measure(reads, users, None)
    # Enough routes are measured that a broken fill (every route 404) cannot pass quietly.
    assert len(before) >= 0.6 * len(reads), sorted({lbl for lbl, _, _ in reads} - set(before))

    grown = _grow(users)
    assert grown["audit rows"] == 600
    measured = [(label, route, url) for label, route, url in reads if label in picked]
    after, _ = _measure(measured, users, picked)

    changed = {label: (before[label], after.get(label)) for label in before
               if after.get(label) != before[label]}
    assert not changed, "queries per request changed with the number of rows " \
        "(before, after): " + "; ".join(f"{k} {v}" for k, v in sorted(changed.items()))
