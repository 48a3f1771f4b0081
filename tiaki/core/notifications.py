"""Kinds of notification, so people can turn email off for the kinds they do not want.

The in-app notification is always kept (it is the record that someone was told); only the
email copy follows the person's choice. A kind nobody has chosen for sends email.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    GENERAL = "general", _("Other notices")
    REPORT = "report", _("Reports to triage and their assignment")
    CASE = "case", _("Victim cases and their teams")
    REFERRAL = "referral", _("Service referrals")
    CERTIFICATION = "certification", _("Certifications")
    SAFETY = "safety", _("Safety risks on cases")
    INVESTIGATION = "investigation", _("Investigations, tasks and protocol steps")
    PLAN = "plan", _("Plan of Action reminders")
    MINISTER = "minister", _("Case notices for the Minister's office")
