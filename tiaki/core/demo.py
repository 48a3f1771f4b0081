"""Synthetic demo data: one login per role and a plausible history of progress.

Everything here is invented. It runs only in demo mode and is safe to run again.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from tiaki.accounts.loader import agencies_load
from tiaki.accounts.models import Agency, User
from tiaki.accounts.roles import Role
from tiaki.plan.loader import plan_load
from tiaki.plan.models import ActionItem, Plan, ProgressStatus
from tiaki.plan.services import progress_update_record

DEMO_PASSWORD = "tiaki-demo-2026"  # noqa: S105 - printed on purpose; demo mode only


@dataclass(frozen=True)
class Persona:
    username: str
    first_name: str
    last_name: str
    agency: str
    roles: tuple[str, ...]


PERSONAS: tuple[Persona, ...] = (
    Persona("secretariat", "Aroha", "Ngata", "MBIE", (Role.SECRETARIAT,)),
    Persona("customs", "Tom", "Fifita", "CUSTOMS", (Role.FRONTLINE,)),
    Persona("inspector", "Mere", "Tāwhiri", "MBIE", (Role.FRONTLINE,)),
    Persona("investigator", "Sam", "Patel", "POLICE", (Role.INVESTIGATOR,)),
    Persona("senior", "Hine", "Walker", "POLICE", (Role.SENIOR_OFFICER, Role.INVESTIGATOR)),
    Persona("casemanager", "Lena", "Schmidt", "POLICE", (Role.CASE_MANAGER,)),
    Persona("provider", "Grace", "Liu", "MSD", (Role.SERVICE_PROVIDER,)),
    Persona("analyst", "Raj", "Singh", "MBIE", (Role.INTELLIGENCE_ANALYST,)),
    Persona("minister", "Jo", "Carter", "MBIE", (Role.MINISTER_OFFICE,)),
    Persona("auditor", "Wiremu", "Hēnare", "DIA", (Role.AUDITOR,)),
    Persona("admin", "Pat", "Morgan", "MBIE", (Role.ADMINISTRATOR,)),
    # Other agencies' people, so every flow has someone to hand over to (obviously
    # synthetic names). Border officers are placed on a post's queue by demo_posts().
    Persona("socialworker", "Tia", "Example", "ORANGA_TAMARIKI", (Role.CASE_MANAGER,)),
    Persona("consular", "Max", "Sample", "MFAT", (Role.SERVICE_PROVIDER,)),
    Persona("interpreter", "Ana", "Specimen", "MOJ", (Role.SERVICE_PROVIDER,)),
    Persona("health", "Kim", "Placeholder", "HEALTH_NZ", (Role.SERVICE_PROVIDER,)),
    Persona("border", "Lee", "Example", "CUSTOMS", (Role.FRONTLINE,)),
    Persona("visa", "Ravi", "Sample", "MBIE", (Role.FRONTLINE,)),
)

# Which post's queue each border persona works (data/nz/border_posts.yaml).
PERSONA_POSTS = {"border": "AKL", "visa": "INZ-VISA"}

NARRATIVES = {
    ProgressStatus.COMPLETE: "Delivered as planned; evaluation filed with the working group.",
    ProgressStatus.ONGOING: "Continuing as business as usual; reported at the quarterly meeting.",
    ProgressStatus.IN_PROGRESS: "Work under way; draft circulated to partner agencies for comment.",
    ProgressStatus.AT_RISK: "Behind schedule: resourcing moved to other priorities this quarter.",
}


def demo_users() -> list[tuple[Persona, User]]:
    made = []
    for persona in PERSONAS:
        agency = Agency.objects.get(code=persona.agency)
        user, created = User.objects.get_or_create(
            username=persona.username,
            defaults={"first_name": persona.first_name, "last_name": persona.last_name,
                      "agency": agency, "is_demo": True,
                      "email": f"{persona.username}@demo.tiaki.invalid"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.set_roles(persona.roles)
        made.append((persona, user))
    return made


def _reporter_for(item: ActionItem, users: dict[str, User]) -> User:
    for link in item.agency_links.select_related("agency", "agency__successor"):
        code = link.agency.current().code
        for user in users.values():
            if user.agency and user.agency.code == code and user.has_role(Role.FRONTLINE,
                    Role.INVESTIGATOR, Role.INTELLIGENCE_ANALYST, Role.SERVICE_PROVIDER):
                return user
    return users["secretariat"]


def demo_progress(plan: Plan, users: dict[str, User]) -> int:
    if plan.items.filter(updates__isnull=False).exists():
        return 0
    rng = random.Random(2009)
    count = 0
    for item in plan.items.prefetch_related("timetable"):
        kinds = {p.kind for p in item.timetable.all()}
        reporter = _reporter_for(item, users)
        day = plan.start_date + dt.timedelta(days=rng.randint(60, 200))
        dated = bool(kinds - {"ongoing", "event"})
        first = ProgressStatus.IN_PROGRESS if dated else ProgressStatus.ONGOING
        progress_update_record(item=item, actor=reporter, status=first,
                               narrative=NARRATIVES[first], reported_on=day)
        count += 1
        roll = rng.random()
        final = (ProgressStatus.COMPLETE if roll < 0.55 else ProgressStatus.ONGOING
                 if roll < 0.75 else ProgressStatus.AT_RISK if roll < 0.85 else None)
        if final is not None and final != first:
            day += dt.timedelta(days=rng.randint(200, 700))
            progress_update_record(item=item, actor=reporter, status=final,
                                   narrative=NARRATIVES[final], reported_on=day)
            count += 1
    return count


def demo_posts(users: dict[str, User]) -> None:
    """Put the border personas on their posts' queues, once (an administrator's step)."""
    from tiaki.screening.loader import posts_ensure
    from tiaki.screening.models import Post
    from tiaki.screening.services import post_membership_set

    posts_ensure()
    for username, code in PERSONA_POSTS.items():
        user = users[username]
        if not user.border_posts.exists():
            post_membership_set(actor=users["admin"], user=user,
                                posts=[Post.objects.get(code=code)])


# Invented visa applications for the visa officer's queue: the first names the demo
# watchlist's DW-3 entry (tiaki/screening/demo.py), so it raises an alert at INZ-VISA.
VISA_APPLICATIONS_CSV = (
    "application_id,family_name,given_names,date_of_birth,nationality,document_number,"
    "employer_name\n"
    "DEMO-V-1,Testova,Lina,1988-09-30,XXB,XB0001234,Example Beauty Services Ltd\n"
    "DEMO-V-2,Sample,Ordinary,1992-02-02,XXA,XA0000777,Demo Orchards Ltd\n"
)
VISA_FILE_NAME = "demo-visa-applications.csv"


def demo_visa_applications(users: dict[str, User]) -> None:
    """The visa officer ingests a day's applications and they are screened, once."""
    from tiaki.screening.models import IngestBatch
    from tiaki.screening.services import batch_screen, ingest_file

    if IngestBatch.objects.filter(file_name=VISA_FILE_NAME).exists():
        return
    outcome = ingest_file(actor=users["visa"], data=VISA_APPLICATIONS_CSV.encode(),
                          file_name=VISA_FILE_NAME, kind="visa_application", screen=False)
    if outcome.batch.added_count:
        batch_screen(batch=outcome.batch)


