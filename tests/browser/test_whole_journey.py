"""The whole response, walked in Chromium across agencies (issue 8 §5).

A member of the public reports on the portal; MBIE and Police investigators triage it
together; a frontline screening refers; a case opens and Oranga Tamariki acknowledges the
child; Police certify with a senior officer's endorsement; consented referrals reach health
and housing, each seeing only its fields; a border alert on the suspected trafficker reaches
the same investigators. Every notification link is opened in the browser by the person it
was sent to (200, the right record, never a debug page), and the annual report counts each
step under the items whose measures it feeds, equal to the database's counts. Steps whose
forms have their own browser tests are taken through the same services the pages call.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.cache import cache
from django.test import TestCase
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiaki.accounts.models import User
from tiaki.accounts.roles import Role
from tiaki.audit.models import AuditEvent
from tiaki.cases import services as cases
from tiaki.cases.models import MinisterNotice, Referral, VictimCase
from tiaki.core import crypto
from tiaki.core.models import Notification
from tiaki.intake import services as intake
from tiaki.intake.models import Report, Screening
from tiaki.screening import services as screening
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

    def follow_notifications(self, *expect: str) -> list[Notification]:
        """Open every link sent to this person that they have not opened yet."""
        notes = list(Notification.objects.filter(recipient=self.user, read_at__isnull=True)
                     .exclude(url=""))
        assert notes, f"{self.user.username} was told nothing"
        for note in notes:
            self.open(note.url)
        if expect:
            text = " ".join(self.open(n.url) for n in notes)
            assert all(w in text for w in expect), (self.user.username, expect)
        Notification.objects.filter(pk__in=[n.pk for n in notes]).update(read_at=notes[0]
                                                                            .created_at)
        return notes


def test_the_whole_response(browser: Any, live_server: Any, settings: Any,
                            make_user: Any, nz_plan: Any) -> None:
    settings.TIAKI_POW_BITS = 8
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
    #    Police decide it with them.
    mbie, police = Person(browser, base, mbie_inv), Person(browser, base, police_inv)
    mbie.follow_notifications(report.reference)
    police.follow_notifications(report.reference)
    with TestCase.captureOnCommitCallbacks(execute=True):
        intake.triage_assign(report=report, actor=mbie_inv, assignee=mbie_inv)
        intake.triage_close(report=report, actor=police_inv, outcome="investigation",
                            note="Joint visit with MBIE labour inspectors")
    police.open(f"/intake/triage/{report.pk}/", "Referred for investigation")

    # 3. A frontline screening of the girl refers her.
    front = Person(browser, base, frontline)
    front.open("/intake/screening/new/?age_group=child&subject_label=Girl+at+café",
               "Screen a person against the indicators and the legal test")
    label = front.page.get_by_label("Label for the person (not their name)")
    assert label.input_value() == "Girl at café"
    scr = intake.screening_record(actor=frontline, data=intake.ScreeningInput(
        subject_label="Girl at the Sunrise café", exploitation_type="labour", age=16,
        age_group="child", indicators=frozenset(), acts=frozenset({"recruitment"})))
    intake.screening_decide(screening=scr, actor=frontline, decision="refer",
                            note="Passport held by the owner; works nights")
    scr.refresh_from_db()
    assert scr.report is not None
    front.open(f"/intake/screening/{scr.pk}/", scr.reference)

    # 4. Police open a case from the report and screening; Oranga Tamariki is told of the
    #    child and acknowledges.
    case = cases.case_open(actor=police_inv, identity={"given_names": "Mele", "family_name":
                                                       "Tupou", "date_of_birth": "2010-05-01"},
                           age=16, exploitation_types=["ForcedLabour"],
                           source_report=report.reference, source_screening=scr.reference)
    assert case.is_child and case.report == report
    police.open(f"/cases/{case.reference}/", case.reference, report.reference)
    child = Person(browser, base, ot)
    child.follow_notifications(case.reference)
    cases.child_acknowledge(involvement=case.child, actor=ot,
                            note="Social worker assigned")

    # 5. Police certify; a senior officer who did not ask endorses.
    cert = cases.certification_request(case=case, actor=police_inv, assessment=ASSESSMENT)
    seniors = Person(browser, base, senior)
    seniors.follow_notifications(cert.reference)
    cases.certification_endorse(certification=cert, actor=senior, note="s98D met")
    case.refresh_from_db()
    police.open(f"/cases/{case.reference}/", "Actual")

    # 6. Consented referrals reach health and housing; each sees only its own fields.
    for purpose in ("health", "housing"):
        cases.consent_record(case=case, actor=police_inv, purpose=purpose, granted=True,
                             how_obtained="in person, with her OT social worker")
    cases.referral_create(case=case, actor=police_inv, service="health",
                          agency_code="HEALTH_NZ")
    cases.referral_create(case=case, actor=police_inv, service="housing",
                          agency_code="KAINGA_ORA")
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
    screening.watchlist_import(
        actor=analyst, list_name="Suspects", reason="Named in the café investigation",
        file_name="w.csv",
        data=b"id,full_name,date_of_birth,nationality\n1,Viliami Kata,1975-04-04,TON\n")
    screening.ingest_file(actor=officer, file_name="NZ951.csv", data=(
        b"family_name,given_names,date_of_birth,nationality,document_number,arrival_port\n"
        b"Kata,Viliami,1975-04-04,TON,T1234567,AKL\n"))
    alert = Alert.objects.get()
    with TestCase.captureOnCommitCallbacks(execute=True):
        disposition = screening.alert_dispose(actor=officer, alert=alert,
                                              outcome="trafficking",
                                              note="Owner of the café in the Police case")
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

    # The auditor finds the refusals of the walk.
    audit = Person(browser, base, auditor)
    audit.open("/audit/?action=refused&agency=HEALTH_NZ", f"/cases/{case.reference}/")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REFUSED,
                                     actor_username="ko_housing").exists()
