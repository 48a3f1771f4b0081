"""Workflow rules of issue 4, each refused with a plain reason (seed 002 items 13-28)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests.cases.conftest import ASSESSMENT, certify, consent_all, open_case
from tiaki.accounts.models import User
from tiaki.audit.models import AuditEvent
from tiaki.cases import selectors, services
from tiaki.cases.models import (
    Certification,
    ChildInvolvement,
    MinisterNotice,
    Referral,
    Repatriation,
    VictimCase,
)
from tiaki.core.models import Notification, ReferenceCounter
from tiaki.core.policy import Refused

pytestmark = pytest.mark.django_db
Team = dict[str, User]


def test_case_reference_is_pseudonymous_and_sequential(team: Team) -> None:
    first = open_case(team["investigator"])
    second = open_case(team["investigator"])
    year = timezone.localdate().year
    assert first.reference == f"VC-{year}-0001"
    assert second.reference == f"VC-{year}-0002"
    assert first.age is not None and first.age >= 29 and not first.is_child
    assert first.agency.code == "POLICE"


def test_only_case_roles_open_cases(team: Team) -> None:
    with pytest.raises(Refused, match="only an investigator"):
        open_case(team["health"])


def test_unknown_exploitation_type_is_refused(team: Team) -> None:
    with pytest.raises(Refused, match="unknown type of exploitation"):
        open_case(team["investigator"], exploitation_types=["Smuggling"])


def test_forced_criminality_is_accepted(team: Team) -> None:
    case = open_case(team["investigator"], exploitation_types=["ForcedCriminality"])
    assert case.exploitation_types == ["ForcedCriminality"]


def test_endorsing_ones_own_request_is_refused(case: VictimCase, team: Team) -> None:
    cert = services.certification_request(case=case, actor=team["senior2"],
                                          assessment=ASSESSMENT)
    with pytest.raises(Refused, match="you requested this certification"):
        services.certification_endorse(certification=cert, actor=team["senior2"])
    cert.refresh_from_db()
    assert cert.status == Certification.Status.REQUESTED
    issued = services.certification_endorse(certification=cert, actor=team["senior"])
    assert issued.status == Certification.Status.ISSUED


def test_only_police_investigators_request_and_seniors_endorse(case: VictimCase,
                                                               team: Team) -> None:
    with pytest.raises(Refused, match="only the case team"):
        services.certification_request(case=case, actor=team["health"], assessment=ASSESSMENT)
    services.member_add(case=case, actor=team["investigator"], username="mbiecm")
    with pytest.raises(Refused, match="Police investigator"):
        services.certification_request(case=case, actor=team["mbie_cm"], assessment=ASSESSMENT)
    cert = services.certification_request(case=case, actor=team["investigator"],
                                          assessment=ASSESSMENT)
    with pytest.raises(Refused, match="senior Police officer"):
        services.certification_endorse(certification=cert, actor=team["investigator"])


def test_assessment_must_cover_each_s98d_element(case: VictimCase, team: Team) -> None:
    partial = {**ASSESSMENT, "means": {"findings": [], "evidence": ""}}
    with pytest.raises(Refused, match="Means: record what was found"):
        services.certification_request(case=case, actor=team["investigator"],
                                       assessment=partial)
    bad = {**ASSESSMENT, "act": {"findings": ["teleportation"], "evidence": "x"}}
    with pytest.raises(Refused, match="unknown finding"):
        services.certification_request(case=case, actor=team["investigator"], assessment=bad)


def test_one_active_certification_at_a_time(case: VictimCase, team: Team) -> None:
    certify(case, team)
    with pytest.raises(Refused, match="already issued"):
        services.certification_request(case=case, actor=team["investigator"],
                                       assessment=ASSESSMENT)


def test_the_minister_is_told_as_cases_arise_anonymously(case: VictimCase,
                                                          team: Team) -> None:
    # Seed 002: "informed of any cases of people trafficking as they arise": on opening,
    # certification, revocation and closure, with reference, agency, region, exploitation
    # and age band, never identifying details.
    cert = certify(case, team)
    notice = MinisterNotice.objects.get(certification=cert)
    assert notice.kind == "certified" and notice.reference == case.reference
    assert notice.agency == str(case.agency) and notice.exploitation == "Forced labour"
    assert notice.age_band and notice.region
    for text in (notice.summary, *Notification.objects.filter(
            recipient=team["minister"]).values_list("body", flat=True)):
        assert "Analyn" not in text and "Philippines" not in text
    services.certification_revoke(certification=cert, actor=team["senior"],
                                  reason="Not trafficked after all")
    services.case_close(case=case, actor=team["investigator"], reason="not_trafficking")
    kinds = [n.kind for n in selectors.minister_notices(team["minister"]).order_by("pk")]
    assert kinds == ["case_opened", "certified", "revoked", "closed"]
    assert Notification.objects.filter(recipient=team["minister"]).count() == 4
    assert list(selectors.minister_notices(team["investigator"])) == []


def test_revocation_needs_a_reason_and_stops_later_actions(case: VictimCase,
                                                           team: Team) -> None:
    cert = certify(case, team)
    consent_all(case, team["investigator"])
    health = services.referral_create(case=case, actor=team["investigator"], service="health",
                                      agency_code="HEALTH_NZ")
    with pytest.raises(Refused, match="reason"):
        services.certification_revoke(certification=cert, actor=team["senior"], reason=" ")
    services.certification_revoke(certification=cert, actor=team["senior"],
                                  reason="Further investigation: the work was freely chosen")
    health.refresh_from_db()
    assert health.status == Referral.Status.WITHDRAWN
    with pytest.raises(Refused, match="was revoked"):
        services.certification_revoke(certification=cert, actor=team["senior"], reason="again")
    with pytest.raises(Refused, match="was revoked"):
        services.certification_endorse(certification=cert, actor=team["senior2"])
    with pytest.raises(Refused, match="was revoked"):
        services.referral_create(case=case, actor=team["investigator"],
                                 service="msd_case_management", agency_code="MSD")
    with pytest.raises(Refused, match="was revoked"):
        services.referral_respond(referral=health, actor=team["health"], step="accept")
    history = [e.summary for e in cert.history.all()]
    assert any("revoked" in s for s in history) and any("requested" in s for s in history)


def test_certified_only_service_is_refused_for_uncertified_person(case: VictimCase,
                                                                  team: Team) -> None:
    consent_all(case, team["investigator"])
    with pytest.raises(Refused, match="Police-certified victims"):
        services.referral_create(case=case, actor=team["investigator"], service="health",
                                 agency_code="HEALTH_NZ")
    # ACC covers anyone (item 18), so it needs no certification.
    services.referral_create(case=case, actor=team["investigator"],
                             service="acc_rehabilitation", agency_code="ACC")


def test_service_must_go_to_an_agency_that_provides_it(case: VictimCase, team: Team) -> None:
    consent_all(case, team["investigator"])
    with pytest.raises(Refused, match="provided by MOJ"):
        services.referral_create(case=case, actor=team["investigator"], service="interpreter",
                                 agency_code="ACC")


def test_no_disclosure_without_or_after_withdrawn_consent(case: VictimCase,
                                                          team: Team) -> None:
    with pytest.raises(Refused, match="has not consented"):
        services.referral_create(case=case, actor=team["investigator"], service="interpreter",
                                 agency_code="MOJ")
    services.consent_record(case=case, actor=team["investigator"], purpose="interpreter",
                            granted=True)
    referral = services.referral_create(case=case, actor=team["investigator"],
                                        service="interpreter", agency_code="MOJ",
                                        appointment="Tue 10am, Manukau District Court")
    shared = services.referral_disclose(referral=referral, actor=team["moj"])
    assert shared == {"reference": case.reference, "languages": "Tagalog, English",
                      "appointment": "Tue 10am, Manukau District Court"}
    withdrawn = services.consent_record(case=case, actor=team["investigator"],
                                        purpose="interpreter", granted=False)
    assert withdrawn.version == 2
    with pytest.raises(Refused, match="withdrew consent"):
        services.referral_disclose(referral=referral, actor=team["moj"])
    with pytest.raises(Refused, match="withdrew consent"):
        services.referral_create(case=case, actor=team["investigator"],
                                 service="interpreter", agency_code="MOJ")


def test_referral_lifecycle_and_outcome(case: VictimCase, team: Team) -> None:
    consent_all(case, team["investigator"])
    referral = services.referral_create(case=case, actor=team["investigator"],
                                        service="acc_rehabilitation", agency_code="ACC")
    assert referral.due_date == timezone.localdate() + dt.timedelta(days=5)
    with pytest.raises(Refused, match="only ACC staff"):
        services.referral_respond(referral=referral, actor=team["health"], step="accept")
    with pytest.raises(Refused, match="cannot take the step"):
        services.referral_respond(referral=referral, actor=team["acc"], step="start")
    services.referral_respond(referral=referral, actor=team["acc"], step="accept")
    services.referral_respond(referral=referral, actor=team["acc"], step="start")
    with pytest.raises(Refused, match="record the outcome"):
        services.referral_respond(referral=referral, actor=team["acc"], step="complete")
    services.referral_respond(referral=referral, actor=team["acc"], step="complete",
                              outcome="Claim accepted; physiotherapy funded")
    assert referral.status == Referral.Status.COMPLETED
    with pytest.raises(Refused, match="already completed"):
        services.referral_withdraw(referral=referral, actor=team["investigator"], reason="x")


def test_overdue_referrals_are_reminded_once_a_day(case: VictimCase, team: Team) -> None:
    consent_all(case, team["investigator"])
    referral = services.referral_create(case=case, actor=team["investigator"],
                                        service="housing", agency_code="KAINGA_ORA")
    later = referral.due_date + dt.timedelta(days=1)
    assert services.referrals_remind_overdue(today=referral.due_date) == 0
    assert services.referrals_remind_overdue(today=later) == 1
    assert services.referrals_remind_overdue(today=later) == 0
    assert Notification.objects.filter(recipient=team["housing"],
                                       subject__startswith="Overdue").count() == 1
    overdue = selectors.overdue(Referral.objects.all(), today=later)
    assert list(overdue) == [referral]


def test_overdue_task_runs(case: VictimCase, team: Team) -> None:
    from tiaki.cases.tasks import remind_overdue_referrals

    consent_all(case, team["investigator"])
    referral = services.referral_create(case=case, actor=team["investigator"],
                                        service="housing", agency_code="KAINGA_ORA")
    Referral.objects.filter(pk=referral.pk).update(
        due_date=timezone.localdate() - dt.timedelta(days=2))
    result = remind_overdue_referrals.enqueue()
    assert result.return_value == 1


def test_child_case_waits_for_oranga_tamariki(team: Team) -> None:
    case = open_case(team["investigator"], identity={"given_names": "Mele"}, age=15)
    assert case.is_child
    involvement = ChildInvolvement.objects.get(case=case)
    assert Notification.objects.filter(recipient=team["ot"]).exists()
    consent_all(case, team["investigator"])
    with pytest.raises(Refused, match="Oranga Tamariki must acknowledge"):
        services.certification_request(case=case, actor=team["investigator"],
                                       assessment=ASSESSMENT)
    with pytest.raises(Refused, match="Oranga Tamariki must acknowledge"):
        services.referral_create(case=case, actor=team["investigator"],
                                 service="acc_rehabilitation", agency_code="ACC")
    # The referral to Oranga Tamariki itself is what the rule is for.
    services.referral_create(case=case, actor=team["investigator"],
                             service="child_protection", agency_code="ORANGA_TAMARIKI")
    with pytest.raises(Refused, match="only Oranga Tamariki"):
        services.child_acknowledge(involvement=involvement, actor=team["investigator"])
    services.child_acknowledge(involvement=involvement, actor=team["ot"],
                               note="Social worker assigned")
    # For a child the means need not be shown (Palermo art. 3(c)).
    no_means = {**ASSESSMENT, "means": {"findings": [], "evidence": ""}}
    cert = services.certification_request(case=case, actor=team["investigator"],
                                          assessment=no_means)
    assert cert.status == Certification.Status.REQUESTED


def test_repatriation_needs_a_humanitarian_assessment_and_tasks_mfat(case: VictimCase,
                                                                     team: Team) -> None:
    travel = timezone.localdate() + dt.timedelta(days=14)
    consent_all(case, team["investigator"])
    with pytest.raises(Refused, match="humanitarian assessment is needed"):
        services.repatriation_plan(case=case, actor=team["investigator"],
                                   destination_country="Philippines", travel_date=travel)
    services.humanitarian_assess(case=case, actor=team["investigator"], wishes_to_return=True,
                                 safe_to_return=True, recommendation="return",
                                 considerations="Family support in Manila; wants to go home")
    trip = services.repatriation_plan(case=case, actor=team["investigator"],
                                      destination_country="Philippines", travel_date=travel)
    assert trip.mfat_task is not None
    assert trip.mfat_task.agency.code == "MFAT"
    assert list(selectors.referral_inbox(team["mfat"], "open")) == [trip.mfat_task]
    shared = services.referral_disclose(referral=trip.mfat_task, actor=team["mfat"])
    assert "Philippines" in shared["repatriation"]
    services.repatriation_complete(repatriation=trip, actor=team["investigator"])
    assert Repatriation.objects.get().status == Repatriation.Status.COMPLETED


def test_repatriation_without_consent_for_mfat_leaves_nothing(case: VictimCase,
                                                              team: Team) -> None:
    services.humanitarian_assess(case=case, actor=team["investigator"], wishes_to_return=True,
                                 safe_to_return=True, recommendation="return",
                                 considerations="Wants to go home")
    with pytest.raises(Refused, match="has not consented"):
        services.repatriation_plan(case=case, actor=team["investigator"],
                                   destination_country="Philippines",
                                   travel_date=timezone.localdate() + dt.timedelta(days=3))
    assert not Repatriation.objects.exists()


def test_high_risk_alerts_the_case_team(case: VictimCase, team: Team) -> None:
    with pytest.raises(Refused, match="protective measures"):
        services.risk_assess(case=case, actor=team["investigator"], level="high",
                             assessment="Threats to family", measures="",
                             review_on=timezone.localdate())
    services.risk_assess(case=case, actor=team["investigator"], level="high",
                         assessment="Threats made to family in Batangas",
                         measures="Safe house; liaison officer informed",
                         review_on=timezone.localdate() + dt.timedelta(days=7),
                         family_abroad_at_risk=True)
    alerted = set(Notification.objects.filter(subject__startswith="HIGH RISK")
                  .values_list("recipient__username", flat=True))
    assert {"inv", "snr", "snr2"} <= alerted
    assert "health" not in alerted and "mbiecm" not in alerted
    services.member_add(case=case, actor=team["investigator"], username="mbiecm")
    with pytest.raises(Refused, match="made by Police"):
        services.risk_assess(case=case, actor=team["mbie_cm"], level="low", assessment="x",
                             measures="", review_on=timezone.localdate())


def test_immigration_and_justice_records(case: VictimCase, team: Team) -> None:
    today = timezone.localdate()
    application = services.immigration_lodge(case=case, actor=team["investigator"],
                                             kind="temporary", lodged_on=today)
    services.immigration_decide(application=application, actor=team["investigator"],
                                status="granted", decided_on=today, note="12 months")
    with pytest.raises(Refused, match="already decided"):
        services.immigration_decide(application=application, actor=team["investigator"],
                                    status="declined", decided_on=today)
    with pytest.raises(Refused, match="needs an interpreter"):
        services.interview_plan(case=case, actor=team["investigator"],
                                planned_for=timezone.now())
    services.interview_plan(case=case, actor=team["investigator"], planned_for=timezone.now(),
                            interpreter_language="Tagalog", support_person=True)
    case.refresh_from_db()
    assert case.witness_statement == "planned"
    with pytest.raises(Refused, match="Ministry of Justice"):
        services.court_date_add(case=case, actor=team["investigator"], on=today,
                                court="Napier District Court", hearing="Depositions",
                                adviser_username="health")
    hearing = services.court_date_add(case=case, actor=team["investigator"], on=today,
                                      court="Napier District Court", hearing="Depositions",
                                      adviser_username="moj")
    services.court_outcome(court_date=hearing, actor=team["investigator"],
                           outcome="Committed for trial")
    services.compensation_informed(case=case, actor=team["investigator"], on=today)


def test_closure_feeds_the_measures(case: VictimCase, team: Team) -> None:
    certify(case, team)
    consent_all(case, team["investigator"])
    acc = services.referral_create(case=case, actor=team["investigator"],
                                   service="acc_rehabilitation", agency_code="ACC")
    with pytest.raises(Refused, match="still open"):
        services.case_close(case=case, actor=team["investigator"], reason="returned_home")
    services.referral_respond(referral=acc, actor=team["acc"], step="accept")
    services.referral_respond(referral=acc, actor=team["acc"], step="complete", outcome="Done")
    services.compensation_informed(case=case, actor=team["investigator"],
                                   on=timezone.localdate())
    services.case_close(case=case, actor=team["investigator"], reason="returned_home",
                        note="Returned with IOM support")
    case.refresh_from_db()
    assert case.is_closed and case.services_received == ["acc_rehabilitation"]
    with pytest.raises(Refused, match="is closed"):
        services.consent_record(case=case, actor=team["investigator"], purpose="housing",
                                granted=False)
    period = selectors.period_from(None, None)
    rows = {(item, label): n for item, label, n in selectors.measures(period)}
    assert rows[("13", "Police certifications issued")] == 1
    assert rows[("14", "Cases closed: returned home")] == 1
    assert rows[("18", "ACC rehabilitation referrals completed")] == 1
    assert rows[("28", "Victims informed of compensation")] == 1
    assert selectors.services_received(period) == [("ACC treatment and rehabilitation", 1)]


def test_certification_counts_per_period(team: Team) -> None:
    first = open_case(team["investigator"])
    second = open_case(team["investigator"])
    cert = certify(first, team)
    certify(second, team)
    services.certification_revoke(certification=cert, actor=team["senior"],
                                  reason="Found to be a labour dispute")
    today = timezone.localdate()
    counts = selectors.certification_counts(selectors.period_from(today.isoformat(),
                                                                  today.isoformat()))
    assert counts["issued"] == 2 and counts["withdrawn"] == 1
    empty = selectors.certification_counts(selectors.period_from("2020-01-01", "2020-12-31"))
    assert empty["issued"] == empty["withdrawn"] == 0


def test_every_state_change_is_audited(case: VictimCase, team: Team) -> None:
    cert = certify(case, team)
    actions = list(AuditEvent.objects.filter(object_type="cases.certification",
                                             object_id=str(cert.pk))
                   .values_list("actor_username", flat=True))
    assert sorted(actions) == ["inv", "snr"]


def test_a_new_counter_starts_after_the_highest_stored_reference(case: VictimCase,
                                                                 team: Team) -> None:
    year = timezone.localdate().year
    VictimCase.objects.filter(pk=case.pk).update(reference=f"VC-{year}-0041")
    ReferenceCounter.objects.all().delete()  # e.g. data restored or imported without counters
    assert open_case(team["investigator"]).reference == f"VC-{year}-0042"


def test_references_keep_counting_past_9999(case: VictimCase, team: Team) -> None:
    year = timezone.localdate().year
    VictimCase.objects.filter(pk=case.pk).update(reference=f"VC-{year}-9999")
    ReferenceCounter.objects.filter(stem=f"VC-{year}-").update(last=9999)
    assert open_case(team["investigator"]).reference == f"VC-{year}-10000"
    assert open_case(team["investigator"]).reference == f"VC-{year}-10001"


def test_team_members_without_a_case_role_cannot_reveal(case: VictimCase, team: Team) -> None:
    services.member_add(case=case, actor=team["investigator"], username="housing")
    with pytest.raises(Refused, match="only to investigators and case managers"):
        services.identity_reveal(case=case, actor=team["housing"], reason="to find a flat")
    services.member_add(case=case, actor=team["investigator"], username="mbiecm")
    assert services.identity_reveal(case=case, actor=team["mbie_cm"],
                                    reason="joint MBIE-Police case")["given_names"]


def test_identity_update_replaces_the_encrypted_details(case: VictimCase, team: Team) -> None:
    services.identity_update(case=case, actor=team["investigator"],
                             identity={"given_names": "Analyn", "family_name": "Tavita"})
    details = services.identity_reveal(case=case, actor=team["investigator"],
                                       reason="checking the correction")
    assert details == {"given_names": "Analyn", "family_name": "Tavita"}
    event = AuditEvent.objects.filter(action="update", object_type="cases.victimcase").get()
    assert "Tavita" not in str(event.changes) and event.changes["identifying_fields"] == [
        "family_name", "given_names"]


def test_a_birth_date_found_later_can_make_it_a_child_case(case: VictimCase,
                                                           team: Team) -> None:
    assert not case.is_child
    birth = timezone.localdate().replace(year=timezone.localdate().year - 16, day=1)
    services.identity_update(case=case, actor=team["investigator"],
                             identity={"given_names": "Analyn", "date_of_birth": birth})
    case.refresh_from_db()
    assert case.is_child and case.age == 16
    assert ChildInvolvement.objects.filter(case=case, acknowledged_at=None).exists()
    assert Notification.objects.filter(recipient=team["ot"]).exists()
    consent_all(case, team["investigator"])
    with pytest.raises(Refused, match="Oranga Tamariki must acknowledge"):
        services.referral_create(case=case, actor=team["investigator"],
                                 service="acc_rehabilitation", agency_code="ACC")


def test_certification_makes_the_case_an_actual_victim_and_revocation_undoes_it(
        case: VictimCase, team: Team) -> None:
    assert case.trafficking_status == "PossibleVictimOfTrafficking"
    cert = certify(case, team)
    case.refresh_from_db()
    assert case.trafficking_status == "ActualVictimOfTrafficking"
    services.certification_revoke(certification=cert, actor=team["senior"],
                                  reason="Found not to have been trafficked")
    case.refresh_from_db()
    assert case.trafficking_status == "NotAVictimOfTrafficking"


def test_certificate_date_is_shown_in_the_install_time_zone(
        case: VictimCase, team: Team, settings: Any) -> None:
    # 2 December 01:30 in Auckland is still 1 December in UTC.
    settings.TIME_ZONE = "Pacific/Auckland"
    cert = certify(case, team)
    cert.decided_at = dt.datetime(2026, 12, 1, 12, 30, tzinfo=dt.UTC)
    cert.save(update_fields=["decided_at"])
    referral = Referral(case=case, service="x", certification=cert)
    assert services._shared_value(case, referral, "certification", {}) == (
        f"{cert.reference}, issued 02 Dec 2026")
