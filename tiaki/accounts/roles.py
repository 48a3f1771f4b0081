"""The roles a Tiaki user can hold.

Roles are platform concepts (code decides what each may do), so they are an enumeration;
which agency a person belongs to is data (``data/<country>/agencies.yaml``).
"""

from django.db import models


class Role(models.TextChoices):
    FRONTLINE = "frontline", "Frontline official"
    INVESTIGATOR = "investigator", "Investigator"
    SENIOR_OFFICER = "senior_officer", "Senior officer"
    CASE_MANAGER = "case_manager", "Case manager"
    SERVICE_PROVIDER = "service_provider", "Service provider"
    INTELLIGENCE_ANALYST = "intelligence_analyst", "Intelligence analyst"
    SECRETARIAT = "secretariat", "Working-group secretariat"
    MINISTER_OFFICE = "minister_office", "Minister's office"
    ADMINISTRATOR = "administrator", "Administrator"
    # Administers every agency's users, the agencies themselves and the scheduled jobs; an
    # agency's administrator (ADMINISTRATOR) manages only the people of that agency.
    PLATFORM_ADMINISTRATOR = "platform_administrator", "Platform administrator"
    AUDITOR = "auditor", "Auditor"
    # Handles victims' requests to see or correct their information and the agency's privacy
    # breaches (Privacy Act 2020, Parts 4 and 6); sees those records for their own agency.
    PRIVACY_OFFICER = "privacy_officer", "Privacy officer"


# Roles that may record progress on the Plan's action items for their own agency.
PLAN_REPORTING_ROLES = frozenset(
    {
        Role.FRONTLINE,
        Role.INVESTIGATOR,
        Role.SENIOR_OFFICER,
        Role.CASE_MANAGER,
        Role.SERVICE_PROVIDER,
        Role.INTELLIGENCE_ANALYST,
        Role.SECRETARIAT,
        Role.ADMINISTRATOR,
    }
)
