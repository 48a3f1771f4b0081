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
)

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


def load_demo() -> list[tuple[Persona, User]]:
    if not settings.TIAKI_DEMO:
        raise RuntimeError("demo data loads only in demo mode (TIAKI_DEMO=true)")
    agencies_load(path=settings.TIAKI_DATA_DIR / "nz" / "agencies.yaml")
    result = plan_load(path=settings.TIAKI_PLANS_DIR / "nz-2009.yaml")
    with transaction.atomic():
        made = demo_users()
        demo_progress(result.plan, {u.username: u for _, u in made})
    return made
