"""The whole response, walked in Chromium across agencies (issue 8 §5).

A member of the public reports on the portal; MBIE and Police investigators triage it
together; a frontline screening refers; a case opens and Oranga Tamariki acknowledges the
child; Police certify with a senior officer's endorsement; consented referrals reach health
and housing, each seeing only its fields; a border alert on the suspected trafficker reaches
the same investigators. Every notification is clicked on the notifications page of the
person it was sent to (200, the right record, never a debug page), and the annual report
counts each step under the items whose measures it feeds, equal to the database's counts,
as do the Plan dashboard's key measures for the current plan year. Every step is taken
through the pages' own forms, as each person would; the auditor then finds the walk's
refusals and the certificate it exported.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.cache import cache
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tiaki.accounts.models import User
from tiaki.accounts.roles import Role
from tiaki.audit.models import AuditEvent
from tiaki.cases.models import Certification, MinisterNotice, Referral, VictimCase
from tiaki.core import crypto
from tiaki.core.models import Notification
from tiaki.intake.models import Report, Screening
from tiaki.plan.report import plan_year_of
from tiaki.screening.models import Alert, Disposition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"
DEBUG_MARKS = ("Traceback", "URLconf", "Django tried these URL patterns", "DEBUG = True")
ASSESSMENT = {
    "act": {"findings": ["recruitment", "harbouring"],
            "evidence": "Recruited online for café work; housed by the employer."},
    "means": {"findings": [], "evidence": ""},  # a child: the means need not be shown
    "purpose": {"findings": ["forced_labour_or_services"],
                "evidence": "Worked nights unpaid and could not leave."},
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


class Person:
    """One persona's own browser context, signed in with both factors."""

    def __init__(self, browser: Any, base: str, user: User) -> None:
        self.user, self.base = user, base
        self.context = browser.new_context(locale="en-NZ")
        self.page = self.context.new_page()
        self.page.set_default_timeout(20000)
        self.page.goto(f"{base}/")
        self.page.get_by_label("Username").fill(user.username)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.get_by_label("Six-digit code").fill(_code(user))
        self.page.get_by_role("button", name="Continue").click()
        self.page.wait_for_load_state()

    def open(self, path: str, *expect: str) -> str:
        response = self.page.goto(f"{self.base}{path}")
        assert response is not None and response.status == 200, (self.user.username, path)
        text = self.page.locator("body").inner_text()
        assert not any(mark in text for mark in DEBUG_MARKS), path
        for wanted in expect:
            assert wanted in text, (self.user.username, path, wanted)
        return text

    def follow_notifications(self, *wanted: str) -> list[Notification]:
        """Click, on the notifications page, every link sent to this person that they have
        not opened yet: each must land on its record (200, never a debug page)."""
        notes = list(Notification.objects.filter(recipient=self.user, read_at__isnull=True)
                     .exclude(url=""))
        assert notes, f"{self.user.username} was told nothing"
        texts = []
        for note in notes:
            self.open("/notifications/", note.subject)
            target = f"{self.base}{note.url.split('#')[0]}"
            with self.page.expect_response(lambda r, t=target: r.url == t) as landed:
                self.page.locator(f'a[href="/notifications/{note.pk}/"]').click()
            assert landed.value.status == 200, (self.user.username, note.url)
            self.page.wait_for_load_state()
            text = self.page.locator("body").inner_text()
            assert not any(mark in text for mark in DEBUG_MARKS), note.url
            texts.append(text)
        assert all(w in " ".join(texts) for w in wanted), (self.user.username, wanted)
        # Opening a notification marks it read.
        assert not Notification.objects.filter(pk__in=[n.pk for n in notes],
                                               read_at__isnull=True).exists()
        return notes