def load_demo() -> list[tuple[Persona, User]]:
    """Load everything a person exploring the demo needs; each part skips itself when it
    is already there, so running it again adds nothing."""
    from tiaki.cases.demo import demo_cases
    from tiaki.intake.demo import demo_intake
    from tiaki.screening.demo import PROFILE_NAME, demo_screening
    from tiaki.screening.models import RiskProfile

    if not settings.TIAKI_DEMO:
        raise RuntimeError("demo data loads only in demo mode (TIAKI_DEMO=true)")
    agencies_load(path=settings.TIAKI_DATA_DIR / "nz" / "agencies.yaml")
    result = plan_load(path=settings.TIAKI_PLANS_DIR / "nz-2009.yaml")
    with transaction.atomic():
        made = demo_users()
        users = {u.username: u for _, u in made}
        demo_progress(result.plan, users)
        demo_posts(users)
        # The screening demo is idempotent but re-imports its lists, which the audit trail
        # rightly records each time; skip it once its profile shows it ran, so a second
        # run adds nothing at all.
        if not RiskProfile.objects.filter(name=PROFILE_NAME).exists():
            demo_screening(users)
        demo_visa_applications(users)
        intake = demo_intake(users)
        if intake is not None:
            demo_cases(users, partner_report=intake.reports["partner"],
                       child_report=intake.reports["children"], screening=intake.screening)
    return made


def demo_summary() -> dict[str, int]:
    """What the demo holds, for the command's report (counts only, nothing identifying)."""
    from tiaki.cases.models import Referral, VictimCase
    from tiaki.intake.models import Report, Screening
    from tiaki.screening.models import Alert

    return {
        "report(s)": Report.objects.count(),
        "frontline screening(s)": Screening.objects.count(),
        "victim case(s)": VictimCase.objects.count(),
        "referral(s)": Referral.objects.count(),
        "border alert(s)": Alert.objects.count(),
        "plan items with progress": ActionItem.objects.filter(updates__isnull=False)
        .distinct().count(),
    }
