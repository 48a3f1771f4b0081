"""Watchlist from intelligence: nominated persons, documents and phones reach border
screening through screening's own import, with an expiry; the alert's entry says only that
it came from intelligence and leads back to the entity for those who may see it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from tests.conftest import login, page_main
from tiaki.accounts.models import User
from tiaki.core.policy import Refused
from tiaki.intelligence import services, watchlist
from tiaki.intelligence.models import Report
from tiaki.screening import services as screening
from tiaki.screening.models import Alert, WatchlistEntry

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 5, 4)


@pytest.fixture
def suspect(analysts: dict[str, User], report: Report) -> Any:
    return services.entity_add(actor=analysts["cleared"], report=report, schema="Person",
                               properties={"name": "Rex Sample", "firstName": "Rex",
                                           "lastName": "Sample", "birthDate": "1978-03-02",
                                           "nationality": "ws", "phone": "+64 21 555 0101"})


def test_nomination_feeds_screening_and_expires(analysts: dict[str, User],
                                                suspect: Any, report: Report) -> None:
    actor = analysts["cleared"]
    with pytest.raises(Refused, match="after today"):
        watchlist.watchlist_nominate(actor=actor, entity=suspect, reason="x",
                                     expires_on=TODAY, today=TODAY)
    with pytest.raises(Refused, match="within 365 days"):
        watchlist.watchlist_nominate(actor=actor, entity=suspect, reason="x",
                                     expires_on=TODAY + dt.timedelta(days=400), today=TODAY)
    with pytest.raises(Refused, match="only intelligence analysts"):
        watchlist.watchlist_nominate(actor=analysts["frontline"], entity=suspect, reason="x",
                                     expires_on=TODAY + dt.timedelta(days=30), today=TODAY)
    nomination = watchlist.watchlist_nominate(
        actor=actor, entity=suspect, reason="Recruiter holding passports",
        expires_on=TODAY + dt.timedelta(days=30), today=TODAY)
    passport = services.entity_add(actor=actor, report=report, schema="Passport",
                                   properties={"number": "WS123456", "country": "ws",
                                               "holder": suspect.ftm_id})
    watchlist.watchlist_nominate(actor=actor, entity=passport, reason="His passport",
                                 expires_on=TODAY + dt.timedelta(days=90), today=TODAY)
    entries = {e.external_id: e for e in WatchlistEntry.objects.filter(list_name="intelligence")}
    entry = entries[nomination.external_id]
    assert (entry.full_name, entry.date_of_birth, entry.nationality, entry.phone) == (
        "Rex Sample", "1978-03-02", "WSM", "+64215550101")
    assert report.reference not in entry.reason and "intelligence" in entry.reason
    doc = entries[f"INT-{nomination.pk + 1}"]
    assert (doc.document_number, doc.document_country, doc.full_name) == (
        "WS123456", "WSM", "Rex Sample")
    # Past the first expiry the rebuilt list keeps the entry, inactive.
    watchlist.watchlist_sync(actor=actor, today=TODAY + dt.timedelta(days=31))
    entry.refresh_from_db()
    doc.refresh_from_db()
    assert (entry.active, doc.active) == (False, True)


def test_alert_links_back_only_for_those_who_may_see(client: Client,
                                                     analysts: dict[str, User],
                                                     suspect: Any) -> None:
    watchlist.watchlist_nominate(actor=analysts["cleared"], entity=suspect,
                                 reason="Recruiter", today=TODAY,
                                 expires_on=TODAY + dt.timedelta(days=30))
    screening.record_screen(actor=analysts["frontline"], kind="traveller", fields={
        "given_name": "Rex", "family_name": "Sample", "date_of_birth": "1978-03-02",
        "nationality": "WSM"})
    alert = Alert.objects.get(source=Alert.Source.WATCHLIST)
    login(client, analysts["frontline"])
    page = page_main(client.get(f"/screening/alerts/{alert.pk}/"))
    assert "intelligence" in page and "intelligence-link" not in page
    assert "Orchard" not in page
    login(client, analysts["cleared"])
    external = alert.watchlist_entry.external_id  # type: ignore[union-attr]
    followed = client.get(f"/intelligence/watchlist/{external}/")
    assert followed.status_code == 302 and suspect.ftm_id in followed["Location"]
    login(client, analysts["uncleared"])
    assert client.get(f"/intelligence/watchlist/{external}/").status_code == 404
