"""The count of services received by closed cases (``cases.metrics.services_counted``).

On PostgreSQL it is counted in the database; elsewhere in Python. Both count a case once
under each service it names, however often the list names it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.cases.conftest import open_case
from tiaki.accounts.models import User
from tiaki.cases.metrics import services_counted
from tiaki.cases.models import VictimCase
from tiaki.plan.metrics import Period

pytestmark = pytest.mark.django_db


def test_each_case_counts_once_under_each_service_it_received(team: dict[str, User]) -> None:
    now = timezone.now()
    received: list[object] = [
        ["health", "housing"], ["health", "housing"], ["housing"],
        ["health", "health", "interpreter"],  # named twice: counted once
        [],
        ["interpreter"],
    ]
    for services in received:
        case = open_case(team["investigator"])
        VictimCase.objects.filter(pk=case.pk).update(
            closed_at=now - dt.timedelta(days=1), services_received=services)
    # Closed before the period, and still open: not counted.
    for closed_at in (now - dt.timedelta(days=400), None):
        case = open_case(team["investigator"])
        VictimCase.objects.filter(pk=case.pk).update(closed_at=closed_at,
                                                     services_received=["health"])
    period = Period(timezone.localdate() - dt.timedelta(days=30),
                    timezone.localdate() + dt.timedelta(days=1))
    assert services_counted(period) == {"health": 3, "housing": 3, "interpreter": 2}
