"""Intelligence in Chromium (issue 13's check), on the demo's horticulture story: an analyst
merges two pairs of entities, undoes one merge, sees the path from the recruiter's phone to
the contractor, prepares a package for Australia with the worker withheld, which a senior
officer approves; the analyst exports it (redacted) and the dissemination log records it;
an analyst without the HTX caveat finds neither the report nor its entities in search, the
graph or the sharing pages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_cases_protect import _new_page, _sign_in
from tests.conftest import MakeUser
from tiaki.accounts.roles import Role
from tiaki.intelligence import demo, sharing
from tiaki.intelligence.models import Dissemination, Entity, Judgement, SharingPackage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _judge_same(page: Any, other: Entity, reason: str) -> None:
    row = page.locator(f'tr[data-candidate="{other.ftm_id}"]')
    row.get_by_label("Judgement").select_option("same")
    row.get_by_label("Why").fill(reason)
    row.get_by_role("button", name="Record").click()
    page.get_by_text("Judgement recorded.").wait_for()


def test_analyst_resolves_traces_and_shares(page: Any, browser: Any, live_server: Any,
                                            make_user: MakeUser) -> None:
    users = {"analyst": make_user("analyst", "MBIE", [Role.INTELLIGENCE_ANALYST]),
             "senior": make_user("senior", "POLICE", [Role.SENIOR_OFFICER]),
             "admin": make_user("admin", "MBIE", [Role.ADMINISTRATOR]),
             "customs_analyst": make_user("customs_analyst", "CUSTOMS",
                                          [Role.INTELLIGENCE_ANALYST])}
    report = demo.demo_intelligence(users)
    assert report is not None
    boss, bos = (Entity.objects.get(caption=c) for c in ("Boss Example", "Bos Example"))
    ltd, limited = (Entity.objects.get(caption=c)
                    for c in ("Demo Orchards Ltd", "Demo Orchards Limited"))
    worker = Entity.objects.get(caption="Tavita Example")

    # 1. The analyst finds the contractor and merges both pairs the engine suggests.
    a = _sign_in(page, live_server, users["analyst"], "/intelligence/")
    a.get_by_label("Words, a reference or an entity's name").fill("Example")
    a.get_by_role("button", name="Show").click()
    a.locator("#entities").wait_for()
    # Entities the search names are listed under the reports (the page swaps in place).
    a.locator("#entities").get_by_role("link", name="Boss Example").click()
    _judge_same(a, bos, "Same date of birth and phone; name misspelt")
    a.goto(f"{live_server.url}/intelligence/entities/{ltd.ftm_id}/")
    _judge_same(a, limited, "Same company, name written two ways")
    assert a.locator("#cluster").get_by_text("Demo Orchards Limited").count() == 1

    # 2. ... and undoes the second merge on its own; the first stands.
    company_merge = Judgement.objects.get(left=ltd, verdict="same")
    row = a.locator(f'tr[data-judgement="{company_merge.pk}"]')
    row.get_by_label("Why undo").fill("Registry shows two companies")
    row.get_by_role("button", name="Undo").click()
    a.get_by_text("Judgement undone").wait_for()
    assert a.locator("#cluster").get_by_text("No merges.").count() == 1
    a.goto(f"{live_server.url}/intelligence/entities/{boss.ftm_id}/")
    assert a.locator("#cluster").get_by_text("Bos Example").count() == 1

    # 3. The path from the recruiter's phone to the contractor.
    a.goto(f"{live_server.url}/intelligence/network/")
    a.get_by_label("From").fill("phone:+6857755501")
    a.get_by_label("To").fill(f"e:{boss.ftm_id}")
    a.get_by_role("button", name="Find shortest path").click()
    rows = a.locator("#nodes tbody tr")
    keys = {rows.nth(i).get_attribute("data-node") for i in range(rows.count())}
    assert {"phone:+6857755501", f"e:{boss.ftm_id}"} <= keys
    assert a.locator("#edges").get_by_text("same as").count() == 1

    # 4. A package for Australia, the worker withheld.
    a.goto(f"{live_server.url}/intelligence/sharing/")
    a.get_by_role("link", name="Prepare a package").click()
    a.get_by_label("Partner").select_option("AU")
    authority = sharing.rules().partner("AU").authorities[0]  # type: ignore[union-attr]
    a.get_by_label("Authority").select_option(authority)
    a.get_by_label("Purpose").fill("The contractor recruits through Australia")
    a.get_by_label(re.compile(report.reference)).check()
    a.get_by_label("Entities to withhold").fill(f"{worker.ftm_id}: a victim, not for release")
    a.get_by_role("button", name="Prepare package").click()
    a.get_by_text("a senior officer must approve it").wait_for()
    package = SharingPackage.objects.get(purpose="The contractor recruits through Australia")
    manifest = a.locator("#manifest")
    assert manifest.locator(f'tr[data-item="{worker.ftm_id}"]').get_attribute(
        "data-outcome") == "withheld"
    assert manifest.locator(f'tr[data-item="{boss.ftm_id}"]').get_attribute(
        "data-outcome") == "redacted"
    assert a.locator("#export").count() == 0

    # 5. A senior officer approves it.
    s = _sign_in(_new_page(browser), live_server, users["senior"],
                 f"/intelligence/sharing/{package.reference}/")
    s.get_by_label("Decision").select_option("approve")
    s.get_by_label("Note (needed to decline)").fill("Necessary and proportionate")
    s.get_by_role("button", name="Record decision").click()
    s.get_by_text(f"Package {package.reference} approved.").wait_for()

    # 6. The analyst exports the redacted STIX bundle; the log records it.
    a.goto(f"{live_server.url}/intelligence/sharing/{package.reference}/")
    with a.expect_download() as download:
        a.get_by_role("button", name="Export STIX 2.1 bundle").click()
    content = Path(download.value.path()).read_text(encoding="utf-8")
    assert '"type": "bundle"' in content and "Boss Example" in content
    assert "Tavita" not in content and "NZ-DL-000000" not in content
    row = Dissemination.objects.get()
    assert (row.partner, row.approved_by, row.sent_by) == ("AU", users["senior"],
                                                          users["analyst"])
    a.goto(f"{live_server.url}/intelligence/sharing/")
    logged = a.locator(f'#dissemination-log tr[data-dissemination="{row.pk}"]')
    assert "senior" in logged.inner_text() and authority in logged.inner_text()

    # 7. An analyst without the caveat finds nothing of it anywhere.
    c = _sign_in(_new_page(browser), live_server, users["customs_analyst"], "/intelligence/")
    c.get_by_label("Words, a reference or an entity's name").fill("Example")
    c.get_by_role("button", name="Show").click()
    c.locator("#entities").wait_for()
    assert c.locator("#entities").get_by_text("No entities.").count() == 1
    assert report.reference not in c.locator("#reports").inner_text()
    c.goto(f"{live_server.url}/intelligence/network/?node=e:{boss.ftm_id}")
    assert c.locator("#nodes").get_by_text("Nothing you may see.").count() == 1
    c.goto(f"{live_server.url}/intelligence/sharing/")
    assert package.reference not in c.locator("main").inner_text()
    gone = c.goto(f"{live_server.url}/intelligence/sharing/{package.reference}/")
    assert gone is not None and gone.status == 404
