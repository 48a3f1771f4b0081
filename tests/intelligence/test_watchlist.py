"""Watchlist from intelligence: nominated persons, documents and phones reach border
screening through screening's own import, with an expiry; the alert's entry says only that
it came from intelligence and leads back to the entity for those who may see it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils.module_loading import import_string

from tests.conftest import login, page_main
from tiaki.accounts.models import User
from tiaki.audit.models import AuditEvent
from tiaki.core.policy import Refused
from tiaki.intelligence import services, watchlist
from tiaki.intelligence.models import Report
from tiaki.scheduling.registry import JOBS
from tiaki.screening import services as screening
from tiaki.screening.models import Alert, WatchlistEntry
from tiaki.screening.services import watchlist_expire

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
        "nationality": "WSM"}, on=TODAY)
    alert = Alert.objects.get(source=Alert.Source.WATCHLIST)
    login(client, analysts["frontline"])
    page = page_main(client.get(f"/screening/alerts/{alert.pk}/"))
    assert "intelligence" in page and "intelligence-link" not in page
    assert "Orchard" not in page
    login(client, analysts["cleared"])
    assert "intelligence-link" in page_main(client.get(f"/screening/alerts/{alert.pk}/"))
    external = alert.watchlist_entry.external_id  # type: ignore[union-attr]
    followed = client.get(f"/intelligence/watchlist/{external}/")
    assert followed.status_code == 302 and suspect.ftm_id in followed["Location"]
    # An analyst without the report's caveat sees the alert but no way to the intelligence.
    login(client, analysts["uncleared"])
    page = page_main(client.get(f"/screening/alerts/{alert.pk}/"))
    assert "intelligence" in page and "intelligence-link" not in page
    assert client.get(f"/intelligence/watchlist/{external}/").status_code == 404


REX = {"given_name": "Rex", "family_name": "Sample", "date_of_birth": "1978-03-02",
       "nationality": "WSM"}


def _screen(user: User, on: dt.date) -> list[Alert]:
    return screening.record_screen(actor=user, kind="traveller", fields=REX, on=on).alerts


def test_lapsed_entry_is_ignored_then_taken_off_by_the_daily_job(
        analysts: dict[str, User], suspect: Any) -> None:
    nomination = watchlist.watchlist_nominate(
        actor=analysts["cleared"], entity=suspect, reason="Recruiter", today=TODAY,
        expires_on=TODAY + dt.timedelta(days=30))
    entry = WatchlistEntry.objects.get(list_name="intelligence")
    assert entry.expires_on == nomination.expires_on and entry.active
    # The last day in force still stops him; the day after it does not, though the job
    # has not run and the entry is still marked active.
    assert len(_screen(analysts["frontline"], TODAY + dt.timedelta(days=30))) == 1
    Alert.objects.all().delete()
    assert _screen(analysts["frontline"], TODAY + dt.timedelta(days=31)) == []
    entry.refresh_from_db()
    assert entry.active

    spec = JOBS["expire_watchlist_entries"]
    assert spec.daily_at is not None and callable(import_string(spec.task_path).call)
    before = AuditEvent.objects.filter(object_id="expiry").count()
    assert watchlist_expire(today=TODAY + dt.timedelta(days=30)) == {}
    entry.refresh_from_db()
    assert entry.active
    assert watchlist_expire(today=TODAY + dt.timedelta(days=31)) == {"intelligence": 1}
    entry.refresh_from_db()
    assert not entry.active
    # Nothing left to lapse: the run is still on the trail, with its counts.
    assert watchlist_expire(today=TODAY + dt.timedelta(days=32)) == {}
    runs = list(AuditEvent.objects.filter(object_id="expiry").order_by("pk"))[before:]
    assert [r.changes["expired"] for r in runs] == [0, 1, 0]
    assert runs[1].changes["by_list"] == {"intelligence": 1}


def test_withdraw_needs_a_reason_and_takes_the_entry_off(
        client: Client, analysts: dict[str, User], suspect: Any) -> None:
    cleared = analysts["cleared"]
    nomination = watchlist.watchlist_nominate(
        actor=cleared, entity=suspect, reason="Recruiter", today=TODAY,
        expires_on=TODAY + dt.timedelta(days=30))
    with pytest.raises(Refused, match="say why"):
        watchlist.watchlist_withdraw(actor=cleared, nomination=nomination, reason="  ",
                                     today=TODAY)
    with pytest.raises(Refused, match="only intelligence analysts"):
        watchlist.watchlist_withdraw(actor=analysts["frontline"], nomination=nomination,
                                     reason="x", today=TODAY)
    url = f"/intelligence/watchlist/{nomination.external_id}/withdraw/"
    login(client, analysts["uncleared"])
    assert client.post(url, {"reason": "not mine"}).status_code == 404
    login(client, cleared)
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and "Say why" in page_main(refused)
    assert WatchlistEntry.objects.get(list_name="intelligence").active
    done = client.post(url, {"reason": "Cleared by the investigation"})
    assert done.status_code == 302 and suspect.ftm_id in done["Location"]
    nomination.refresh_from_db()
    assert nomination.withdrawn_by == cleared
    assert nomination.withdrawal_reason == "Cleared by the investigation"
    assert not WatchlistEntry.objects.get(list_name="intelligence").active
    row = AuditEvent.objects.filter(object_type="intelligence.watchlistnomination",
                                    summary__contains="withdrawn").get()
    assert row.reason == "Cleared by the investigation" and row.actor_id == cleared.pk
    page = page_main(client.get(f"/intelligence/entities/{suspect.ftm_id}/"))
    assert "(withdrawn)" in page and "Cleared by the investigation" in page
    assert _screen(analysts["frontline"], TODAY) == []
