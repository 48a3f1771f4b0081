"""Home-page cards for the Plan of Action (tiaki.core.home)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tiaki.core.home import Card, register

WORKING_GROUP_ROLES = ("secretariat", "administrator")


@register
def cards(user: Any) -> list[Card]:
    found = [Card(_("Plan of Action dashboard"), reverse("plan:dashboard"),
                  _("Progress on the 28 action items, by goal and agency."), order=60)]
    if user.agency is not None:
        found.append(Card(_("Your agency's items"), reverse("plan:todo"),
                          _("Record progress on the items your agency is responsible for."),
                          order=35 if user.has_role("secretariat") else 61))
    if user.has_role(*WORKING_GROUP_ROLES):
        found.append(Card(_("Working group"), reverse("plan:working_group"),
                          _("Meetings, actions and reminders."), order=36))
        found.append(Card(_("Annual report"), reverse("plan:report"),
                          _("The year's progress report."), order=37))
    return found
