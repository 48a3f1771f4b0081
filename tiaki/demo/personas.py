"""Demo personas: one login per role, in the agencies that hand work to each other.

Everything here is invented. The logins exist only in demo mode.
"""

from __future__ import annotations

from dataclasses import dataclass

from tiaki.accounts.models import Agency, User
from tiaki.accounts.roles import Role

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
    # A Customs analyst without the HTX caveat: the operation's reports are hidden from them.
    Persona("customs_analyst", "Mika", "Example", "CUSTOMS", (Role.INTELLIGENCE_ANALYST,)),
    Persona("minister", "Jo", "Carter", "MBIE", (Role.MINISTER_OFFICE,)),
    Persona("auditor", "Wiremu", "Hēnare", "DIA", (Role.AUDITOR,)),
    Persona("admin", "Pat", "Morgan", "MBIE", (Role.ADMINISTRATOR,)),
    # Handles victims' requests to see or correct what Police holds, and privacy breaches.
    Persona("privacy", "Rongo", "Example", "POLICE", (Role.PRIVACY_OFFICER,)),
    # Other agencies' people, so every flow has someone to hand over to (obviously
    # synthetic names). Border officers are placed on a post's queue by demo_posts().
    Persona("socialworker", "Tia", "Example", "ORANGA_TAMARIKI", (Role.CASE_MANAGER,)),
    Persona("consular", "Max", "Sample", "MFAT", (Role.SERVICE_PROVIDER,)),
    Persona("interpreter", "Ana", "Specimen", "MOJ", (Role.SERVICE_PROVIDER,)),
    Persona("health", "Kim", "Placeholder", "HEALTH_NZ", (Role.SERVICE_PROVIDER,)),
    Persona("border", "Lee", "Example", "CUSTOMS", (Role.FRONTLINE,)),
    Persona("visa", "Ravi", "Sample", "MBIE", (Role.FRONTLINE,)),
    # MBIE investigates trafficking jointly with Police (seed 004).
    Persona("mbie_investigator", "Tane", "Example", "MBIE", (Role.INVESTIGATOR,)),
    # Each agency with demo staff has its own administrator (who manages only that agency's
    # people); "platform" manages every agency, the agencies themselves and scheduled jobs.
    Persona("police_admin", "Nikau", "Example", "POLICE", (Role.ADMINISTRATOR,)),
    Persona("customs_admin", "Ngaio", "Sample", "CUSTOMS", (Role.ADMINISTRATOR,)),
    Persona("msd_admin", "Rata", "Specimen", "MSD", (Role.ADMINISTRATOR,)),
    Persona("platform", "Kauri", "Placeholder", "DIA", (Role.PLATFORM_ADMINISTRATOR,)),
)

# Which post's queue each border persona works (data/nz/border_posts.yaml).
PERSONA_POSTS = {"border": "AKL", "visa": "INZ-VISA"}

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
