"""Investigations: need-to-know access, the protocol, tasks, links, charges, outcomes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests.investigations.conftest import charged
from tiaki.accounts.models import User
from tiaki.audit.models import AuditEvent
from tiaki.cases.models import CourtDate, VictimCase
from tiaki.core.models import Notification
from tiaki.core.policy import NotVisible, Refused, get_visible, visible
from tiaki.investigations import selectors, services
from tiaki.investigations.models import (
    Charge,
    Investigation,
    ProtocolStep,
    ReparationOrder,
    Task,
)
from tiaki.investigations.protocol import ProtocolFileError, parse_protocol

pytestmark = pytest.mark.django_db
People = dict[str, User]


def test_only_the_team_sees_an_investigation(people: People, investigation: Investigation
                                             ) -> None:
    assert visible(people["mbie"], Investigation).count() == 1
    # Same agency and a senior role are not enough: need to know is membership.
    assert visible(people["outsider"], Investigation).count() == 0
    with pytest.raises(NotVisible):
        get_visible(people["outsider"], Investigation, reference=investigation.reference)
    with pytest.raises(NotVisible):
        get_visible(people["outsider"], Investigation, reference="INV-1999-0001")


def test_every_read_is_audited(people: People, investigation: Investigation) -> None:
    services.investigation_get(actor=people["mbie"], reference=investigation.reference,
                               channel="api")
    row = AuditEvent.objects.filter(action="read", object_id=str(investigation.pk)).get()
    assert row.actor_username == "inv_mere" and "api" in row.summary


def test_protocol_steps_start_on_events_and_late_ones_are_reminded(
        people: People, investigation: Investigation, shared_case: VictimCase) -> None:
    # Police leads, so only MBIE must be told of the opening.
    step = ProtocolStep.objects.get(investigation=investigation)
    assert step.code == "joint_agency_told" and step.agency.code == "MBIE"
    later = timezone.now() + dt.timedelta(hours=25)
    assert services.steps_remind_late(now=later) == 1
    assert services.steps_remind_late(now=later + dt.timedelta(hours=1)) == 0  # once a day
    assert Notification.objects.filter(recipient=people["mbie"],
                                       subject__startswith="Late:").exists()
    services.communication_record(investigation=investigation, actor=people["police"],
                                  agency_code="MBIE", channel="tiaki",
                                  summary="Joint investigation opened", step=step)
    step.refresh_from_db()
    assert step.done_at is not None and step.was_on_time
    # Via Tiaki it notifies MBIE's key contacts (the protocol's roles in MBIE).
    assert Notification.objects.filter(recipient=people["mbie_senior"]).exists()
    with pytest.raises(Refused, match="already done"):
        services.communication_record(investigation=investigation, actor=people["police"],
                                      agency_code="MBIE", channel="phone", summary="x",
                                      step=step)
    with pytest.raises(Refused, match="unknown channel"):
        services.communication_record(investigation=investigation, actor=people["police"],
                                      agency_code="MBIE", channel="pigeon", summary="x")


def test_tasks_across_agencies_and_closing_with_open_tasks(
        people: People, investigation: Investigation) -> None:
    due = timezone.localdate() + dt.timedelta(days=3)
    task = services.task_assign(investigation=investigation, actor=people["police"],
                                owner_username="inv_mere", title="Pull the employer's visas",
                                due_on=due)
    assert task.agency.code == "MBIE"
    with pytest.raises(Refused, match="must be on the investigation team"):
        services.task_assign(investigation=investigation, actor=people["police"],
                             owner_username="det_other", title="x", due_on=due)
    services.senior_assign(investigation=investigation, actor=people["police"],
                           senior=people["senior"])
    with pytest.raises(Refused, match="1 task\\(s\\) are still open"):
        services.investigation_close(investigation=investigation, actor=people["senior"],
                                     reason="no_offence")
    with pytest.raises(Refused, match="only the task's owner"):
        services.task_finish(task=task, actor=people["police"], status="done")
    services.task_finish(task=task, actor=people["mbie"], status="done", outcome="Attached")
    with pytest.raises(Refused, match="senior officer may close"):
        services.investigation_close(investigation=investigation, actor=people["police"],
                                     reason="no_offence")
    services.investigation_close(investigation=investigation, actor=people["senior"],
                                 reason="no_offence")
    assert Task.objects.get().status == "done"


def test_senior_officer_comes_from_the_lead_agency(people: People,
                                                   investigation: Investigation) -> None:
    with pytest.raises(Refused, match="lead agency"):
        services.senior_assign(investigation=investigation, actor=people["police"],
                               senior=people["mbie_senior"])
    with pytest.raises(Refused, match="not a senior officer"):
        services.senior_assign(investigation=investigation, actor=people["police"],
                               senior=people["mbie"])


def test_links_keep_their_own_access_rules(people: People, investigation: Investigation,
                                           shared_case: VictimCase) -> None:
    hidden: VictimCase = __import__("tests.cases.conftest", fromlist=["open_case"]).open_case(
        people["outsider"])
    # The linker must see the record: an unseen case answers like a missing one.
    with pytest.raises(NotVisible):
        services.link_add(investigation=investigation, actor=people["mbie"], kind="case",
                          target=hidden)
    services.link_add(investigation=investigation, actor=people["police"], kind="case",
                      target=hidden)
    services.link_add(investigation=investigation, actor=people["police"], kind="case",
                      target=shared_case)
    with pytest.raises(Refused, match="already linked"):
        services.link_add(investigation=investigation, actor=people["police"], kind="case",
                          target=shared_case)
    seen = {v.label for v in selectors.links_for(people["mbie"], investigation) if v.visible}
    assert seen == {shared_case.reference}
    assert len(selectors.links_for(people["mbie"], investigation)) == 2
    # Linking opens nothing: MBIE still cannot fetch the Police-only case.
    with pytest.raises(NotVisible):
        get_visible(people["mbie"], VictimCase, pk=hidden.pk)


def test_charging_needs_a_senior_officer_and_a_known_offence(
        people: People, investigation: Investigation) -> None:
    suspect = services.suspect_add(investigation=investigation, actor=people["police"],
                                   kind="organisation", name="Demo Orchards Ltd")
    today = timezone.localdate()
    with pytest.raises(Refused, match="no senior officer"):
        services.charge_lay(suspect=suspect, actor=people["police"],
                            offence_code="nz.crimes.s98d", laid_on=today)
    services.senior_assign(investigation=investigation, actor=people["police"],
                           senior=people["senior"])
    with pytest.raises(Refused, match="unknown offence"):
        services.charge_lay(suspect=suspect, actor=people["police"], offence_code="nz.x.s1",
                            laid_on=today)
    with pytest.raises(Refused, match="not an aggravating factor"):
        services.charge_lay(suspect=suspect, actor=people["police"],
                            offence_code="nz.crimes.s98d", laid_on=today,
                            aggravating_factors=["made_up"])
    charge = services.charge_lay(suspect=suspect, actor=people["police"],
                                 offence_code="nz.imm.s351", laid_on=today)
    assert charge.offence_section and charge.offences_version
    # The first charge asks the protocol to tell the Ministry of Justice.
    assert ProtocolStep.objects.filter(investigation=investigation, code="court_support_told"
                                       ).exists()


def test_prosecution_to_sentence_feeds_the_victims_case(
        people: People, investigation: Investigation, shared_case: VictimCase) -> None:
    suspect, charge = charged(investigation, people, shared_case)
    hearing = services.hearing_add(defendant=suspect, actor=people["mbie"], kind="trial",
                                   on=timezone.localdate() - dt.timedelta(days=30),
                                   court="Napier District Court", adviser_username="adviser")
    court_date = CourtDate.objects.get(case=shared_case)
    assert court_date in hearing.court_dates.all() and court_date.adviser == people["moj"]
    on = timezone.localdate() - dt.timedelta(days=20)
    with pytest.raises(Refused, match="s98F"):
        services.charge_decide(charge=charge, actor=people["police"], status="convicted", on=on)
    services.charge_consent(charge=charge, actor=people["senior"], on=on - dt.timedelta(days=90))
    services.charge_decide(charge=charge, actor=people["police"], status="convicted", on=on)
    with pytest.raises(Refused, match="months"):
        services.sentence_record(charge=charge, actor=people["police"], kind="imprisonment",
                                 imposed_on=timezone.localdate())
    services.sentence_record(charge=charge, actor=people["police"], kind="imprisonment",
                             months=54, imposed_on=timezone.localdate(),
                             reparations=[(shared_case, Decimal("18500.00"))])
    order = ReparationOrder.objects.get()
    assert order.case == shared_case
    # The case team (who may not be on the investigation) sees the order on the case.
    assert selectors.reparations_for_case(people["police"], shared_case).get() == order
    assert not selectors.reparations_for_case(people["customs"], shared_case).exists()
    services.appeal_lodge(charge=charge, actor=people["police"], against="sentence",
                          court="Court of Appeal", lodged_on=timezone.localdate())
    assert Charge.objects.get().status == "convicted"


def test_tip_figures_count_by_form_of_exploitation(
        people: People, investigation: Investigation, shared_case: VictimCase) -> None:
    _suspect, charge = charged(investigation, people, shared_case)
    today = timezone.localdate()
    services.charge_consent(charge=charge, actor=people["senior"], on=today)
    services.charge_decide(charge=charge, actor=people["police"], status="convicted", on=today)
    services.sentence_record(charge=charge, actor=people["police"], kind="imprisonment",
                             months=54, imposed_on=today)
    figures = selectors.law_enforcement_figures(today.replace(month=1, day=1),
                                                today.replace(month=12, day=31))
    labour = figures.by_form["Forced labour"]
    assert labour["investigations"] == 1 and labour["suspects_persons"] == 1
    assert labour["convicted"] == 1 and labour["imprisoned"] == 1
    assert labour["longest_imprisonment_months"] == 54
    assert figures.convicted_by_sex == {"Male": 1}


def test_interview_held_is_victim_friendly_only_with_what_was_planned(
        people: People, investigation: Investigation, shared_case: VictimCase) -> None:
    services.link_add(investigation=investigation, actor=people["police"], kind="case",
                      target=shared_case)
    when = timezone.now() - dt.timedelta(days=1)
    with pytest.raises(Refused, match="interpreter"):
        services.interview_plan(investigation=investigation, actor=people["mbie"],
                                case=shared_case, planned_for=when)
    interview = services.interview_plan(investigation=investigation, actor=people["mbie"],
                                        case=shared_case, planned_for=when,
                                        interpreter_language="Tagalog", support_person=True)
    services.interview_held(interview=interview, actor=people["mbie"], held_at=when,
                            interpreter_present=True, support_person_present=False,
                            breaks_taken=True, video_recorded=True, statement="taken")
    assert not interview.victim_friendly
    shared_case.refresh_from_db()
    assert shared_case.witness_statement == "taken"
    day = timezone.localdate(when)
    share, breakdown = selectors.victim_friendly_interviews(day, day + dt.timedelta(days=1))
    assert share == 0.0 and breakdown["held"] == 1


def test_chain_of_custody_and_disclosure(people: People, investigation: Investigation,
                                         shared_case: VictimCase) -> None:
    suspect, _ = charged(investigation, people, shared_case)
    exhibit = services.exhibit_add(investigation=investigation, actor=people["police"],
                                   reference="EX-1", description="Wage book",
                                   seized_at=timezone.now() - dt.timedelta(hours=2),
                                   location="Hastings station locker 4")
    with pytest.raises(Refused, match="only the exhibit's holder"):
        services.custody_transfer(exhibit=exhibit, actor=people["mbie"],
                                  to_username="inv_mere", location="x", purpose="y")
    services.custody_transfer(exhibit=exhibit, actor=people["police"], to_username="inv_mere",
                              location="MBIE forensic lab", purpose="Handwriting analysis")
    assert [c.holder.username for c in exhibit.custody.all()] == ["det_ana", "inv_mere"]
    with pytest.raises(Refused, match="ground"):
        services.disclosure_record(defendant=suspect, actor=people["police"], item="Notes",
                                   stage="full", decision="withheld",
                                   on=timezone.localdate())
    services.disclosure_record(defendant=suspect, actor=people["police"], item="Wage book",
                               exhibit=exhibit, stage="initial", decision="disclosed",
                               on=timezone.localdate())


def test_a_wrong_protocol_file_names_its_line_and_field() -> None:
    text = ("schema: tiaki.investigation-protocol/1\ncountry: NZ\nversion: '1'\n"
            "channels:\n  - {code: phone, label: Phone}\n"
            "contacts:\n  - agency: POLICE\n    title: T\n    roles: [wizard]\n"
            "    purpose: P\n    channels: [phone]\n")
    with pytest.raises(ProtocolFileError, match=r"line 9, field 'contacts\.0\.roles\.0'"):
        parse_protocol(text)


def test_plan_items_23_and_24_have_live_metrics(nz_plan: Any) -> None:
    from tiaki.plan.metrics import Period, compute_metric

    item = nz_plan.items.get(number=23)
    assert "investigations.protocol_on_time" in item.metrics
    value = compute_metric("investigations.joint",
                           Period(dt.date(2026, 1, 1), dt.date(2027, 1, 1)))
    assert value is not None and value.unit == "investigations"
