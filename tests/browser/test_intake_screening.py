"""A labour inspector screens a worker against the indicators, sees the legal elements met
and the engine's reasons, records the decision and refers the screening to the queue."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import MakeUser
from tiaki.accounts.models import Agency, User
from tiaki.accounts.roles import Role
from tiaki.intake.models import Report, Screening

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LABOUR = "adult.labour"


def _code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_inspector_screens_decides_and_refers(page: Any, live_server: Any,
                                              agencies: dict[str, Agency],
                                              make_user: MakeUser) -> None:
    inspector = make_user("inspector", "MBIE", [Role.FRONTLINE])
    page.goto(f"{live_server.url}/intake/screening/")
    page.get_by_label("Username").fill(inspector.username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Six-digit code").fill(_code(inspector))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/intake/screening/")
    page.get_by_role("link", name="Start a screening").click()
    page.get_by_label("Label for the person (not their name)").fill("Worker B, orchard")
    page.get_by_label("Age (if known)").fill("34")
    page.get_by_role("checkbox", name="Recruitment", exact=True).check()
    for code in (f"{LABOUR}.deceptive_recruitment.strong.nature_of_job",
                 f"{LABOUR}.coercion_at_destination.strong.confiscation_of_documents",
                 f"{LABOUR}.coercion_at_destination.strong.debt_bondage",
                 f"{LABOUR}.exploitative_conditions.strong.excessive_hours"):
        page.locator(f'input[name="indicators"][value="{code}"]').check()
    page.get_by_role("button", name="Assess").click()
    page.locator("#recommendation").wait_for()
    assert page.locator("#recommendation").inner_text() == "Refer for investigation"
    assert page.locator("#recommendation").get_attribute("data-code") == "refer"
    assert page.locator("#elements tbody tr").count() == 3  # act, means, purpose
    met = Screening.objects.get().result["elements"]
    assert met["act"]["status"] == met["means"]["status"] == "met"
    assert page.locator('#elements tr[data-element-status="met"]').count() == sum(
        e["status"] == "met" for e in met.values())
    assert "Debt bondage" in page.locator("#elements").inner_text()
    assert page.locator("#reasons li").count() >= 1
    page.get_by_label("Your decision").select_option("refer")
    page.get_by_role("button", name="Record decision").click()
    page.get_by_text("Referred to the triage queue").wait_for()
    assert page.get_by_role("button", name="Refer to Police and MBIE (triage queue)").count() == 0
    screening = Screening.objects.get()
    report = Report.objects.get()
    assert screening.decision == "refer" and screening.report == report
    assert {r.agency.code for r in report.routes.all()} == {"POLICE", "MBIE"}
