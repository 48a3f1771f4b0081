"""Synthetic structured records for the Plan's measures (invented, reproducible): a few a
year for each kind, filed through the service by the persona of the agency that does the
work, so the dashboard and annual report show figures and trends in every year."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from tiaki.accounts.models import User
from tiaki.plan import records
from tiaki.plan.models import Plan, add_years
from tiaki.plan.services import plan_record_create

LANGUAGES = ("en", "mi", "sm", "to", "zh", "th")


def demo_records(plan: Plan, users: dict[str, User], *, years: int = 3) -> int:
    """File the demo's records once (skipped when any training session exists)."""
    if records.TrainingSession.objects.exists():
        return 0
    rng = random.Random(27)
    made = 0

    def add(username: str, model: type[Any], **values: Any) -> None:
        nonlocal made
        plan_record_create(actor=users[username], model=model, values=values)
        made += 1

    items = {i.number: i for i in plan.items.all()}
    for year in range(years):
        start = add_years(plan.start_date, year)

        def day(low: int, high: int, start: dt.date = start) -> dt.date:
            return start + dt.timedelta(days=rng.randint(low, high))

        for username, audience in (("customs", "Border officers"),
                                   ("investigator", "Police districts"),
                                   ("inspector", "Labour inspectors")):
            trained = rng.randint(12, 40)
            returned = rng.randint(trained // 2, trained)
            add(username, records.TrainingSession, held_on=day(30, 300),
                title="Trafficking indicators and first response", audience=audience,
                people_trained=trained, evaluations_returned=returned,
                rated_effective=rng.randint(returned // 2, returned))
        respondents = rng.randint(80, 200)
        add("secretariat", records.AwarenessSurvey, conducted_on=day(200, 330),
            audience="Frontline officials", respondents=respondents,
            aware=rng.randint(respondents // 3, respondents))
        add("secretariat", records.Campaign, name=f"Know the signs {start.year}",
            launched_on=day(60, 120), channels="radio, social media, posters",
            reach=rng.randint(40_000, 120_000), evaluated_on=day(250, 340),
            recall_percent=Decimal(rng.randint(15, 45)))
        add("secretariat", records.ResearchProject,
            title=f"Exploitation in seasonal work, study {year + 1}", scoped_on=day(10, 60),
            status="complete", peer_reviewed_on=day(280, 350),
            peer_reviewer="University research panel", review_outcome="accepted")
        for kind in ("regional_meeting", "technical_assistance", "international_forum"):
            add("consular", records.EngagementEvent, held_on=day(20, 340), kind=kind,
                forum="Bali Process" if kind == "regional_meeting" else "Pacific partners",
                country="Indonesia" if kind == "regional_meeting" else "Fiji",
                outcome="Reported to the working group")
        add("consular", records.DevelopmentGrant, recipient="Regional NGO partner",
            country=rng.choice(["Fiji", "Samoa", "Tonga", "Viet Nam"]),
            project="Safe migration information", amount_nzd=Decimal(rng.randint(50, 250) * 1000),
            awarded_on=day(30, 90), accounts_due_on=day(300, 360),
            accounts_received_on=day(300, 360) if rng.random() < 0.7 else None)
        for service, username, respondent in (("court_support", "interpreter", "adviser"),
                                              ("court_support", "interpreter", "victim"),
                                              ("interpreting", "interpreter", "interpreter")):
            add(username, records.Feedback, received_on=day(30, 350), service=service,
                respondent=respondent, rating=rng.randint(3, 5), comment="")
        for month in range(0, 12, 3):
            for language in rng.sample(LANGUAGES, 3):
                add("interpreter", records.InformationActivity,
                    month=add_months(start, month), kind="pamphlets", language=language,
                    quantity=rng.randint(50, 400))
            add("interpreter", records.InformationActivity, month=add_months(start, month),
                kind="line_calls", language="en", quantity=rng.randint(5, 40))
    for number, kind, who in ((16, "ministerial_agreement", "Minister of Immigration"),
                              (17, "policy_review", "Ministry of Health"),
                              (21, "ministerial_agreement", "Minister for Social Development")):
        if number in items:
            add("secretariat", records.PolicyDecision, item=items[number],
                decided_on=plan.start_date + dt.timedelta(days=rng.randint(120, 330)),
                kind=kind, outcome="agreed", decided_by=who,
                summary="Agreed as proposed by the working group")
    return made


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)
