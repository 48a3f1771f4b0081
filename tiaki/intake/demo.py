"""Synthetic reports and a frontline screening for demo installs.

Everything here is invented: places, people and events are made up, and no text describes a
real person. Every step goes through ``tiaki.intake.services`` exactly as the portal, the
partner API and the triage pages call it, so routing (seed 004: Police and MBIE; Oranga
Tamariki when children are involved), notifications and audit rows are as in real use.

Called by the demo loader with the demo users keyed by username. Safe to run again: when the
first demo report exists, nothing is added.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from tiaki.accounts.models import Agency
from tiaki.intake import pow as proof
from tiaki.intake import services
from tiaki.intake.models import Channel, Industry, Region, Report, Screening, YesNoUnknown

LABOUR = "adult.labour"

# The first report is the marker the loader looks for to tell the demo was loaded.
SAMOAN = services.ReportFields(
    what_seen=(
        "Ua ou vaaia ni tagata faigaluega e toaono i le faatoaga apu. Ua taofia e le pule "
        "o latou tusifolau, e le totogiina i latou, ma e moe i totonu o le fale teu oloa. "
        "Fai mai latou e tele le aitalafu e tatau ona totogi ae le i mafai ona o ese."
    ),
    region=Region.HAWKES_BAY, place="Demo Orchard Lane packhouse (invented address)",
    when_seen="Masina nei", people="O le supavaisa e igoa ia 'Boss Example', veni paepae",
    industry=Industry.AGRICULTURE, children=YesNoUnknown.NO,
)
CHILDREN = services.ReportFields(
    what_seen=(
        "Two girls who look about 14 or 15 work in the back of a takeaway shop until after "
        "midnight on school nights. A man drives them there and takes them away; they never "
        "speak to customers and one looked frightened when I asked if she was at school."
    ),
    region=Region.AUCKLAND, place="Sample Street takeaway, Demo Heights (invented)",
    when_seen="Most weeknights since the school holidays", people="Man in a grey hatchback",
    industry=Industry.HOSPITALITY, children=YesNoUnknown.YES,
)
RISK = services.ReportFields(
    what_seen=(
        "我的表哥在一艘渔船上工作。他今天打电话说船长打了一个工人，工人伤得很重，"
        "船长不让他们上岸看医生。他们的护照都被收走了。船明天又要出海。"
    ),
    region=Region.NELSON, place="Demo wharf, berth 9 (invented)", when_seen="今天",
    people="渔船 'Example Star'", industry=Industry.FISHING, children=YesNoUnknown.NO,
    risk_to_life=True,
)
PARTNER = services.ReportFields(
    what_seen=(
        "Forwarded by a partner organisation. A caller said a cleaner recruited online from "
        "overseas works seven days a week for a cleaning contractor, lives in the boss's "
        "garage, owes a 'recruitment fee' that keeps growing and is told she will be deported "
        "if she complains."
    ),
    region=Region.WELLINGTON, place="Demo Quay office blocks (invented)",
    when_seen="Reported to the partner last week", industry=Industry.CLEANING,
    children=YesNoUnknown.UNKNOWN,
)
MAORI = services.ReportFields(
    what_seen=(
        "He kaimahi i te wāhi hanga whare e mahi ana mō ngā haora roa, kāore e utua. "
        "E ai ki a rātou, kua tangohia ō rātou uruwhenua e te kaituku mahi."
    ),
    region=Region.WAIKATO, place="Demo Road building site (invented)",
    industry=Industry.CONSTRUCTION, children=YesNoUnknown.NO,
)


@dataclass(frozen=True)
class DemoIntake:
    reports: dict[str, Report]
    screening: Screening | None


def _submit(fields: services.ReportFields, *, language: str, channel: str = Channel.PORTAL,
            source_agency: Agency | None = None) -> Report:
    # A real challenge, solved as the browser's script (or a partner's client) would.
    purpose = "api" if channel in {Channel.PUBLIC_API, Channel.PARTNER} else "report"
    challenge = proof.issue(purpose)
    return services.report_submit(
        fields=fields, pow_token=challenge.token,
        pow_nonce=proof.solve(challenge.token, challenge.bits), channel=channel,
        source_agency=source_agency, language=language, pow_purpose=purpose,
    ).report


def demo_loaded() -> bool:
    return Report.objects.filter(what_seen=SAMOAN.what_seen).exists()


def demo_intake(users: dict[str, Any]) -> DemoIntake | None:
    """Submit, triage and answer demo reports and record one frontline screening.

    Returns None when the demo reports are already there."""
    if demo_loaded():
        return None
    investigator, senior = users["investigator"], users["senior"]
    with transaction.atomic():
        samoan = _submit(SAMOAN, language="sm")
        children = _submit(CHILDREN, language="en")
        risk = _submit(RISK, language="zh-Hans")
        partner = _submit(PARTNER, language="en", channel=Channel.PARTNER,
                          source_agency=Agency.objects.get(code="CRIME_STOPPERS"))
        maori = _submit(MAORI, language="mi")

        # Risk to life first: the senior officer assigns it at once.
        services.triage_assign(report=risk, actor=senior, assignee=investigator)
        services.triage_reply(
            report=risk, actor=investigator, internal=True,
            body="Called the harbourmaster: vessel still at berth. Patrol attending; Maritime "
                 "NZ informed. (Synthetic demo note.)")
        services.triage_reply(
            report=risk, actor=investigator,
            body="谢谢您的报告。警察已经在处理。如果有人有生命危险，请立即拨打 111。")

        # The Samoan report: a question to the anonymous reporter and their answer.
        services.triage_assign(report=samoan, actor=investigator, assignee=investigator)
        services.triage_prioritise(report=samoan, actor=investigator,
                                   priority=Report.Priority.HIGH)
        services.triage_reply(
            report=samoan, actor=investigator,
            body="Fa'afetai mo lau lipoti. Thank you for your report. Do you know how many "
                 "workers are there now, and whether any of them is under 18?")
        services.reporter_add(report=samoan,
                              body="E toaono, e matutua uma. Six workers, all adults.")
        services.triage_link(report=maori, actor=investigator, other=samoan,
                             kind="related", reason="Same labour-hire contractor named")
        # MBIE and Police triage jointly (seed 004): the labour-hire report goes to MBIE's
        # investigator, who notes the labour inspectorate's history with the contractor.
        mbie = users.get("mbie_investigator")
        if mbie is not None:
            services.triage_assign(report=maori, actor=mbie, assignee=mbie)
            services.triage_reply(
                report=maori, actor=mbie, internal=True,
                body="Labour Inspectorate visited this contractor last year; joint visit with "
                     "Police planned. (Synthetic demo note.)")

        # Children involved: routed to Oranga Tamariki too; Police pick it up.
        services.triage_assign(report=children, actor=senior, assignee=investigator)

        # The partner's report became a case (see tiaki.cases.demo); closed as referred.
        services.triage_close(report=partner, actor=investigator,
                              outcome=Report.Outcome.INVESTIGATION,
                              note="Victim located and a case opened. (Synthetic demo.)")

        screening = _frontline_screening(users)
    return DemoIntake(
        reports={"samoan": samoan, "children": children, "risk": risk, "partner": partner,
                 "maori": maori},
        screening=screening)


def _frontline_screening(users: dict[str, Any]) -> Screening:
    """A labour inspector screens a worker at the orchard named in the Samoan report,
    decides to refer, and the referral enters the Police and MBIE queue."""
    inspector = users["inspector"]
    screening = services.screening_record(actor=inspector, data=services.ScreeningInput(
        subject_label="Worker 2, Demo Orchard Lane packhouse",
        setting="Labour inspection visit (synthetic demo)", exploitation_type="labour",
        age=26, age_group="adult", acts=frozenset({"recruitment"}),
        indicators=frozenset({
            f"{LABOUR}.deceptive_recruitment.strong.nature_of_job",
            f"{LABOUR}.coercion_at_destination.strong.confiscation_of_documents",
            f"{LABOUR}.coercion_at_destination.strong.debt_bondage",
            f"{LABOUR}.exploitative_conditions.strong.excessive_hours",
        }),
        flags={"free_to_leave": False},
        notes="Worker says the agent promised packhouse supervisor work and wages of $28 an "
              "hour; passport held by the contractor. (Synthetic demo.)"))
    services.screening_decide(screening=screening, actor=inspector,
                              decision=Screening.Decision.REFER,
                              note="Indicators of deception, debt bondage and documents held.")
    screening.refresh_from_db()
    return screening
