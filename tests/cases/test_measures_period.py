"""The case measures count a period of local days, both ends included, in one query per model.

Issue 16: the measures page scanned every row through a ``__date`` cast (28 queries, a count
in Python). The period is now half-open in local time, so a certificate endorsed at 23:30 on
the last day counts and one at 00:10 the next day does not, whatever the database's zone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.cases.conftest import certify, open_case
from tiaki.accounts.models import User
from tiaki.cases import selectors
from tiaki.cases.models import Certification

pytestmark = pytest.mark.django_db
Team = dict[str, User]


def _local(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def test_last_day_is_included_and_the_next_is_not(team: Team) -> None:
    day = dt.date(2026, 6, 30)
    late, next_morning = certify(open_case(team["investigator"]), team), certify(
        open_case(team["investigator"]), team)
    Certification.objects.filter(pk=late.pk).update(decided_at=_local(day, 23, 30))
    Certification.objects.filter(pk=next_morning.pk).update(
        decided_at=_local(day + dt.timedelta(days=1), 0, 10))
    june = selectors.period_from("2026-06-01", "2026-06-30")
    assert selectors.last_day(june) == day
    assert selectors.certification_counts(june)["issued"] == 1
    july = selectors.period_from("2026-07-01", "2026-07-31")
    assert selectors.certification_counts(july)["issued"] == 1


def test_reversed_dates_are_swapped_and_bad_dates_fall_back_to_the_year(team: Team) -> None:
    period = selectors.period_from("2026-06-30", "2026-06-01")
    assert (period.start, selectors.last_day(period)) == (dt.date(2026, 6, 1),
                                                           dt.date(2026, 6, 30))
    fallback = selectors.period_from("not a date", None)
    assert fallback.start == timezone.localdate().replace(month=1, day=1)


def test_measures_take_the_same_queries_whatever_the_rows(team: Team) -> None:
    period = selectors.period_from(None, None)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            selectors.measures(period)
            selectors.services_received(period)
        return len(captured)

    before = queries()
    for _ in range(3):
        certify(open_case(team["investigator"]), team)
    assert queries() == before <= 10


def test_case_list_api_takes_the_same_queries_whatever_the_rows(client: Any, team: Team) -> None:
    from tiaki.accounts.models import ApiToken

    _, raw = ApiToken.issue(user=team["investigator"], name="query count")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    certify(open_case(team["investigator"]), team)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            body = client.get("/api/cases/", **headers).json()
        return len(captured), len(body)

    queries()  # the token's first use is recorded once; measure the requests after it
    few, listed = queries()
    for _ in range(4):
        certify(open_case(team["investigator"]), team)
    many, listed_after = queries()
    assert listed_after == listed + 4
    assert many == few
