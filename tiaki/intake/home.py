"""Home-page cards for reports to triage and frontline screenings (tiaki.core.home)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tiaki.core.home import Card, register
from tiaki.core.policy import visible
from tiaki.intake import selectors
from tiaki.intake.models import Screening
from tiaki.intake.policies import READ_ROLES, SCREENING_ROLES


@register
def cards(user: Any) -> list[Card]:
    found: list[Card] = []
    if user.has_role(*READ_ROLES):
        queue = selectors.queue(user)
        found.append(Card(_("Reports to triage"), reverse("intake:triage"),
                          _("Open reports routed to your agency, risk to life first."),
                          count=queue.count(), order=10,
                          urgent=queue.filter(risk_to_life=True).exists()))
        mine = queue.filter(assignee=user).count()
        if mine:
            found.append(Card(_("Reports assigned to you"), reverse("intake:triage") + "?mine=1",
                              _("Open reports you are triaging."), count=mine, order=11))
    if user.has_role(*SCREENING_ROLES):
        undecided = visible(user, Screening).filter(official=user, decided_at__isnull=True)
        found.append(Card(_("Screenings"), reverse("intake:screening_list"),
                          _("Screen a person against the trafficking indicators; the count is "
                          "your screenings still waiting for a decision."),
                          count=undecided.count(), order=30))
    return found

