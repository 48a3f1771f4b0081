"""Home-page cards for victim cases and referrals (tiaki.core.home)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tiaki.cases import selectors
from tiaki.cases.policies import CASE_ROLES, ORANGA_TAMARIKI, PROVIDER_ROLES
from tiaki.core.home import Card, register


@register
def cards(user: Any) -> list[Card]:
    found: list[Card] = []
    if user.has_role(*CASE_ROLES):
        found.append(Card(_("Victim cases"), reverse("cases:list"),
                          _("Open cases you may see."),
                          count=selectors.cases_for(user, status="open").count(), order=20))
    if user.has_role(*PROVIDER_ROLES) and user.agency is not None:
        inbox = selectors.referral_inbox(user, "open")
        overdue = selectors.overdue(inbox).count()
        found.append(Card(_("Referrals to your agency"), reverse("cases:inbox"),
                          _("Open referrals waiting for your agency's response."),
                          count=inbox.count(), order=12, urgent=overdue > 0))
        if overdue:
            found.append(Card(_("Overdue referrals"), reverse("cases:inbox") + "?status=overdue",
                              _("Referrals past their due date."), count=overdue, order=11,
                              urgent=True))
    if user.agency is not None and user.agency.code == ORANGA_TAMARIKI:
        found.append(Card(_("Children in cases"), reverse("cases:children"),
                          _("Children involved in cases, for Oranga Tamariki."),
                          count=selectors.children_for(user).count(), order=21))
    if user.has_role("minister_office"):
        found.append(Card(_("Case notices"), reverse("cases:minister"),
                          _("Anonymised notices as cases arise."),
                          count=selectors.minister_notices(user).count(), order=15))
    return found
