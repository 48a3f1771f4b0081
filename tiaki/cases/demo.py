"""Synthetic victim cases for demo installs.

Everything is invented: the people ("Example", "Sample", "Specimen") do not exist, and the
documents and phone numbers are in ranges no one holds. Every step goes through
``tiaki.cases.services`` in the order the rules allow (seed 002 items 13-28; seed 004), so
consent, certification, the Oranga Tamariki gate and the audit trail are as in real use:

- an adult in forced labour, certified by Police, with consented referrals accepted by Health
  New Zealand, MSD and the Ministry of Justice's interpreter service;
- a child, referred to Oranga Tamariki and waiting for its acknowledgement;
- an adult who wishes to go home, with a humanitarian assessment, a planned repatriation and
  the MFAT task it creates.

Called by the demo loader with the demo users keyed by username. Safe to run again: when a
case opened by a demo user exists, nothing is added.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from tiaki.accounts.models import Agency
from tiaki.cases import services
from tiaki.cases.models import HumanitarianAssessment, RiskAssessment, VictimCase
from tiaki.intake.models import Report, Screening

ASSESSMENT = {
    "act": {"findings": ["recruitment", "harbouring"],
            "evidence": "Recruited online for cleaning work overseas; housed in the employer's "
                        "garage (statement of 3 March, synthetic)."},
    "means": {"findings": ["deception", "coercion"],
              "evidence": "Wages promised were never paid; told she would be deported if she "
                          "complained; a growing 'recruitment fee'."},
    "purpose": {"findings": ["forced_labour_or_services"],
                "evidence": "Seven-day weeks of cleaning with no pay and no freedom to leave."},
}
CONSENT_HOW = "Explained with an interpreter; signed consent form on file (synthetic demo)"


@dataclass(frozen=True)
class DemoCases:
    certified: VictimCase
    child: VictimCase
    repatriation: VictimCase


def demo_loaded() -> bool:
    return VictimCase.objects.filter(created_by__is_demo=True).exists()


def demo_cases(users: dict[str, Any], *, partner_report: Report | None = None,
               child_report: Report | None = None,
               screening: Screening | None = None) -> DemoCases | None:
    """Open and work the three demo cases; returns None when they are already there."""
    if demo_loaded():
        return None
    with transaction.atomic():
        return DemoCases(
            certified=_certified(users, partner_report),
            child=_child(users, child_report),
            repatriation=_repatriation(users, screening),
        )


def _certified(users: dict[str, Any], report: Report | None) -> VictimCase:
    investigator, senior, manager = users["investigator"], users["senior"], users["casemanager"]
    today = timezone.localdate()
    case = services.case_open(
        actor=investigator,
        identity={"given_names": "Mele", "family_name": "Example",
                  "date_of_birth": dt.date(today.year - 31, 5, 14),
                  "documents": [{"type": "Passport", "number": "XX0000001", "country": "XXB"}],
                  "phone": "+64 21 000 0001"},
        gender="Feminine", nationality="XXB (demo state)", languages="Tongan, English",
        interpreter_needed=True, exploitation_types=["ForcedLabour"],
        methods_of_control=["DebtBondage", "ThreatsLawEnforcement", "ExcessiveWorkingHours"],
        recruitment_methods=["ThroughAnOnlineAdvertisement"],
        relationship_to_trafficker="Unaquainted",
        source_report=report.reference if report else "",
        referring_agency=Agency.objects.get(code="CRIME_STOPPERS"),
        events=[{"kind": "recruitment", "place": "Online", "country": "XXB"},
                {"kind": "exploitation", "place": "Wellington", "country": "NZ",
                 "date_from": today - dt.timedelta(days=300),
                 "date_to": today - dt.timedelta(days=40)}],
    )
    services.member_add(case=case, actor=investigator, username=manager.username)
    services.risk_assess(
        case=case, actor=investigator, level=RiskAssessment.Level.MEDIUM,
        assessment="Employer knows her family's village; threats of deportation made.",
        measures="Safe accommodation arranged; address withheld from the file.",
        review_on=today + dt.timedelta(days=28), family_abroad_at_risk=True)
    for purpose in ("health", "msd_case_management", "interpreter", "htcds_export"):
        services.consent_record(case=case, actor=manager, purpose=purpose, granted=True,
                                how_obtained=CONSENT_HOW)
    cert = services.certification_request(
        case=case, actor=investigator, assessment=ASSESSMENT,
        witness_statements="Victim's statement (synthetic); employer's pay records.")
    services.certification_endorse(certification=cert, actor=senior,
                                   note="Evidence meets each element of s98D.")
    health = services.referral_create(case=case, actor=manager, service="health",
                                      agency_code="HEALTH_NZ",
                                      appointment="GP and dental check, next Tuesday 10am")
    msd = services.referral_create(case=case, actor=manager, service="msd_case_management",
                                   agency_code="MSD")
    interpreter = services.referral_create(case=case, actor=manager, service="interpreter",
                                           agency_code="MOJ",
                                           appointment="Tongan interpreter for the interview")
    services.referral_respond(referral=health, actor=users["health"], step="accept")
    services.referral_respond(referral=msd, actor=users["provider"], step="accept")
    services.referral_respond(referral=msd, actor=users["provider"], step="start")
    services.referral_respond(referral=interpreter, actor=users["interpreter"], step="accept")
    services.referral_respond(referral=interpreter, actor=users["interpreter"],
                              step="complete", outcome="Interpreter booked and confirmed.")
    services.interview_plan(
        case=case, actor=investigator,
        planned_for=timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
        + dt.timedelta(days=7),
        interpreter_language="Tongan", support_person=True, breaks_every_minutes=40,
        arrangements="Soft interview room; support worker present.")
    services.immigration_lodge(case=case, actor=manager, kind="temporary",
                               lodged_on=today - dt.timedelta(days=3))
    return case


def _child(users: dict[str, Any], report: Report | None) -> VictimCase:
    investigator = users["investigator"]
    case = services.case_open(
        actor=investigator, identity={"given_names": "Child", "family_name": "Sample"},
        age=15, gender="Feminine", nationality="XXA (demo state)", languages="English",
        exploitation_types=["ChildLabour"], methods_of_control=["ExcessiveWorkingHours"],
        recruitment_methods=["ThroughFamilyOrFamilyEvents"], relationship_to_trafficker="Familial",
        source_report=report.reference if report else "",
        events=[{"kind": "exploitation", "place": "Auckland", "country": "NZ"}],
    )
    # Oranga Tamariki was notified by case_open; child protection needs no acknowledgement
    # first (it is how Oranga Tamariki comes in), everything else waits for it (seed 004).
    services.consent_record(case=case, actor=investigator, purpose=services.CHILD_SERVICE,
                            granted=True, how_obtained="Explained with a support person "
                                                       "present (synthetic demo)")
    services.referral_create(case=case, actor=investigator, service=services.CHILD_SERVICE,
                             agency_code="ORANGA_TAMARIKI")
    return case


def _repatriation(users: dict[str, Any], screening: Screening | None) -> VictimCase:
    manager = users["casemanager"]
    today = timezone.localdate()
    case = services.case_open(
        actor=manager,
        identity={"given_names": "Specimen", "family_name": "Person",
                  "documents": [{"type": "Passport", "number": "XA0000002", "country": "XXA"}]},
        age=26, gender="Masculine", nationality="XXA (demo state)", languages="English",
        exploitation_types=["ForcedLabour"], methods_of_control=["WithholdsDocuments",
                                                                  "DebtBondage"],
        recruitment_methods=["ThroughFriendsOrSocialEvents"],
        source_screening=screening.reference if screening else "",
        source_report=screening.report.reference if screening and screening.report else "",
        referring_agency=Agency.objects.get(code="MBIE"),
        events=[{"kind": "exploitation", "place": "Hastings", "country": "NZ"}],
    )
    services.humanitarian_assess(
        case=case, actor=manager, wishes_to_return=True, safe_to_return=True,
        considerations="Wishes to rejoin his family; no known threat on return; the "
                       "recruiter is in New Zealand and under investigation.",
        recommendation=HumanitarianAssessment.Recommendation.RETURN)
    services.consent_record(case=case, actor=manager, purpose=services.MFAT_SERVICE,
                            granted=True, how_obtained=CONSENT_HOW)
    trip = services.repatriation_plan(case=case, actor=manager,
                                      destination_country="XXA (demo state)",
                                      travel_date=today + dt.timedelta(days=21))
    assert trip.mfat_task is not None  # repatriation_plan always creates the MFAT task
    services.referral_respond(referral=trip.mfat_task, actor=users["consular"], step="accept")
    return case
