"""Synthetic demo: a labour-exploitation ring in horticulture, prosecuted to sentence.

Everything is invented. The story joins the flows: the public's report of six workers at a
Hawke's Bay apple orchard (``tiaki.intake.demo``), a border alert on a visa application
(``tiaki.screening.demo``), two victims whose cases Police open and share with MBIE, a joint
Police/MBIE investigation that follows the coordination protocol, victim-friendly
interviews, a contractor and his company charged, convicted and sentenced, with reparation
ordered to both victims. Every step goes through ``tiaki.investigations.services`` (and the
cases services), in the order the rules allow, so the audit trail is as in real use.

Safe to run again: when the demo investigation exists, nothing is added.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from tiaki.cases import services as case_services
from tiaki.cases.models import VictimCase
from tiaki.intake.models import Industry, Report
from tiaki.investigations import services
from tiaki.investigations.models import Investigation, ProtocolStep
from tiaki.screening.models import Alert

TITLE = "Operation Demo Orchard: labour exploitation ring, Hawke's Bay (synthetic)"


def demo_loaded() -> bool:
    return Investigation.objects.filter(title=TITLE).exists()


def _victim(users: dict[str, Any], given: str, number: str, age: int) -> VictimCase:
    police = users["investigator"]
    case = case_services.case_open(
        actor=police,
        identity={"given_names": given, "family_name": "Example",
                  "documents": [{"type": "Passport", "number": number, "country": "XXA"}]},
        age=age, gender="Masculine", nationality="XXA (demo state)",
        languages="Samoan, English", interpreter_needed=True,
        exploitation_types=["ForcedLabour"], methods_of_control=["WithholdsDocuments",
                                                                 "DebtBondage"],
        recruitment_methods=["ThroughAnOnlineAdvertisement"],
        events=[{"kind": "exploitation", "place": "Hawke's Bay (demo orchard)",
                 "country": "New Zealand"}])
    # MBIE investigates jointly (seed 004): its investigator joins each victim's case team.
    case_services.member_add(case=case, actor=police, username=users["mbie_investigator"].username)
    return case


def _tell(investigation: Investigation, actor: Any, code: str, summary: str) -> None:
    step = ProtocolStep.objects.filter(investigation=investigation, code=code).first()
    if step is not None and step.done_at is None:
        services.communication_record(investigation=investigation, actor=actor,
                                      agency_code=step.agency.code, channel="tiaki",
                                      summary=summary, step=step)


def demo_investigations(users: dict[str, Any]) -> Investigation | None:
    if demo_loaded():
        return None
    police, senior = users["investigator"], users["senior"]
    mbie, visa = users["mbie_investigator"], users["visa"]
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        inv = services.investigation_open(
            actor=police, title=TITLE, exploitation_types=["ForcedLabour"],
            summary="Six seasonal workers at an apple orchard: passports held, wages "
                    "withheld against a growing recruitment debt. (Synthetic demo.)")
        services.senior_assign(investigation=inv, actor=police, senior=senior)
        services.member_add(investigation=inv, actor=police, username=mbie.username,
                            role="MBIE Labour Inspectorate and immigration lead")
        services.member_add(investigation=inv, actor=mbie, username=visa.username,
                            role="INZ visa officer: employer's visa applications")
        _tell(inv, police, "joint_agency_told",
              "Joint investigation opened on the orchard report; Police lead, DSS Walker "
              "senior officer. Please nominate your lead.")

        report = (Report.objects.filter(industry=Industry.AGRICULTURE, region="hawkes_bay")
                  .order_by("pk").first())
        if report is not None:
            services.link_add(investigation=inv, actor=police, kind="report", target=report,
                              note="The public's report that started it")
        alert = Alert.objects.filter(post__code="INZ-VISA").order_by("pk").first()
        if alert is not None:
            services.link_add(investigation=inv, actor=visa, kind="alert", target=alert,
                              note="Visa application naming the contractor's company")
            _tell(inv, visa, "customs_told",
                  "Visa alert linked to the orchard investigation; please watch the "
                  "contractor's travel.")
        victims = [_victim(users, "Tavita", "XA0000101", 24),
                   _victim(users, "Sione", "XA0000102", 31)]
        for case in victims:
            services.link_add(investigation=inv, actor=police, kind="case", target=case)

        services.task_assign(investigation=inv, actor=police, owner_username=mbie.username,
                             title="Obtain the orchard's wage and time records",
                             due_on=today + dt.timedelta(days=7))
        done = services.task_assign(investigation=inv, actor=mbie, owner_username=police.username,
                                    title="Execute the search warrant at the packhouse",
                                    due_on=today + dt.timedelta(days=2))
        services.task_finish(task=done, actor=police, status="done",
                             outcome="Warrant executed; passports and a debt ledger seized.")
        services.exhibit_add(investigation=inv, actor=police, reference="EX-001",
                             description="Six passports found in the contractor's office safe",
                             seized_at=now - dt.timedelta(days=150),
                             location="Hastings Police station, exhibit room",
                             seized_from="Packhouse office")
        ledger = services.exhibit_add(
            investigation=inv, actor=police, reference="EX-002",
            description="Handwritten 'recruitment debt' ledger",
            seized_at=now - dt.timedelta(days=150), location="Hastings Police station",
            seized_from="Packhouse office")
        services.custody_transfer(exhibit=ledger, actor=police, to_username=mbie.username,
                                  location="MBIE Labour Inspectorate, Wellington",
                                  purpose="Reconcile the ledger with wage records")

        for case in victims:
            interview = services.interview_plan(
                investigation=inv, actor=police, case=case,
                planned_for=now - dt.timedelta(days=140), interpreter_language="Samoan",
                support_person=True, breaks_every_minutes=40,
                arrangements="Community room, not the station; Samoan-speaking support worker.")
            services.interview_held(
                interview=interview, actor=police, held_at=now - dt.timedelta(days=140),
                interpreter_present=True, support_person_present=True, breaks_taken=True,
                video_recorded=True, statement="signed")

        contractor = services.suspect_add(
            investigation=inv, actor=police, kind="person", name="Boss Example (demo)",
            sex="male", age=52, nationality="New Zealand",
            role="Labour-hire contractor; held passports and the debt ledger")
        company = services.suspect_add(
            investigation=inv, actor=mbie, kind="organisation", name="Demo Orchards Ltd",
            registration_number="NZBN 9400000000000 (invented)",
            role="Contracted the workers through the contractor")
        laid = today - dt.timedelta(days=120)
        trafficking = services.charge_lay(
            suspect=contractor, actor=police, offence_code="nz.crimes.s98d", laid_on=laid,
            aggravating_factors=["s98e_1_d_number_of_people"], victims=victims,
            particulars="Arranged the entry of six workers by deception, for exploitation.")
        exploitation = services.charge_lay(
            suspect=company, actor=mbie, offence_code="nz.imm.s351", laid_on=laid,
            victims=victims, particulars="Exploited temporary workers (synthetic).")
        _tell(inv, police, "court_support_told",
              "Charges laid; two victims will give evidence. Please assign a court victim "
              "adviser.")
        services.charge_consent(charge=trafficking, actor=senior,
                                on=laid + dt.timedelta(days=10))
        services.disclosure_record(defendant=contractor, actor=police, item="Debt ledger (EX-002)",
                                   exhibit=ledger, stage="initial", decision="disclosed",
                                   on=laid + dt.timedelta(days=14))
        services.disclosure_record(defendant=contractor, actor=police,
                                   item="Victims' current addresses", stage="full",
                                   decision="withheld", ground="protected_witness",
                                   reason="The victims' safety; they fear reprisals.",
                                   on=laid + dt.timedelta(days=40))
        adviser = users["interpreter"].username
        for kind, days in (("first_appearance", 118), ("trial", 30), ("sentencing", 5)):
            hearing = services.hearing_add(defendant=contractor, actor=police, kind=kind,
                                           on=today - dt.timedelta(days=days),
                                           court="Napier District Court",
                                           adviser_username=adviser)
            if kind == "first_appearance":
                services.hearing_outcome(hearing=hearing, actor=police,
                                         outcome="Remanded in custody")
        convicted_on = today - dt.timedelta(days=25)
        for charge in (trafficking, exploitation):
            services.charge_decide(charge=charge, actor=police, status="convicted",
                                   on=convicted_on, note="Found guilty at trial (synthetic).")
        services.sentence_record(
            charge=trafficking, actor=police, kind="imprisonment", months=78,
            imposed_on=today - dt.timedelta(days=5),
            reparations=[(victims[0], Decimal("18500.00")), (victims[1], Decimal("16200.00"))],
            detail="Six years six months' imprisonment (synthetic).")
        services.sentence_record(charge=exploitation, actor=mbie, kind="fine",
                                 imposed_on=today - dt.timedelta(days=5),
                                 detail="Fine on the company (synthetic).")
    return inv
