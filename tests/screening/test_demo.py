"""The demo loader's screening data raises one alert of each kind, and runs again cleanly."""

from __future__ import annotations

from typing import Any

import pytest

from tiaki.accounts.roles import Role
from tiaki.screening.demo import demo_screening
from tiaki.screening.models import Alert, Traveller

pytestmark = pytest.mark.django_db


def test_demo_screening_data(make_user: Any) -> None:
    users = {"analyst": make_user("analyst", "MBIE", [Role.INTELLIGENCE_ANALYST]),
             "customs": make_user("customs", "CUSTOMS", [Role.FRONTLINE])}
    assert demo_screening(users) == Alert.objects.count()
    assert Traveller.objects.count() == 3
    kinds = set(Alert.objects.values_list("source", flat=True))
    assert kinds == {"watchlist", "lost_document", "profile"}
    assert set(Alert.objects.values_list("post__code", flat=True)) == {"AKL"}
    before = Alert.objects.count()
    demo_screening(users)
    assert Alert.objects.count() == before and Traveller.objects.count() == 3
