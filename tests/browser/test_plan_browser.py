"""A Customs official signs in with both factors and records progress on a Customs item."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiaki.accounts.models import User
from tiaki.plan.models import Plan, ProgressUpdate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_customs_records_an_update(page: Any, live_server: Any, nz_plan: Plan,
                                   personas: dict[str, User]) -> None:
    customs = personas["customs"]
    page.goto(f"{live_server.url}/plan/")
    page.get_by_label("Username").fill(customs.username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Six-digit code").fill(_code(customs))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/plan/")
    assert page.locator("tr[data-item]").count() == 28
    page.get_by_role("link", name="My agency's items").click()
    page.get_by_role("link", name="10", exact=True).click()
    page.get_by_label("Status").select_option("in_progress")
    page.get_by_label("What was done").fill("Targeting profile redrafted with Police input")
    page.get_by_role("button", name="Record progress").click()
    page.get_by_text("Progress on item 10 recorded.").wait_for()
    assert "Targeting profile redrafted" in page.locator("#history").inner_text()
    update = ProgressUpdate.objects.get(item__number=10)
    assert update.agency.code == "CUSTOMS" and update.author == customs
    # Item 3 is DoL's: the page offers no form to Customs.
    page.goto(f"{live_server.url}/plan/items/3/")
    assert page.locator("#progress-form").count() == 0
