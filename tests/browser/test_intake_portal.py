"""Issue 3's check: a member of the public files a report in Samoan, receives a receipt, a
Police triager replies, the reporter reads the reply and adds a detail with the receipt
code. Then every table and the captured logs are scanned for network identifiers."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from django.core.cache import cache
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import MakeUser
from tests.intake.conftest import DOTTED_QUAD, IPV6_LOOPBACK, every_stored_value
from tiaki.accounts.models import Agency, User
from tiaki.accounts.roles import Role
from tiaki.intake import pow
from tiaki.intake.models import Report, ReportMessage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def _code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_samoan_report_reply_and_follow_up(browser: Any, live_server: Any, settings: Any,
                                           agencies: dict[str, Agency], make_user: MakeUser,
                                           caplog: Any, capfd: Any) -> None:
    settings.TIAKI_POW_BITS = 10
    cache.clear()
    caplog.set_level(logging.DEBUG)
    police = make_user("pol_triage", "POLICE", [Role.INVESTIGATOR])

    # --- a member of the public, in Samoan
    public = browser.new_context(locale="sm")
    reporter = public.new_page()
    reporter.set_default_timeout(20000)
    user_agent = reporter.evaluate("navigator.userAgent")
    reporter.goto(f"{live_server.url}/report/?lang=sm")
    assert reporter.locator("html").get_attribute("lang") == "sm"
    assert reporter.locator("[data-unreviewed=sm]").is_visible()
    reporter.get_by_label("O le a le mea na e va'aia pe fa'alogo i ai?").fill(
        "E toafa tagata faigaluega e moe i le fale teu oloa; ua taofia e le pule o latou "
        "tusi folau.")
    reporter.get_by_label("Itulagi").select_option("auckland")
    reporter.get_by_label("Nofoaga (taulaga, auala, igoa o le pisinisi po'o le tuatusi)").fill(
        "Fale teu oloa i Otahuhu")
    reporter.get_by_label("Ituaiga galuega").select_option("construction")
    reporter.get_by_role("button", name="Lafo le lipoti").click()
    reporter.locator("#receipt-code").wait_for()
    receipt = reporter.locator("#receipt-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){4}", receipt)
    assert "Fa'afetai" in reporter.locator("h1").inner_text()
    report = Report.objects.get()
    assert report.language == "sm"

    # --- a Police triager signs in (both factors) and replies through the receipt
    staff_context = browser.new_context(locale="en-NZ")
    staff = staff_context.new_page()
    staff.set_default_timeout(20000)
    staff.goto(f"{live_server.url}/intake/triage/")
    staff.get_by_label("Username").fill(police.username)
    staff.get_by_label("Password").fill("correct horse battery staple")
    staff.get_by_role("button", name="Sign in").click()
    staff.get_by_label("Six-digit code").fill(_code(police))
    staff.get_by_role("button", name="Continue").click()
    staff.wait_for_url(f"{live_server.url}/intake/triage/")
    staff.get_by_role("link", name=report.reference).click()
    assert "tusi folau" in staff.locator("dl.meta").inner_text()
    staff.get_by_label("Your message").fill("Fa'afetai. O le a le igoa o le pule?")
    staff.get_by_role("button", name="Send").click()
    staff.get_by_text("Reply sent").wait_for()

    # --- the reporter comes back with the receipt code, reads the reply, adds a detail
    reporter.goto(f"{live_server.url}/report/follow-up/?lang=sm")
    reporter.get_by_label("Numera o le lisiti").fill(receipt)
    reporter.get_by_role("button", name="Tatala la'u lipoti").click()
    reporter.locator("#thread").wait_for()
    assert "O le a le igoa o le pule?" in reporter.locator("#thread").inner_text()
    reporter.get_by_label("Lau fe'au").fill("O le igoa o le pule o Tavita. Ta'avale XYZ789.")
    reporter.get_by_role("button", name="Lafo", exact=True).click()
    reporter.locator("#notice").wait_for()
    assert "Ua fa'aopoopo" in reporter.locator("#notice").inner_text()
    assert "Tavita" in reporter.locator("#thread").inner_text()
    detail = ReportMessage.objects.get(direction="from_reporter")
    assert detail.report_id == report.pk and "XYZ789" in detail.body
    public.close()
    staff_context.close()

    # --- no network identifier anywhere: every table, every captured log line
    values = every_stored_value()
    assert any("Tavita" in text for _, text in values)  # the scan does see the data
    for table, text in values:
        assert not DOTTED_QUAD.search(text), (table, text[:200])
        assert not IPV6_LOOPBACK.search(text), (table, text[:200])
        assert user_agent not in text and "HeadlessChrome" not in text, (table, text[:200])
    captured = capfd.readouterr()
    log_text = "\n".join([captured.out, captured.err,
                          *(record.getMessage() for record in caplog.records),
                          *(str(record.__dict__) for record in caplog.records)])
    assert not DOTTED_QUAD.search(log_text), DOTTED_QUAD.search(log_text)
    assert "::1" not in log_text
    assert user_agent not in log_text and "HeadlessChrome" not in log_text


def test_report_without_javascript(browser: Any, live_server: Any, settings: Any,
                                   agencies: dict[str, Agency],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """No script: the form still works once the page has been open long enough."""
    settings.TIAKI_POW_WAIT_SECONDS = 2
    cache.clear()
    # The live server runs in this process, so the challenge clock is the test's: time moves
    # only when the test says, however loaded the machine is.
    now = [1_900_000_000.0]
    monkeypatch.setattr(pow, "clock", lambda: now[0])
    context = browser.new_context(java_script_enabled=False, locale="en-NZ")
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(f"{live_server.url}/report/")
    assert "wait 2 seconds" in page.get_by_text("If your browser does not run scripts").inner_text()
    page.get_by_label("What did you see or hear?").fill("Cook says he cannot leave the kitchen.")
    page.get_by_role("button", name="Send report").click()
    page.get_by_text("Please wait 2 seconds").wait_for()  # too soon: the same form comes back
    now[0] += 2.5
    page.get_by_role("button", name="Send report").click()
    page.locator("#receipt-code").wait_for()
    assert Report.objects.get().what_seen.startswith("Cook says")
    context.close()
