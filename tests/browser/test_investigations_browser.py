"""End to end (issue 11): Police and MBIE investigators share an investigation, follow the
protocol, give each other tasks, link a victim case both may see, charge a suspect (refused
until a senior officer is assigned), record a conviction and sentence; the victim's case
shows the court date and the reparation order; the TIP figures count it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.utils import timezone

from tests.browser.test_cases_protect import _new_page, _sign_in
from tests.cases.conftest import open_case
from tests.conftest import MakeUser
from tiaki.accounts.roles import Role
from tiaki.cases import services as case_services
from tiaki.core import crypto
from tiaki.investigations.models import Charge, Investigation, ReparationOrder, Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _field_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(crypto.ENV_VAR, Fernet.generate_key().decode())
    crypto.reset_keys()
    yield
    crypto.reset_keys()


def _open(page: Any, summary: str) -> Any:
    block = page.locator("details", has=page.locator("summary", has_text=summary)).first
    block.locator("summary").click()
    return block


def test_joint_investigation_to_sentence(page: Any, browser: Any, live_server: Any,
                                         make_user: MakeUser) -> None:
    police = make_user("det_ana", "POLICE", [Role.INVESTIGATOR])
    senior = make_user("dss_hone", "POLICE", [Role.SENIOR_OFFICER])
    mbie = make_user("inv_mere", "MBIE", [Role.INVESTIGATOR])
    make_user("mgr_tui", "MBIE", [Role.SENIOR_OFFICER])
    secretariat = make_user("secr", "MBIE", [Role.SECRETARIAT])
    case = open_case(police)
    case_services.member_add(case=case, actor=police, username="inv_mere")
    today = timezone.localdate()
    soon = (today + dt.timedelta(days=5)).isoformat()

    # 1. Police open the investigation and bring MBIE onto the team.
    p = _sign_in(page, live_server, police, "/investigations/")
    p.get_by_role("link", name="Open an investigation").click()
    p.get_by_label("Title").fill("Orchard labour ring")
    p.get_by_label("Forced labour").check()
    p.get_by_role("button", name="Open investigation").click()
    p.get_by_text("opened.").wait_for()
    inv = Investigation.objects.get()
    url = f"{live_server.url}/investigations/{inv.reference}/"
    block = _open(p, "Add to the team")
    block.get_by_label("Username").fill("inv_mere")
    block.get_by_label("Role on the team").fill("MBIE lead")
    block.get_by_role("button", name="Add to team").click()
    p.get_by_text("inv_mere added to the team.").wait_for()

    # 2. The protocol: tell MBIE (the partner agency), via Tiaki.
    step = p.locator('tr[data-step="joint_agency_told"]')
    step.get_by_label("What you told MBIE").fill("Joint investigation opened; Police lead.")
    step.get_by_role("button", name="Mark done").click()
    p.get_by_text("Step “Tell the partner investigating agency” done.").wait_for()

    # 3. Link the victim case and give MBIE a task.
    block = _open(p, "Link a record")
    block.get_by_label("Kind of record").select_option("case")
    block.get_by_label("Reference").fill(case.reference)
    block.get_by_role("button", name="Link").click()
    p.get_by_text("Record linked.").wait_for()
    block = _open(p, "Assign a task")
    block.get_by_label("Owner's username").fill("inv_mere")
    block.get_by_label("Task").fill("Pull the orchard's wage records")
    block.get_by_label("Deadline").fill(soon)
    block.get_by_role("button", name="Assign task").click()
    p.get_by_text("Task given to inv_mere.").wait_for()

    # 4. MBIE sees it all, the victim case included, does its task and tasks Police back.
    m = _sign_in(_new_page(browser), live_server, mbie, f"/investigations/{inv.reference}/")
    assert m.locator("#links").get_by_role("link", name=case.reference).is_visible()
    task = Task.objects.get()
    row = m.locator(f'tr[data-task="{task.pk}"]')
    row.get_by_label("Outcome").fill("Records attached")
    row.get_by_role("button", name="Update task").click()
    m.get_by_text("Task updated.").wait_for()
    block = _open(m, "Assign a task")
    block.get_by_label("Owner's username").fill("det_ana")
    block.get_by_label("Task").fill("Interview the packhouse manager")
    block.get_by_label("Deadline").fill(soon)
    block.get_by_role("button", name="Assign task").click()
    m.get_by_text("Task given to det_ana.").wait_for()

    # 5. A suspect; charging is refused until a senior officer is assigned, and says why.
    block = _open(m, "Add a suspect")
    block.get_by_label("Kind").select_option("person")
    block.get_by_label("Name").fill("Rex Sample")
    block.get_by_label("Sex").select_option("male")
    block.get_by_role("button", name="Add suspect").click()
    m.get_by_text("Suspect Rex Sample added.").wait_for()
    laid = (today - dt.timedelta(days=60)).isoformat()

    def charge(who: Any) -> None:
        form = _open(who, "Charge Rex Sample")
        form.locator('select[name="charge-offence"]').select_option("nz.crimes.s98d")
        form.get_by_label("Laid on").fill(laid)
        form.get_by_label("Victim cases").fill(case.reference)
        form.get_by_role("button", name="Lay charge").click()

    charge(m)
    assert "No senior officer is assigned" in m.locator("#investigation-error").inner_text()
    p.goto(url)
    p.get_by_label("Senior officer's username").fill("dss_hone")
    p.get_by_role("button", name="Assign senior officer").click()
    p.get_by_text("dss_hone is the senior officer.").wait_for()
    m.goto(url)
    charge(m)
    m.locator(".alert-success", has_text="Rex Sample charged").wait_for()

    # 6. Consent (s98F), a sentencing hearing (a court date on the victim's case), the
    #    conviction and the sentence with reparation to the victim.
    c = Charge.objects.get()
    s = _sign_in(_new_page(browser), live_server, senior, f"/investigations/{inv.reference}/")
    form = _open(s, "Attorney-General's consent")
    form.get_by_label("Consent given on").fill(laid)
    form.get_by_role("button", name="Record consent").click()
    s.get_by_text("Attorney-General's consent recorded.").wait_for()
    p.goto(url)
    form = _open(p, "Add a hearing for Rex Sample")
    form.locator('[name="hearing-kind"]').select_option("sentencing")
    form.locator('[name="hearing-on"]').fill(today.isoformat())
    form.locator('[name="hearing-court"]').fill("Napier District Court")
    form.get_by_role("button", name="Add hearing").click()
    p.locator(".alert-success", has_text="Sentencing on").wait_for()
    form = _open(p, "Record the outcome of this charge")
    form.locator('[name="decide-status"]').select_option("convicted")
    form.locator('[name="decide-on"]').fill(today.isoformat())
    form.get_by_role("button", name="Record outcome").click()
    p.locator(".alert-success", has_text="Charge convicted.").wait_for()
    form = _open(p, "Record the sentence")
    form.locator('[name="sentence-kind"]').select_option("imprisonment")
    form.get_by_label("Length (months)").fill("54")
    form.get_by_label("Imposed on").fill(today.isoformat())
    form.get_by_label("Reparation to case").fill(case.reference)
    form.get_by_label("Reparation (NZD)").fill("18500")
    form.get_by_role("button", name="Record sentence").click()
    p.locator(".alert-success", has_text="Sentence recorded.").wait_for()
    assert "54 months" in p.locator(f'li[data-charge="{c.pk}"]').inner_text()
    assert ReparationOrder.objects.get().case == case

    # 7. The victim's case shows the court date and the reparation order (MBIE's view).
    m.goto(f"{live_server.url}/cases/{case.reference}/")
    justice = m.locator("#justice-h").locator("xpath=..").inner_text()
    assert "Napier District Court" in justice and "Sentencing (R v Rex Sample)" in justice
    assert "$18500.00 ordered" in m.locator("#reparation-orders").inner_text()

    # 8. The working group's TIP figures count it.
    w = _sign_in(_new_page(browser), live_server, secretariat, "/investigations/figures/")
    row = w.locator('tr[data-form="Forced labour"]')
    assert row.locator('[data-figure="investigations"]').inner_text() == "1"
    assert row.locator('[data-figure="convicted"]').inner_text() == "1"
    assert row.locator('[data-figure="sentenced"]').inner_text() == "1"
