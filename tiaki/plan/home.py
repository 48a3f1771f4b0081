"""Home-page cards for the Plan of Action (tiaki.core.home)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tiaki.core.home import Card, register

WORKING_GROUP_ROLES = ("secretariat", "administrator")


@register
def cards(user: Any) -> list[Card]:
    found = [Card("Plan of Action dashboard", reverse("plan:dashboard"),
                  "Progress on the 28 action items, by goal and agency.", order=60)]
    if user.agency is not None:
        found.append(Card("Your agency's items", reverse("plan:todo"),
                          "Record progress on the items your agency is responsible for.",
                          order=35 if user.has_role("secretariat") else 61))
    if user.has_role(*WORKING_GROUP_ROLES):
        found.append(Card("Working group", reverse("plan:working_group"),
                          "Meetings, actions and reminders.", order=36))
        found.append(Card("Annual report", reverse("plan:report"),
                          "The year's progress report.", order=37))
    return found
