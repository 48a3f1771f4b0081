"""Home-page cards for victim cases and referrals (tiaki.core.home)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tiaki.cases import selectors
from tiaki.cases.policies import CASE_ROLES, ORANGA_TAMARIKI, PROVIDER_ROLES
from tiaki.core.home import Card, register


@register
def cards(user: Any) -> list[Card]:
    found: list[Card] = []
    if user.has_role(*CASE_ROLES):
        found.append(Card("Victim cases", reverse("cases:list"),
                          "Open cases you may see.",
                          count=selectors.cases_for(user, status="open").count(), order=20))
    if user.has_role(*PROVIDER_ROLES) and user.agency is not None:
        inbox = selectors.referral_inbox(user, "open")
        overdue = selectors.overdue(inbox).count()
        found.append(Card("Referrals to your agency", reverse("cases:inbox"),
                          "Open referrals waiting for your agency's response.",
                          count=inbox.count(), order=12, urgent=overdue > 0))
        if overdue:
            found.append(Card("Overdue referrals", reverse("cases:inbox") + "?status=overdue",
                              "Referrals past their due date.", count=overdue, order=11,
                              urgent=True))
    if user.agency is not None and user.agency.code == ORANGA_TAMARIKI:
        found.append(Card("Children in cases", reverse("cases:children"),
                          "Children involved in cases, for Oranga Tamariki.",
                          count=selectors.children_for(user).count(), order=21))
    if user.has_role("minister_office"):
        found.append(Card("Case notices", reverse("cases:minister"),
                          "Anonymised notices as cases arise.",
                          count=selectors.minister_notices(user).count(), order=15))
    return found
