"""End to end (issue 4): referral → case → certification requested and endorsed → services
accepted by six agencies' users → repatriation after assessment → MFAT task → closure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import MakeUser
from tiaki.accounts.models import User
from tiaki.accounts.roles import Role
from tiaki.audit.models import AuditEvent
from tiaki.cases import services
from tiaki.cases.models import Certification, Referral, Repatriation, VictimCase
from tiaki.core import crypto

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"
PROVIDERS = {  # service -> (agency, username)
    "health": ("HEALTH_NZ", "nurse"),
    "acc_rehabilitation": ("ACC", "acc_case"),
    "housing": ("KAINGA_ORA", "housing"),
    "msd_case_management": ("MSD", "msd_case"),
    "interpreter": ("MOJ", "moj_interp"),
    "immigration_status": ("MBIE", "inz_officer"),
}


@pytest.fixture(autouse=True)
def _field_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(crypto.ENV_VAR, Fernet.generate_key().decode())
    crypto.reset_keys()
    yield
    crypto.reset_keys()


def _code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _sign_in(page: Any, live_server: Any, user: User, path: str) -> Any:
    """Sign in with both factors (each person signs in once: TOTP codes cannot be replayed)."""
    page.goto(f"{live_server.url}{path}")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Six-digit code").fill(_code(user))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}{path}")
    return page


def _new_page(browser: Any) -> Any:
    page = browser.new_context(locale="en-NZ").new_page()
    page.set_default_timeout(15000)
    return page


def test_victim_case_end_to_end(page: Any, browser: Any, live_server: Any,
                                make_user: MakeUser) -> None:
    investigator = make_user("det_aroha", "POLICE", [Role.INVESTIGATOR])
    senior = make_user("insp_wiremu", "POLICE", [Role.SENIOR_OFFICER])
    mfat = make_user("mfat_desk", "MFAT", [Role.SERVICE_PROVIDER])
    providers = {service: make_user(name, agency, [Role.SERVICE_PROVIDER])
                 for service, (agency, name) in PROVIDERS.items()}

    # 1. The investigator opens a case from a referral (report R-2026-0042).
    police = _sign_in(page, live_server, investigator, "/cases/")
    police.get_by_role("link", name="Open a case").click()
    police.get_by_label("Given names").fill("Analyn Marisol")
    police.get_by_label("Family name").fill("Quisumbing-Tavita")
    police.get_by_label("Document number").fill("P9X4417203")
    police.get_by_label("Current address").fill("17 Kowhai Street, Otahuhu")
    police.get_by_label("Age in years").fill("29")
    police.get_by_label("Nationality").fill("Philippines")
    police.get_by_label("Languages").fill("Tagalog, English")
    police.get_by_label("Needs an interpreter").check()
    police.get_by_label("Forced labour").first.check()
    police.get_by_label("Withholds documents").check()
    police.get_by_label("Report reference").fill("R-2026-0042")
    police.get_by_role("button", name="Open case").click()
    police.get_by_text("opened.").wait_for()
    case = VictimCase.objects.get()
    assert police.get_by_role("heading", name=f"Case {case.reference}").is_visible()
    assert "Quisumbing" not in police.content()  # pseudonymous by default

    # 2. Certification requested with the s98D assessment...
    police.get_by_role("link", name="Request certification").click()
    police.get_by_label("Recruitment", exact=True).check()
    police.get_by_label("Act: evidence").fill("Recruited online for orchard work.")
    police.get_by_label("Deception", exact=True).check()
    police.get_by_label("Means: evidence").fill("Promised pay never paid; passport held.")
    police.get_by_label("Forced labour or services").check()
    police.get_by_label("Purpose: evidence").fill("14-hour days, unable to leave.")
    police.get_by_role("button", name="Request certification").click()
    police.get_by_text("requested.").wait_for()
    cert = Certification.objects.get()
    assert police.get_by_role("button", name="Endorse and issue").count() == 0

    # ...and endorsed by a different, senior officer.
    # Others use a second browser, signing out between people.
    other = _new_page(browser)
    inspector = _sign_in(other, live_server, senior,
                         f"/cases/certifications/{cert.reference}/")
    inspector.get_by_label("Note").fill("Evidence and statement reviewed.")
    inspector.get_by_role("button", name="Endorse and issue").click()
    inspector.get_by_text(f"Certification {cert.reference} issued.").wait_for()
    assert inspector.locator("#cert-status").inner_text() == "Issued"
    cert.refresh_from_db()
    assert cert.endorsed_by == senior

    # 3. Consent, then six referrals (one through the page, five set up by the service).
    for service in [*PROVIDERS, "country_of_origin_liaison"]:
        services.consent_record(case=case, actor=investigator, purpose=service, granted=True,
                                how_obtained="in person, with an interpreter")
    police.goto(f"{live_server.url}/cases/{case.reference}/")
    police.get_by_label("Service and agency").select_option("interpreter:MOJ")
    police.get_by_label("Appointment").fill("Mon 9am, Napier Police station")
    police.get_by_role("button", name="Refer", exact=True).click()
    police.get_by_text("Referred to MoJ.").wait_for()
    for service, (agency, _) in PROVIDERS.items():
        if service != "interpreter":
            services.referral_create(case=case, actor=investigator, service=service,
                                     agency_code=agency, appointment="Tue 2pm")

    # Each agency's user accepts its referral in the browser, seeing only its fields.
    for service, user in providers.items():
        other.get_by_role("button", name="Sign out").click()
        provider = _sign_in(other, live_server, user, "/cases/referrals/")
        provider.locator(f'tr[data-referral="{service}"] a').click()
        shared = provider.locator("#shared").inner_text()
        assert case.reference in shared
        if service == "interpreter":
            assert "Tagalog" in shared and "Mon 9am" in shared
            assert "Analyn" not in shared and "Forced labour" not in shared
        provider.get_by_role("button", name="Accept").click()
        provider.get_by_text("Referral updated.").wait_for()
        assert provider.locator("#referral-status").inner_text() == "Accepted"
    accepted = Referral.objects.filter(status=Referral.Status.ACCEPTED)
    assert accepted.count() == 6 and len({r.agency_id for r in accepted}) == 6

    # 4. Humanitarian assessment, then repatriation, which tasks MFAT.
    police.goto(f"{live_server.url}/cases/{case.reference}/")
    police.locator("summary", has_text="Humanitarian assessment").click()
    police.get_by_label("The victim wishes to return home").check()
    police.get_by_label("It is safe to return").check()
    police.get_by_label("Humanitarian and compassionate considerations").fill(
        "Family support at home; wants to return.")
    police.get_by_label("Recommendation").select_option("return")
    police.get_by_role("button", name="Record assessment").click()
    police.get_by_text("Humanitarian assessment recorded.").wait_for()
    police.locator("summary", has_text="Plan repatriation").click()
    police.get_by_label("Country of return").fill("Philippines")
    travel = timezone.localdate() + dt.timedelta(days=10)
    police.get_by_label("Travel date").fill(travel.isoformat())
    police.get_by_role("button", name="Plan repatriation").click()
    police.get_by_text("MFAT has been tasked").wait_for()
    trip = Repatriation.objects.get()
    assert trip.mfat_task is not None

    # 5. MFAT sees the task and completes it.
    other.get_by_role("button", name="Sign out").click()
    desk = _sign_in(other, live_server, mfat, "/cases/referrals/")
    desk.locator('tr[data-referral="country_of_origin_liaison"] a').click()
    assert "Philippines" in desk.locator("#shared").inner_text()
    desk.get_by_role("button", name="Accept").click()
    desk.get_by_text("Referral updated.").wait_for()
    desk.get_by_label("Outcome or reason").fill("Embassy in Wellington notified.")
    desk.get_by_role("button", name="Complete").click()
    desk.get_by_text("Referral updated.").wait_for()
    assert desk.locator("#referral-status").inner_text() == "Completed"

    # 6. Services complete; the case is closed with its outcome.
    for service, user in providers.items():
        referral = Referral.objects.get(service=service)
        services.referral_respond(referral=referral, actor=user, step="complete",
                                  outcome="Service delivered")
    services.repatriation_complete(repatriation=trip, actor=investigator)
    police.goto(f"{live_server.url}/cases/{case.reference}/")
    police.get_by_label("Reason for closing").select_option("returned_home")
    police.get_by_label("Outcome", exact=True).fill("Returned home with IOM reception.")
    police.get_by_role("button", name="Close case").click()
    police.get_by_text(f"Case {case.reference} closed.").wait_for()
    case.refresh_from_db()
    assert case.is_closed and len(case.services_received) == 7
    assert "Returned home with IOM reception." in police.content()
    # Every receiver's read of the shared fields was audited.
    readers = set(AuditEvent.objects.filter(action="read", object_type="cases.referral",
                                            summary__contains="fields:")
                  .values_list("actor_username", flat=True))
    assert readers == {u.username for u in providers.values()} | {"mfat_desk"}
    other.context.close()
