"""The screening app's watchlist index counts names on the watchlist and on the travellers who
arrived before the day (`checks.name_sample`, decision 0007), the same index for the batch
and the single-record path."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tiaki.screening import checks, services
from tiaki.screening.models import Traveller

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 3)


def _traveller(n: int, name: str, dob: str, created: dt.datetime) -> Traveller:
    return Traveller.objects.create(fingerprint=f"fp-{n}", full_name=name, date_of_birth=dob,
                                    document_number=f"N{n:07d}", created_at=created)


def test_the_sample_holds_names_of_travellers_before_the_day_only() -> None:
    yesterday = timezone.make_aware(dt.datetime(2026, 12, 2, 9, 0))
    _traveller(1, "Tran Ngoc Anh", "1961-03-14", yesterday)
    _traveller(2, "Kim Minjun", "1990-01-01", timezone.make_aware(dt.datetime(2026, 12, 3, 8)))
    sample = checks.name_sample(TODAY)
    assert [r["full_name"] for r in sample] == ["Tran Ngoc Anh"]
    assert set(sample[0]) == {"id", "full_name", "given_name", "family_name"}


def test_namesakes_seen_among_earlier_travellers_no_longer_alert(analyst: Any) -> None:
    services.watchlist_import(
        actor=analyst, file_name="w.csv", list_name="L", reason="r",
        data=b"id,full_name,date_of_birth\n1,Tran Ngoc Anh,1985-03-14\n2,Kim Min-jun,1979-11-02\n",
    )  # fmt: skip
    noon = timezone.make_aware(dt.datetime(2026, 12, 3, 12, 0))  # no wall clock in the test
    namesake = _traveller(50, "Tran Ngoc Anh", "1961-03-14", noon)
    screener, _ = checks.watchlist_screener(on=TODAY)
    assert screener is not None
    # The list alone: an identical full name outweighs a date of birth decades away.
    assert checks.watchlist_hits_one(namesake, on=TODAY)
    # Earlier travellers show the name is common; the same namesake no longer alerts on the
    # next day's index, through either path, and the listed person still does.
    earlier = timezone.make_aware(dt.datetime(2026, 12, 2, 9, 0))
    for n, (name, dob) in enumerate([("Tran Ngoc Anh", "1997-03-14"), ("Nguyen Ngoc Anh",
                                     "1990-01-01"), ("Le Ngoc Anh", "1991-02-02"),
                                     ("Tran Van An", "1992-03-03"), ("Tran Ngoc Anh",
                                     "2003-03-14"), ("Tran Thi Huong", "1993-04-04")]):
        _traveller(100 + n, name, dob, earlier)
    tomorrow = TODAY + dt.timedelta(days=1)
    assert checks.watchlist_hits_one(namesake, on=tomorrow) == []
    assert checks.watchlist_hits([namesake], on=tomorrow) == []
    person = _traveller(60, "Ngoc Anh Tran", "1985-03-14", noon)
    assert checks.watchlist_hits_one(person, on=tomorrow)
    assert checks.watchlist_hits([person], on=tomorrow)
