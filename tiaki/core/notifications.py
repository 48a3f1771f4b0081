"""Kinds of notification, so people can turn email off for the kinds they do not want.

The in-app notification is always kept (it is the record that someone was told); only the
email copy follows the person's choice. A kind nobody has chosen for sends email.
"""

from __future__ import annotations

from django.db import models


class Kind(models.TextChoices):
    GENERAL = "general", "Other notices"
    REPORT = "report", "Reports to triage and their assignment"
    CASE = "case", "Victim cases and their teams"
    REFERRAL = "referral", "Service referrals"
    CERTIFICATION = "certification", "Certifications"
    SAFETY = "safety", "Safety risks on cases"
    INVESTIGATION = "investigation", "Investigations, tasks and protocol steps"
    PLAN = "plan", "Plan of Action reminders"
    MINISTER = "minister", "Case notices for the Minister's office"