def test_the_whole_response(browser: Any, live_server: Any, settings: Any,
                            make_user: Any, nz_plan: Any) -> None:
    settings.TIAKI_POW_BITS = 8
    expect.set_options(timeout=20_000)  # a busy machine: the same patience as each action
    cache.clear()
    base = live_server.url
    mbie_inv = make_user("mbie_inv", "MBIE", [Role.INVESTIGATOR])
    police_inv = make_user("pol_inv", "POLICE", [Role.INVESTIGATOR])
    senior = make_user("pol_senior", "POLICE", [Role.SENIOR_OFFICER])
    frontline = make_user("inz_front", "MBIE", [Role.FRONTLINE])
    ot = make_user("ot_social", "ORANGA_TAMARIKI", [Role.SERVICE_PROVIDER])
    health = make_user("health_nurse", "HEALTH_NZ", [Role.SERVICE_PROVIDER])
    housing = make_user("ko_housing", "KAINGA_ORA", [Role.SERVICE_PROVIDER])
    analyst = make_user("cus_analyst", "CUSTOMS", [Role.INTELLIGENCE_ANALYST])
    officer = make_user("cus_officer", "CUSTOMS", [Role.FRONTLINE])
    auditor = make_user("dia_auditor", "DIA", [Role.AUDITOR])
    secretariat = make_user("mbie_sec", "MBIE", [Role.SECRETARIAT])

    # 1. A member of the public reports on the portal, anonymously.
    public = browser.new_context(locale="en-NZ").new_page()
    public.set_default_timeout(20000)
    public.goto(f"{base}/report/")
    public.get_by_label("What did you see or hear?").fill(
        "A girl of about 16 works nights at the Sunrise café and sleeps in the storeroom; "
        "the owner keeps her passport.")
    public.get_by_label("Someone's life or safety is at risk right now").check()
    public.get_by_role("button", name="Send report").click()
    public.locator("#receipt-code").wait_for()
    report = Report.objects.get()
    assert {r.agency.code for r in report.routes.all()} >= {"POLICE", "MBIE"}

    # 2. MBIE and Police investigators are told; each opens the report; MBIE takes it and
    #    Police decide it with them, each through the report's own forms.
    mbie, police = Person(browser, base, mbie_inv), Person(browser, base, police_inv)
    mbie.follow_notifications(report.reference)
    police.follow_notifications(report.reference)
    mbie.open(f"/intake/triage/{report.pk}/", report.reference)
    assign = mbie.page.locator("#assign-form")
    assign.get_by_label("Assign to").select_option(label="mbie_inv")
    assign.get_by_role("button", name="Assign").click()
    expect(mbie.page.get_by_text("Assigned to mbie_inv.")).to_be_visible()
    police.open(f"/intake/triage/{report.pk}/", "mbie_inv")
    decide = police.page.locator("#close-form")
    decide.get_by_label("Outcome").select_option(label="Referred for investigation")
    decide.get_by_label("Note (optional)").fill("Joint visit with MBIE labour inspectors")
    decide.get_by_role("button", name="Close with this outcome").click()
    expect(police.page.get_by_text("Outcome recorded; the report is closed.")).to_be_visible()
    expect(police.page.locator("#status")).to_contain_text("Referred for investigation")
    report.refresh_from_db()
    assert report.assignee == mbie_inv and report.outcome == "investigation"

    # 3. A frontline screening of the girl refers her: one decision, one action.
    front = Person(browser, base, frontline)
    front.open("/intake/screening/new/?age_group=child&subject_label=Girl+at+café",
               "Screen a person against the indicators and the legal test")
    label = front.page.get_by_label("Label for the person (not their name)")
    assert label.input_value() == "Girl at café"
    label.fill("Girl at the Sunrise café")
    front.page.get_by_label("Age (if known)").fill("16")
    front.page.get_by_label("Adult or child").select_option("child")
    front.page.get_by_label("Suspected exploitation").select_option("labour")
    front.page.get_by_role("checkbox", name="Recruitment", exact=True).check()
    front.page.get_by_role("button", name="Assess").click()
    expect(front.page.locator("#recommendation")).to_be_visible()
    front.page.get_by_label("Your decision").select_option("refer")
    front.page.get_by_label("Reasons (required if you differ from the recommendation)").fill(
        "Passport held by the owner; works nights")
    front.page.get_by_role("button", name="Record decision").click()
    expect(front.page.get_by_text("Referred to the triage queue")).to_be_visible()
    scr = Screening.objects.get()
    assert scr.decision == "refer" and scr.report is not None
    front.open(f"/intake/screening/{scr.pk}/", scr.reference)

    # 4. Police open a case from the report and screening; Oranga Tamariki is told of the
    #    child and acknowledges.
    police.open(f"/intake/triage/{report.pk}/")
    police.page.get_by_role("link", name="Open a victim case from this report").click()
    expect(police.page.get_by_label("Report reference")).to_have_value(report.reference)
    police.page.get_by_label("Given names").fill("Mele")
    police.page.get_by_label("Family name").fill("Tupou")
    police.page.get_by_label("Date of birth").fill("2010-05-01")
    police.page.get_by_label("Age in years").fill("16")
    police.page.get_by_label("Forced labour").first.check()
    police.page.get_by_label("Screening reference").fill(scr.reference)
    police.page.get_by_role("button", name="Open case").click()
    expect(police.page.get_by_text("opened.")).to_be_visible()
    case = VictimCase.objects.get()
    assert case.is_child and case.report == report
    expect(police.page.get_by_role("heading", name=f"Case {case.reference}")).to_be_visible()
    police.open(f"/cases/{case.reference}/", case.reference, report.reference)
    child = Person(browser, base, ot)
    child.follow_notifications(case.reference)
    child.open("/cases/children/", case.reference)
    child.page.get_by_label(f"Note for {case.reference}").fill("Social worker assigned")
    child.page.get_by_role("button", name=f"Acknowledge {case.reference}").click()
    expect(child.page.get_by_text(f"Case {case.reference} acknowledged.")).to_be_visible()
    case.child.refresh_from_db()
    assert case.child.acknowledged_at is not None

    # 5. Police request certification; a senior officer who did not ask endorses.
    police.open(f"/cases/{case.reference}/")
    police.page.get_by_role("link", name="Request certification").click()
    certify = police.page.locator("#certify-form")
    for finding in ("Recruitment", "Harbouring", "Forced labour or services"):
        certify.get_by_label(finding, exact=True).check()
    certify.get_by_label("Act: evidence").fill(ASSESSMENT["act"]["evidence"])
    certify.get_by_label("Purpose: evidence").fill(ASSESSMENT["purpose"]["evidence"])
    certify.get_by_role("button", name="Request certification").click()
    expect(police.page.get_by_text("requested.")).to_be_visible()
    cert = Certification.objects.get()
    assert sorted(cert.assessment["act"]["findings"]) == ["harbouring", "recruitment"]
    seniors = Person(browser, base, senior)
    seniors.follow_notifications(cert.reference)
    seniors.open(f"/cases/certifications/{cert.reference}/", cert.reference)
    seniors.page.get_by_label("Note").fill("s98D met")
    seniors.page.get_by_role("button", name="Endorse and issue").click()
    expect(seniors.page.get_by_text(f"Certification {cert.reference} issued.")).to_be_visible()
    expect(seniors.page.locator("#cert-status")).to_have_text("Issued")
    case.refresh_from_db()
    police.open(f"/cases/{case.reference}/", "Actual")
    # The investigator takes a copy of the certificate: an export the auditor will find.
    police.open(f"/cases/certifications/{cert.reference}/", "Issued")
    with police.page.expect_download() as download:
        police.page.get_by_role("link", name="Certificate (PDF)").click()
    assert download.value.suggested_filename == f"{cert.reference}.pdf"

    # 6. Consented referrals reach health and housing; each sees only its own fields.
    police.open(f"/cases/{case.reference}/")
    consent = police.page.locator("#consent-form")
    for purpose in ("health", "housing"):
        consent.get_by_label("Purpose").select_option(purpose)
        consent.get_by_label("Decision").select_option("yes")
        consent.get_by_label("How consent was obtained").fill(
            "in person, with her OT social worker")
        consent.get_by_role("button", name="Record consent").click()
        expect(police.page.locator(f'tr[data-consent="{purpose}"]')).to_contain_text("Given")
    refer = police.page.locator("#refer-form")
    for target in ("health:HEALTH_NZ", "housing:KAINGA_ORA"):
        refer.get_by_label("Service and agency").select_option(target)
        refer.get_by_role("button", name="Refer", exact=True).click()
        expect(police.page.locator(f'tr[data-referral="{target.split(":")[0]}"]')
               ).to_be_visible()
    nurse = Person(browser, base, health)
    [note] = nurse.follow_notifications()
    health_page = nurse.open(note.url, "Date of birth", "Mele")
    assert "Under 18" not in health_page and "Current safety risk" not in health_page
    home = Person(browser, base, housing)
    [note] = home.follow_notifications()
    housing_page = home.open(note.url, "Under 18", "Mele")
    assert "Date of birth" not in housing_page and "2010-05-01" not in housing_page
    # Neither provider opens the case itself: refused as missing, and audited.
    for provider in (nurse, home):
        response = provider.page.goto(f"{base}/cases/{case.reference}/")
        assert response is not None and response.status == 404
    assert Referral.objects.count() == 2

    # 7. A border alert on the suspected trafficker reaches the same investigators.
    intel = Person(browser, base, analyst)
    intel.open("/screening/watchlists/", "Import a watchlist")
    intel.page.get_by_role("textbox", name="Watchlist", exact=True).fill("Suspects")
    intel.page.get_by_label("Why these people are listed").fill(
        "Named in the café investigation")
    intel.page.get_by_label("CSV file").set_input_files(files=[{
        "name": "w.csv", "mimeType": "text/csv",
        "buffer": b"id,full_name,date_of_birth,nationality\n1,Viliami Kata,1975-04-04,TON\n"}])
    intel.page.get_by_role("button", name="Import").click()
    expect(intel.page.get_by_text("1 added, 0 updated")).to_be_visible()
    border = Person(browser, base, officer)
    border.open("/screening/ingest/", "Ingest passenger lists and visa applications")
    border.page.get_by_label("Passenger list or visa applications").set_input_files(files=[{
        "name": "NZ951.csv", "mimeType": "text/csv", "buffer": (
            b"family_name,given_names,date_of_birth,nationality,document_number,arrival_port\n"
            b"Kata,Viliami,1975-04-04,TON,T1234567,AKL\n")}])
    border.page.get_by_role("button", name="Ingest and screen").click()
    expect(border.page.get_by_role("heading", name="NZ951.csv")).to_be_visible()
    expect(border.page.get_by_text("1 alert raised")).to_be_visible()
    # The file's alerts are a listing (sort and export links come first): open the alert.
    border.page.locator("#screen-h").locator("xpath=..").locator(
        "a[href*='/screening/alerts/']").first.click()
    alert = Alert.objects.get()
    expect(border.page).to_have_url(f"{base}/screening/alerts/{alert.pk}/")
    border.page.get_by_label("Suspected trafficking reported").check()
    border.page.get_by_label("Note").fill("Owner of the café in the Police case")
    border.page.get_by_role("button", name="Record disposition").click()
    expect(border.page.get_by_text("Frontline screening opened")).to_be_visible()
    disposition = Disposition.objects.get()
    assert disposition.outcome == "trafficking" and disposition.officer == officer
    border_report = disposition.report
    assert border_report is not None
    mbie.follow_notifications(border_report.reference)
    police.follow_notifications(border_report.reference)
    for investigator in (mbie, police):
        investigator.open(f"/screening/alerts/{alert.pk}/", "Owner of the café")

    # 8. Every step counted once, as the database holds it.
    assert Report.objects.count() == 3  # the portal, the screening, the border alert
    assert Screening.objects.filter(report__isnull=False).count() == 1
    assert Disposition.objects.filter(outcome="trafficking").count() == 1
    assert VictimCase.objects.filter(trafficking_status="ActualVictimOfTrafficking").count() == 1
    kinds = sorted(MinisterNotice.objects.values_list("kind", flat=True))
    assert kinds == sorted(["report", "screening", "case_opened", "certified"])
    # The annual report (current plan year) counts each step under every item whose
    # measures it feeds, equal to the database's own counts.
    expected = {
        "intake.reports_received": Report.objects.count(),
        "intake.frontline_screenings": Screening.objects.count(),
        "screening.trafficking_reports": Disposition.objects.filter(
            outcome="trafficking").count(),
        "screening.dispositions": Disposition.objects.count(),
        "cases.certifications_issued": 1,
        "cases.referrals.health": Referral.objects.filter(service="health").count(),
        "cases.referrals.housing": Referral.objects.filter(service="housing").count(),
    }
    reporter = Person(browser, base, secretariat)
    reporter.open("/plan/report/")
    items = list(nz_plan.items.all())
    for code, count in expected.items():
        named = sorted(i.number for i in items if code in i.metrics)
        rows = reporter.page.locator(f'tr[data-metric="{code}"]')
        shown = sorted(int(rows.nth(n).locator("xpath=ancestor::article[1]")
                           .get_attribute("data-item") or 0) for n in range(rows.count()))
        values = {rows.nth(n).get_attribute("data-value") for n in range(rows.count())}
        assert shown == named and named, code
        assert values == {str(count)}, (code, values, count)

    # The Plan dashboard's key measures agree for the current plan year (to date): the items
    # whose first measure the walk feeds show the database's counts.
    year = plan_year_of(nz_plan, timezone.localdate())
    reporter.open("/plan/", "Key measures")
    led = {code: [i.number for i in items if i.metrics and i.metrics[0] == code]
           for code in expected}
    assert any(led.values())
    for code, numbers in led.items():
        rows = reporter.page.locator(f'tr[data-metric="{code}"]')
        expect(rows).to_have_count(len(numbers))
        for n in range(rows.count()):
            latest = rows.nth(n).locator("td[data-year]").last
            assert latest.get_attribute("data-year") == str(year), code
            assert latest.get_attribute("data-value") == str(expected[code]), code

    # The auditor finds the refusals and the export of the walk, searching in the page.
    audit = Person(browser, base, auditor)
    audit.open("/audit/")
    search = audit.page.get_by_role("form", name="Search the audit trail")
    search.get_by_label("Agency").fill("HEALTH_NZ")
    search.get_by_label("Action").select_option("refused")
    search.get_by_role("button", name="Search").click()
    expect(audit.page.locator("main table")).to_contain_text(f"/cases/{case.reference}/")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REFUSED,
                                     actor_username="ko_housing").exists()
    audit.open("/audit/")
    search.get_by_label("Username").fill(police_inv.username)
    search.get_by_label("Action").select_option("export")
    search.get_by_role("button", name="Search").click()
    expect(audit.page.locator("main table")).to_contain_text(
        f"Certificate {cert.reference} downloaded as PDF")
