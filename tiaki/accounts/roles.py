"""The roles a Tiaki user can hold.

Roles are platform concepts (code decides what each may do), so they are an enumeration;
which agency a person belongs to is data (``data/<country>/agencies.yaml``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # Labels come from the catalogue when shown; a label joined or stored is made plain text
    # (str) first, in the language of the moment.
    FRONTLINE = "frontline", _("Frontline official")
    INVESTIGATOR = "investigator", _("Investigator")
    SENIOR_OFFICER = "senior_officer", _("Senior officer")
    CASE_MANAGER = "case_manager", _("Case manager")
    SERVICE_PROVIDER = "service_provider", _("Service provider")
    INTELLIGENCE_ANALYST = "intelligence_analyst", _("Intelligence analyst")
    SECRETARIAT = "secretariat", _("Working-group secretariat")
    MINISTER_OFFICE = "minister_office", _("Minister's office")
    ADMINISTRATOR = "administrator", _("Administrator")
    # Administers every agency's users, the agencies themselves and the scheduled jobs; an
    # agency's administrator (ADMINISTRATOR) manages only the people of that agency.
    PLATFORM_ADMINISTRATOR = "platform_administrator", _("Platform administrator")
    AUDITOR = "auditor", _("Auditor")
    # Handles victims' requests to see or correct their information and the agency's privacy
    # breaches (Privacy Act 2020, Parts 4 and 6); sees those records for their own agency.
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")


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
