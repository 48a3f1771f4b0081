"""WCAG 2.2 AA (issue 9 §5): axe-core finds nothing on the pages each demo role reaches, in
English and in te reo Māori, nor on the public portal's steps; the public report and the
triage queue work with the keyboard alone (Tab, Shift+Tab, Enter, Space, arrow keys).

The crawl opens one page of each kind (``/cases/12/`` stands for every case) reachable by
links from the role's home page, two links deep: the home page, each list and each detail
page of the role's flows. Downloads, the API and sign-out are not followed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.cache import cache

from tests.browser.axe import axe_violations, crawl, describe
from tiaki.core import crypto
from tiaki.demo.orchestrate import load_demo
from tiaki.demo.personas import DEMO_PASSWORD
from tiaki.intake.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# One persona per role (the senior officer also investigates).
ROLE_PERSONAS = ("secretariat", "customs", "investigator", "senior", "casemanager", "provider",
                 "analyst", "minister", "auditor", "admin", "platform", "privacy")


def test_the_crawl_covers_every_role() -> None:
    from tiaki.accounts.roles import Role
    from tiaki.demo.personas import PERSONAS

    held = {r for p in PERSONAS if p.username in ROLE_PERSONAS for r in p.roles}
    assert held == set(Role), f"no persona in the crawl holds {set(Role) - held}"


@pytest.fixture
def demo(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    settings.TIAKI_DEMO = True
    settings.TIAKI_POW_BITS = 4
    monkeypatch.setenv(crypto.ENV_VAR, Fernet.generate_key().decode())
    crypto.reset_keys()
    cache.clear()
    load_demo()
    yield
    crypto.reset_keys()


def _signed_in(browser: Any, base: str, username: str, *, language: str = "en") -> Any:
    context = browser.new_context(locale="en-NZ", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if language != "en":
        context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    return page


def test_every_page_each_role_reaches_has_no_wcag_violation(
        browser: Any, live_server: Any, demo: None) -> None:
    problems = []
    reached: dict[str, int] = {}
    for username in ROLE_PERSONAS:
        page = _signed_in(browser, live_server.url, username)
        found = crawl(page, live_server.url, limit=40)
        reached[username] = len(found)
        problems += [(username, path, v) for path, v in found if v]
        page.context.close()
    # The staff interface in te reo Māori: the same pages with other words (lang, lengths).
    for username in ("investigator", "casemanager"):
        page = _signed_in(browser, live_server.url, username, language="mi")
        page.goto(f"{live_server.url}/")
        assert page.locator("html").get_attribute("lang") == "mi"
        found = crawl(page, live_server.url, limit=25)
        problems += [(f"{username} (mi)", path, v) for path, v in found if v]
        page.context.close()
    assert not problems, "\n" + describe(problems)
    # The crawl really walked each role's flows, not just its home page.
    assert all(count >= 5 for count in reached.values()), reached


def _tab_to(page: Any, selector: str, *, limit: int = 250, back: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches ``selector``."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)",
                         selector):
            return
    raise AssertionError(f"{selector} is not reachable with the Tab key")


def _choose(page: Any, text: str, *, limit: int = 40) -> None:
    """On a focused <select>: Home, then the arrow key until the option ``text`` is chosen."""
    page.keyboard.press("Home")
    for _ in range(limit):
        chosen = page.evaluate(
            "() => { const s = document.activeElement;"
            " return s.options[s.selectedIndex].text.trim(); }")
        if chosen == text:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {text!r} reached with the arrow keys")


def _type(page: Any, text: str) -> None:
    page.keyboard.type(text)


def test_public_report_with_the_keyboard_only_and_every_step_accessible(
        browser: Any, live_server: Any, demo: None) -> None:
    context = browser.new_context(locale="en-NZ", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    steps: list[tuple[str, str, list[dict[str, Any]]]] = []

    def check(step: str) -> None:
        steps.append(("public", step, axe_violations(page)))

    page.goto(f"{live_server.url}/report/?lang=en")
    check("form")

    # Sending the empty form: the errors are announced and each links to its field.
    _tab_to(page, "#report-form button[type=submit]")
    page.keyboard.press("Enter")
    page.locator("#form-error").wait_for()
    check("form with errors")
    assert page.evaluate("document.activeElement.id") == "form-error"

    _tab_to(page, "#report-form textarea[name=what_seen]")
    _type(page, "Four workers sleep in the packing shed and the owner keeps their passports.")
    _tab_to(page, "#report-form select[name=region]")
    _choose(page, "Auckland / Tāmaki Makaurau")
    _tab_to(page, "#report-form input[name=place]")
    _type(page, "Packing shed, Pukekohe")
    _tab_to(page, "#report-form select[name=industry]")
    _choose(page, "Agriculture, horticulture or vineyards")
    _tab_to(page, "#report-form button[type=submit]")
    page.keyboard.press("Space")
    page.locator("#receipt-code").wait_for()
    check("receipt")
    receipt = page.locator("#receipt-code").inner_text().strip()
    report = Report.objects.get(what_seen__startswith="Four workers sleep")
    assert report.region == "auckland" and report.industry == "agriculture"

    # Back with the receipt code, by the link on the receipt page.
    _tab_to(page, "a[href^='/report/follow-up/']")
    page.keyboard.press("Enter")
    page.locator("#receipt-form").wait_for()
    check("follow-up")
    _tab_to(page, "#receipt-form input[type=text], #receipt-form input:not([type])")
    _type(page, receipt)
    _tab_to(page, "#receipt-form button[type=submit]")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Your report", exact=True).wait_for()
    check("thread")
    _tab_to(page, "textarea")
    _type(page, "The shed is behind the blue gate.")
    _tab_to(page, "form:has(textarea) button[type=submit]")
    page.keyboard.press("Enter")
    page.get_by_text("Thank you. Your information was added to your report.").wait_for()
    check("detail added")
    assert report.messages.filter(body__contains="blue gate").exists()

    # The portal in another language, and the victims' information pages (item 27).
    for path in ("/report/?lang=mi", "/report/?lang=zh-Hans", "/victims-information/",
                 "/victims-information/sm/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        check(path)
    context.close()
    problems = [step for step in steps if step[2]]
    assert not problems, "\n" + describe(problems)


def test_triage_open_claim_and_decide_with_the_keyboard_only(
        browser: Any, live_server: Any, demo: None) -> None:
    page = _signed_in(browser, live_server.url, "investigator")
    page.goto(f"{live_server.url}/intake/triage/")
    report = Report.objects.filter(status=Report.Status.NEW,
                                   routes__agency__code="POLICE").order_by("pk").first()
    assert report is not None
    _tab_to(page, f"a[href='/intake/triage/{report.pk}/']")
    page.keyboard.press("Enter")
    page.locator("#assign-form").wait_for()
    assert axe_violations(page) == []

    # Claim: assign it to myself.
    _tab_to(page, "#assign-form select")
    _choose_matching(page, r"\binvestigator\b")
    _tab_to(page, "#assign-form button[type=submit]")
    page.keyboard.press("Enter")
    page.get_by_text("Assigned to investigator.").wait_for()
    report.refresh_from_db()
    assert report.assignee is not None and report.assignee.username == "investigator"

    # Decide: set the priority, then record the outcome.
    _tab_to(page, "#priority-form select")
    _choose(page, "High")
    _tab_to(page, "#priority-form button[type=submit]")
    page.keyboard.press("Space")
    page.get_by_text("Priority changed.").wait_for()
    _tab_to(page, "#close-form select")
    _choose(page, "Referred for investigation")
    _tab_to(page, "#close-form textarea")
    _type(page, "Opened an investigation with MBIE.")
    _tab_to(page, "#close-form button[type=submit]")
    page.keyboard.press("Enter")
    page.get_by_text("Outcome recorded; the report is closed.").wait_for()
    report.refresh_from_db()
    assert report.priority == Report.Priority.HIGH
    assert report.status == Report.Status.CLOSED
    assert report.outcome == Report.Outcome.INVESTIGATION
    assert axe_violations(page) == []
    page.context.close()


def _choose_matching(page: Any, pattern: str, *, limit: int = 60) -> None:
    page.keyboard.press("Home")
    for _ in range(limit):
        chosen = page.evaluate(
            "() => { const s = document.activeElement;"
            " return s.options[s.selectedIndex].text; }")
        if re.search(pattern, chosen):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option matching {pattern!r} reached with the arrow keys")
