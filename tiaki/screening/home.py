"""Home-page cards for border alerts (tiaki.core.home)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tiaki.core.home import Card, register
from tiaki.screening import selectors
from tiaki.screening.policies import is_analyst, is_border_officer


@register
def cards(user: Any) -> list[Card]:
    if not (is_analyst(user) or is_border_officer(user)):
        return []
    open_alerts = selectors.alert_queue(user, None, open_only=True).count()
    return [
        Card(_("Border alerts"), reverse("screening:queue"),
             _("Alerts at your posts waiting for a disposition."), count=open_alerts, order=10,
             urgent=open_alerts > 0),
        Card(_("Ingest passenger lists"), reverse("screening:ingest"),
             _("Screen a passenger list or visa applications on arrival."), order=40),
    ]
