"""Screening services: profiles (versions, tests, publishing), alerts from all three checks,
dispositions and their measures, and who may do what."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import TestCase
from django.utils import timezone

from tests.screening.conftest import PAXLST_AKL
from tiaki.accounts.roles import Role
from tiaki.audit.models import AuditEvent
from tiaki.core.models import Notification
from tiaki.core.policy import Refused, visible
from tiaki.screening import selectors, services
from tiaki.screening.models import (
    Alert,
    Disposition,
    PublishedVersionError,
    RiskProfileVersion,
    Traveller,
)

pytestmark = pytest.mark.django_db

YOUNG_THAI = 'nationality == "THA" and age < 21'


YOUNG_THAI_TESTS = (("19-year-old", "nationality: THA\nage: 19", True),
                    ("adult", "nationality: THA\nage: 35", False))


def _published_profile(analyst: Any, expression: str = YOUNG_THAI,
                       tests: tuple[tuple[str, str, bool], ...] = YOUNG_THAI_TESTS
                       ) -> RiskProfileVersion:
    profile = services.profile_create(actor=analyst, name="Young recruits", description="",
                                      expression=expression)
    for label, facts, must_hit in tests:
        services.profile_test_add(actor=analyst, profile=profile, label=label, facts=facts,
                                  must_hit=must_hit)
    version = profile.latest()
    assert version is not None
    return services.profile_publish(actor=analyst, version=version)


def _ingest(actor: Any, data: bytes, file_name: str) -> services.IngestOutcome:
    # Screening is queued when the ingest commits; run it as the worker would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.ingest_file(actor=actor, data=data, file_name=file_name)


def _ingest_akl(actor: Any) -> services.IngestOutcome:
    return _ingest(actor, PAXLST_AKL.encode(), "akl.edi")


def test_each_edit_makes_a_version_and_published_versions_never_change(analyst: Any) -> None:
    version = _published_profile(analyst)
    profile = version.profile
    v2 = services.profile_version_save(actor=analyst, profile=profile,
                                       expression='nationality == "THA" and age < 20',
                                       effective_from=timezone.localdate(), note="narrower")
    assert (v2.number, v2.status) == (2, RiskProfileVersion.Status.DRAFT)
    version.refresh_from_db()
    assert version.status == RiskProfileVersion.Status.PUBLISHED
    assert version.expression == YOUNG_THAI
    version.expression = "age < 99"
    with pytest.raises(PublishedVersionError):
        version.save()
    # Publishing v2 retires v1 (its alerts keep naming it).
    services.profile_publish(actor=analyst, version=v2)
    version.refresh_from_db()
    assert version.status == RiskProfileVersion.Status.RETIRED
    assert AuditEvent.objects.filter(object_type="screening.riskprofileversion",
                                     summary__contains="published").count() == 2


def test_publishing_needs_a_passing_test_set(analyst: Any) -> None:
    profile = services.profile_create(actor=analyst, name="P", description="",
                                      expression=YOUNG_THAI)
    version = profile.latest()
    assert version is not None
    with pytest.raises(Refused, match="at least one test record that must hit"):
        services.profile_publish(actor=analyst, version=version)
    services.profile_test_add(actor=analyst, profile=profile, label="adult must hit",
                              facts="nationality: THA\nage: 40", must_hit=True)
    with pytest.raises(Refused, match="1 test\\(s\\) failed: 'adult must hit' should hit"):
        services.profile_publish(actor=analyst, version=version)
    version.refresh_from_db()
    assert version.status == RiskProfileVersion.Status.DRAFT


def test_a_bad_rule_is_refused_with_its_position(analyst: Any) -> None:
    with pytest.raises(Refused, match="line 1, column 12: attribute access"):
        services.profile_create(actor=analyst, name="P", description="",
                                expression='nationality.upper() == "THA"')


def test_only_analysts_write_profiles(officer: Any, analyst: Any, make_user: Any) -> None:
    with pytest.raises(Refused, match="only intelligence analysts"):
        services.profile_create(actor=officer, name="P", description="", expression="age < 1")
    version = _published_profile(analyst)
    other = make_user("mbie-analyst", "MBIE", [Role.INTELLIGENCE_ANALYST])
    with pytest.raises(Refused, match="belongs to"):
        services.profile_version_save(actor=other, profile=version.profile,
                                      expression="age < 2")
    assert not visible(officer, RiskProfileVersion).exists()


def test_ingest_raises_alerts_from_profiles_watchlists_and_lost_documents(
    analyst: Any, posts: Any
) -> None:
    version = _published_profile(analyst)
    services.watchlist_import(
        actor=analyst, list_name="Trafficking suspects", reason="Named in an investigation",
        file_name="w.csv",
        data=b"id,given_name,family_name,date_of_birth,nationality\nW1,Richard,Roe,1980-01-01,GBR\n")
    services.lost_document_record(actor=analyst, number="510012345", issuer="GB",
                                  status="stolen", reference="SLTD-1")

    outcome = _ingest_akl(analyst)

    assert outcome.batch.added_count == 2
    batch = outcome.batch
    batch.refresh_from_db()
    assert batch.status == "done" and batch.screen_done == 2
    alerts = {a.source: a for a in Alert.objects.select_related("traveller", "post")}
    assert set(alerts) == {"profile", "watchlist", "lost_document"}
    young = alerts["profile"]
    assert young.traveller.family_name.upper() == "DOE"
    assert young.profile_version == version
    assert "age=18" in young.explanation and "Young recruits v1" in young.explanation
    assert young.post.code == "AKL"
    assert alerts["watchlist"].traveller.family_name.upper() == "ROE"
    assert alerts["watchlist"].score is not None
    # The traveller's 510O12345 read the letter O where the register has 0.
    doc = alerts["lost_document"]
    assert "O→0 at position 4" in doc.explanation and "Stolen" in doc.explanation
    assert batch.alert_count == 3

    # Re-ingesting (and re-screening) raises nothing new.
    again = _ingest_akl(analyst)
    assert again.batch.added_count == 0 and Alert.objects.count() == 3


def test_officers_see_only_their_posts_alerts(
    analyst: Any, officer: Any, visa_officer: Any, personas: Any, make_user: Any
) -> None:
    _published_profile(analyst)
    _ingest_akl(analyst)
    assert visible(officer, Alert).count() == 1  # Customs runs the Auckland post
    assert not visible(visa_officer, Alert).exists()  # MBIE: visa queue only
    assert not visible(personas["police"], Alert).exists()
    from tiaki.screening.models import Post, PostMembership

    wellington = make_user("wlg", "CUSTOMS", [Role.FRONTLINE])
    PostMembership.objects.create(user=wellington, post=Post.objects.get(code="WLG"))
    assert not visible(wellington, Alert).exists()


def test_visa_applications_go_to_the_visa_queue(analyst: Any, visa_officer: Any) -> None:
    services.profile_create(actor=analyst, name="x", description="", expression="age < 1")
    data = (b'{"application_id": "A-1", "family_name": "Doe", "given_names": "Mali", '
            b'"date_of_birth": "2008-01-02", "nationality": "THA", '
            b'"employer": {"name": "Golden Fields"}}')
    outcome = _ingest(visa_officer, data, "app.json")
    assert outcome.batch.format == "json" and outcome.batch.added_count == 1
    app = Traveller.objects.get()
    assert app.kind == "visa_application" and app.post is not None
    assert app.post.code == "INZ-VISA" and app.party("employer") == "Golden Fields"


def test_trafficking_disposition_reports_and_counts(
    analyst: Any, officer: Any, personas: Any
) -> None:
    _published_profile(analyst)
    _ingest_akl(analyst)
    alert = Alert.objects.get()
    with pytest.raises(Refused, match="only border and visa officers"):
        services.alert_dispose(actor=analyst, alert=alert, outcome="cleared")
    with pytest.raises(Refused, match="a note is required"):
        services.alert_dispose(actor=officer, alert=alert, outcome="trafficking")

    disposition = services.alert_dispose(actor=officer, alert=alert, outcome="trafficking",
                                         note="Passport held by companion; debt described")

    # A triage item for Police and MBIE, whose investigators are told; the officer goes on
    # to a frontline screening of the person, labelled (not named), with the indicator set
    # for her age group.
    report = disposition.report
    assert report is not None and report.channel == "border_alert"
    assert {r.agency.code for r in report.routes.all()} == {"POLICE", "MBIE"}
    assert disposition.follow_up == ("Frontline screening opened; referred to Police and "
                                     f"MBIE investigators as {report.reference}")
    assert "Passport held by companion" in report.what_seen
    assert "DOE" not in report.what_seen.upper() and "JANE" not in report.what_seen.upper()
    assert disposition.follow_up_url.startswith("/intake/screening/new/?")
    assert "age_group=adult" in disposition.follow_up_url  # 18 on the day she lands
    assert "subject_label=Border+alert" in disposition.follow_up_url
    assert "DOE" not in disposition.follow_up_url.upper()
    police = personas["police"]
    note = Notification.objects.get(recipient=police)
    assert "suspected trafficking" in note.subject and "DOE" not in note.body.upper()
    assert note.url == f"/intake/triage/{report.pk}/"
    # Need to know: the investigator may open this alert and its traveller, nothing else
    # of the passenger list; the frontline officer of another agency sees nothing.
    assert list(visible(police, Alert)) == [alert]
    assert list(visible(police, Traveller)) == [alert.traveller]
    assert Traveller.objects.count() == 2
    assert not visible(personas["mbie"], Alert).exists()
    with pytest.raises(Refused, match="already has a disposition"):
        services.alert_dispose(actor=officer, alert=alert, outcome="cleared")
    total, by_month = selectors.border_reports(analyst)
    assert total == 1 and by_month[0].reports == 1
    review = selectors.profile_review(analyst)
    assert [(r.alerts, r.decided, r.positive, r.precision) for r in review] == [(1, 1, 1, 1.0)]


def test_precision_counts_cleared_alerts_against_the_version(analyst: Any, officer: Any) -> None:
    _published_profile(analyst, 'arrival_port == "AKL"',
                       (("Auckland", "arrival_port: AKL", True),
                        ("Wellington", "arrival_port: WLG", False)))
    _ingest_akl(analyst)
    first, second = Alert.objects.order_by("pk")
    services.alert_dispose(actor=officer, alert=first, outcome="cleared")
    services.alert_dispose(actor=officer, alert=second, outcome="referred", note="to MBIE")
    [review] = selectors.profile_review(analyst)
    assert (review.alerts, review.decided, review.positive) == (2, 2, 1)
    assert review.precision == 0.5
    assert Disposition.objects.filter(outcome="cleared").count() == 1


def test_preview_counts_last_months_records(analyst: Any) -> None:
    _ingest_akl(analyst)
    old = Traveller.objects.get(family_name__iexact="ROE")
    preview = selectors.profile_preview(analyst, 'arrival_port == "AKL"')
    assert (preview.checked, preview.hits) == (2, 2)
    Traveller.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=40))
    preview = selectors.profile_preview(analyst, 'arrival_port == "AKL"')
    assert (preview.checked, preview.hits) == (1, 1)
    assert [t.family_name.upper() for t in preview.shown] == ["DOE"]


def test_register_import_is_idempotent_and_reports_bad_rows(analyst: Any, officer: Any) -> None:
    data = (b"document_number,issuer,status,reference\n"
            b"AB123456,NZL,stolen,R1\nCD-999 888,NZ,lost,R2\n,NZL,lost,R3\nZZ1,Q,lost,R4\n")
    first = services.lost_documents_import(actor=analyst, data=data, file_name="r.csv")
    assert (first.added, first.updated, first.unchanged) == (2, 0, 0)
    assert first.problems[0].startswith("line 4: the document number is empty")
    assert "line 5" in first.problems[1]
    second = services.lost_documents_import(actor=analyst, data=data, file_name="r.csv")
    assert (second.added, second.updated, second.unchanged) == (0, 0, 2)
    with pytest.raises(Refused):
        services.lost_documents_import(actor=officer, data=data, file_name="r.csv")


def test_watchlist_import_is_idempotent(analyst: Any) -> None:
    data = b"id,full_name,date_of_birth\n1,Ana Lima,1990\n2,Bad Date,1990-13-45x\n"
    first = services.watchlist_import(actor=analyst, data=data, file_name="w.csv",
                                      list_name="L", reason="r")
    assert (first.added, len(first.problems)) == (1, 1)
    assert "line 3, field date_of_birth" in first.problems[0]
    second = services.watchlist_import(actor=analyst, data=data, file_name="w.csv",
                                       list_name="L", reason="r")
    assert (second.added, second.updated, second.unchanged) == (0, 0, 1)


def test_single_record_screening_uses_all_checks(analyst: Any, officer: Any) -> None:
    _published_profile(analyst)
    services.lost_document_record(actor=analyst, number="X1234567", issuer="THA")
    fields = {"family_name": "Doe", "given_names": "Jane", "date_of_birth": "2007-05-14",
              "nationality": "THA", "passport_number": "X1234567", "issuing_country": "THA"}
    outcome = services.record_screen(actor=officer, fields=fields, kind="traveller")
    assert outcome.created
    assert {a.source for a in outcome.alerts} == {"profile", "lost_document"}
    again = services.record_screen(actor=officer, fields=fields, kind="traveller")
    assert not again.created and again.traveller == outcome.traveller
    assert Alert.objects.count() == 2


def test_document_fraud_summary_counts_hits_and_confirmations(analyst: Any,
                                                              officer: Any) -> None:
    services.lost_document_record(actor=analyst, number="510012345", issuer="GBR",
                                  status="stolen")
    _ingest_akl(analyst)
    [row] = selectors.document_fraud(analyst)
    assert (row.issuer, row.status, row.alerts, row.confirmed) == ("GBR", "stolen", 1, 0)
    services.alert_dispose(actor=officer, alert=Alert.objects.get(), outcome="referred",
                           note="document fraud team")
    [row] = selectors.document_fraud(analyst)
    assert row.confirmed == 1


def test_replacing_a_watchlist_takes_people_off_and_the_api_sees_it(
    analyst: Any, officer: Any
) -> None:
    header = b"id,given_name,family_name,date_of_birth,nationality\n"
    services.watchlist_import(actor=analyst, data=header + b"1,Richard,Roe,1980-01-01,GBR\n"
                              b"2,Ana,Lima,1990-05-05,BRA\n", file_name="w.csv",
                              list_name="L", reason="r")
    fields = {"family_name": "Roe", "given_names": "Richard", "date_of_birth": "1980-01-01",
              "nationality": "GBR"}
    assert services.record_screen(actor=officer, fields=fields, kind="traveller").alerts
    out = services.watchlist_import(actor=analyst, data=header + b"2,Ana,Lima,1990-05-05,BRA\n",
                                    file_name="w2.csv", list_name="L", reason="r",
                                    replace=True)
    assert (out.removed, out.unchanged) == (1, 1)
    from tiaki.screening.models import WatchlistEntry

    assert not WatchlistEntry.objects.get(external_id="1").active
    other = {**fields, "date_of_birth": "1980-01-02"}  # a new record, same person
    assert services.record_screen(actor=officer, fields=other, kind="traveller").alerts == []


def test_retiring_and_test_removal(analyst: Any, officer: Any) -> None:
    version = _published_profile(analyst)
    with pytest.raises(Refused, match="say why"):
        services.profile_retire(actor=analyst, version=version, reason=" ")
    services.profile_retire(actor=analyst, version=version, reason="review: no hits in a year")
    version.refresh_from_db()
    assert version.status == RiskProfileVersion.Status.RETIRED
    _ingest_akl(analyst)
    assert not Alert.objects.exists()  # a retired version raises nothing
    case = version.profile.tests.first()
    assert case is not None
    with pytest.raises(Refused):
        services.profile_test_remove(actor=officer, case=case)
    services.profile_test_remove(actor=analyst, case=case)
    assert version.profile.tests.count() == 1


def test_effective_dates_limit_when_a_version_fires(analyst: Any) -> None:
    profile = services.profile_create(
        actor=analyst, name="Later", description="", expression='arrival_port == "AKL"',
        effective_from=timezone.localdate() + dt.timedelta(days=7))
    services.profile_test_add(actor=analyst, profile=profile, label="AKL",
                              facts="arrival_port: AKL", must_hit=True)
    version = profile.latest()
    assert version is not None
    services.profile_publish(actor=analyst, version=version)
    _ingest_akl(analyst)
    assert not Alert.objects.exists()
    with pytest.raises(Refused, match="cannot end before it starts"):
        services.profile_version_save(actor=analyst, profile=profile, expression="age < 1",
                                      effective_from=timezone.localdate(),
                                      effective_to=timezone.localdate() - dt.timedelta(days=1))


def test_administrators_assign_officers_to_posts(make_user: Any, officer: Any,
                                                 posts: Any) -> None:
    admin = make_user("admin", "CUSTOMS", [Role.ADMINISTRATOR])
    with pytest.raises(Refused):
        services.post_membership_set(actor=officer, user=officer, posts=[posts["WLG"]])
    services.post_membership_set(actor=admin, user=officer, posts=[posts["WLG"]])
    from tiaki.screening.policies import posts_of

    assert list(posts_of(officer)) == [posts["WLG"]]


def test_a_failing_mrz_can_be_profiled(analyst: Any) -> None:
    _published_profile(analyst, "mrz_valid == false",
                       (("bad MRZ", "mrz_valid: no", True), ("good MRZ", "mrz_valid: yes", False)))
    good = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10")  # ICAO Doc 9303 specimen
    bad = good.replace("L898902C36", "L898902C37")
    data = f'id,mrz\n1,"{good}"\n2,"{bad}"\n'.encode()
    outcome = _ingest(analyst, data, "mrz.csv")
    assert outcome.batch.added_count == 2
    assert any("check digit is 7, computed 6" in p["reason"] for p in outcome.problems)
    alert = Alert.objects.get()
    assert alert.traveller.external_id == "2" and alert.traveller.mrz_valid is False
    assert "mrz_valid=False" in alert.explanation


def test_publishing_screens_travellers_still_to_arrive(analyst: Any) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    upcoming = PAXLST_AKL.replace("DTM+232:2603011200", f"DTM+232:{tomorrow:%y%m%d}1200")
    _ingest(analyst, upcoming.encode(), "upcoming.edi")  # arrives tomorrow
    _ingest(analyst, PAXLST_AKL.replace("TA101", "TA909").encode(), "past.edi")  # landed
    assert not Alert.objects.exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        version = _published_profile(analyst, 'arrival_port == "AKL"',
                                     (("AKL", "arrival_port: AKL", True),))
    alerts = Alert.objects.select_related("traveller")
    assert {a.traveller.arrival_date for a in alerts} == {tomorrow}
    assert len(alerts) == 2 and all(a.profile_version == version for a in alerts)
