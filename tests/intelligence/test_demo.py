"""The demo's intelligence hand-offs can be acted on by the persona they wait for: the
senior officer opens the package awaiting approval and may decide it; the analyst opens the
contractor with his border watchlist nomination and may withdraw it; a border officer's
alert on it leads back only for a persona cleared for the report."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.conftest import login, page_main
from tiaki.accounts.loader import agencies_load
from tiaki.accounts.models import User
from tiaki.demo.personas import demo_users
from tiaki.intelligence.demo import PACKAGE_PURPOSE, demo_intelligence
from tiaki.intelligence.models import SharingPackage, WatchlistNomination
from tiaki.screening import services as screening
from tiaki.screening.models import Alert

pytestmark = pytest.mark.django_db


@pytest.fixture
def personas() -> dict[str, User]:
    agencies_load(path=settings.TIAKI_DATA_DIR / "nz" / "agencies.yaml")
    users = {u.username: u for _, u in demo_users()}
    assert demo_intelligence(users) is not None
    return users


def test_senior_officer_can_decide_the_waiting_package(client: Client,
                                                       personas: dict[str, User]) -> None:
    package = SharingPackage.objects.get(purpose=PACKAGE_PURPOSE)
    assert package.status == SharingPackage.Status.PENDING
    login(client, personas["senior"])
    listed = page_main(client.get("/intelligence/sharing/"))
    assert package.reference in listed
    page = page_main(client.get(f"/intelligence/sharing/{package.reference}/"))
    assert 'id="decide"' in page
    decided = client.post(f"/intelligence/sharing/{package.reference}/decide/",
                          {"decision": "approve", "note": "Necessary and proportionate"})
    assert decided.status_code == 302
    package.refresh_from_db()
    assert package.status == SharingPackage.Status.APPROVED


def test_analyst_can_withdraw_the_nomination_and_alerts_lead_back(
        client: Client, personas: dict[str, User]) -> None:
    nomination = WatchlistNomination.objects.get()
    assert nomination.expires_on > timezone.localdate()
    screening.record_screen(actor=personas["border"], kind="traveller", on=timezone.localdate(),
                            fields={"given_name": "Boss", "family_name": "Example",
                                    "date_of_birth": "1975-06-14", "nationality": "NZL"})
    alert = Alert.objects.get(watchlist_entry__list_name="intelligence")
    login(client, personas["analyst"])
    assert "intelligence-link" in page_main(client.get(f"/screening/alerts/{alert.pk}/"))
    login(client, personas["customs_analyst"])
    assert "intelligence-link" not in page_main(client.get(f"/screening/alerts/{alert.pk}/"))
    login(client, personas["analyst"])
    page = page_main(client.get(f"/intelligence/entities/{nomination.entity.ftm_id}/"))
    assert nomination.external_id in page and f"withdraw-{nomination.pk}" in page
    done = client.post(f"/intelligence/watchlist/{nomination.external_id}/withdraw/",
                       {"reason": "Reviewed: passports returned"})
    assert done.status_code == 302
    nomination.refresh_from_db()
    assert nomination.withdrawn_at is not None
