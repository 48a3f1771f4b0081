"""Issue 5's browser check: an analyst writes, previews and publishes a risk profile; a PAXLST
upload raises an alert; a Customs officer reports it as suspected trafficking."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.screening.conftest import PAXLST_AKL
from tiaki.accounts.models import User
from tiaki.accounts.roles import Role
from tiaki.core.models import Notification
from tiaki.screening import services
from tiaki.screening.models import Alert, Disposition, RiskProfileVersion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _sign_in(page: Any, base: str, path: str, user: User) -> None:
    page.goto(f"{base}{path}")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Six-digit code").fill(_code(user))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base}{path}")


def test_profile_to_alert_to_trafficking_report(page: Any, live_server: Any, tmp_path: Path,
                                                make_user: Any, personas: Any) -> None:
    analyst = make_user("analyst", "CUSTOMS", [Role.INTELLIGENCE_ANALYST])
    officer = make_user("officer", "CUSTOMS", [Role.FRONTLINE])
    # Last month's data for the preview: one Thai minor who arrived before the profile.
    services.ingest_file(actor=None, file_name="earlier.csv", data=(
        b"family_name,given_names,date_of_birth,nationality,arrival_port\n"
        b"Lek,Somchai,2009-01-01,THA,AKL\nTui,Aroha,1990-02-03,NZL,AKL\n"))
    base = live_server.url

    _sign_in(page, base, "/screening/profiles/", analyst)
    page.get_by_role("textbox", name="Name", exact=True).fill("Young Thai nationals")
    page.get_by_role("textbox", name="Rule").fill('nationality == "THA" and age < 21')
    page.get_by_role("button", name="Save as draft").click()
    page.get_by_role("heading", name="Risk profile: Young Thai nationals").wait_for()
    page.get_by_role("button", name="Preview on last month's records").click()
    result = page.locator("#preview-result")
    assert "would hit 1 of the 2 records" in result.inner_text()
    assert "Somchai" in page.get_by_role("table", name="Records it would hit").inner_text()
    page.get_by_label("Test record").fill("17-year-old Thai national")
    page.get_by_label("Facts").fill("nationality: THA\nage: 17")
    page.get_by_role("radio", name="Must hit", exact=True).check()
    page.get_by_role("button", name="Add test record").click()
    page.get_by_text("Test record added.").wait_for()
    page.get_by_role("button", name="Publish version 1").click()
    page.get_by_text("Version 1 published").wait_for()
    version = RiskProfileVersion.objects.get()
    assert version.status == RiskProfileVersion.Status.PUBLISHED
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for()  # signed out before going on

    _sign_in(page, base, "/screening/ingest/", officer)
    edi = tmp_path / "TA101-AKL.edi"
    edi.write_text(PAXLST_AKL, encoding="utf-8")
    page.get_by_label("Passenger list or visa applications").set_input_files(str(edi))
    page.get_by_role("button", name="Ingest and screen").click()
    page.get_by_role("heading", name="TA101-AKL.edi").wait_for()
    page.get_by_text("1 alert raised").wait_for()
    alert = Alert.objects.get()
    assert alert.profile_version == version and alert.post.code == "AKL"

    page.get_by_role("link", name="Border alerts").click()
    page.get_by_role("link", name="Auckland International Airport").click()
    page.get_by_role("link", name="JANE DOE").click()
    assert "Young Thai nationals v1" in page.locator("main").inner_text()
    page.get_by_label("Suspected trafficking reported").check()
    page.get_by_label("Note").fill("Travelling with an older man who holds her passport")
    page.get_by_role("button", name="Record disposition").click()
    # The report goes to Police and MBIE investigators and a frontline screening opens.
    page.get_by_role("heading",
                     name="Screen a person against the indicators and the legal test").wait_for()
    assert "/intake/screening/new/" in page.url
    page.get_by_text("Frontline screening opened").wait_for()
    disposition = Disposition.objects.get()
    assert disposition.outcome == Disposition.Outcome.TRAFFICKING
    assert disposition.officer == officer
    assert Notification.objects.filter(
        recipient=personas["police"], subject__contains="suspected trafficking at the border",
    ).exists()
