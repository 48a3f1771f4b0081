"""Demo privacy work: a victim's access request waiting for the privacy officer, and a
privacy breach to assess. Everything here is invented; it runs only in demo mode and adds
nothing when run again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tiaki.cases.models import VictimCase
from tiaki.core.policy import Refused
from tiaki.privacy import services
from tiaki.privacy.models import AccessRequest, Breach


def _today() -> dt.date:
    return timezone.localdate()


def demo_privacy(users: dict[str, Any]) -> None:
    officer = users.get("privacy")
    if officer is None or AccessRequest.objects.exists():
        return
    case = (VictimCase.objects.filter(agency_id__in=officer.agency.lineage_ids())
            .order_by("pk").first())
    if case is None:
        return
    today = _today()
    try:
        services.request_record(
            actor=officer, case_reference=case.reference, kind=AccessRequest.Kind.ACCESS,
            summary="Asks for a copy of everything Police holds about her (synthetic demo).",
            identity_checked="Met in person with her case manager (synthetic demo)",
            received_on=today - dt.timedelta(days=3), today=today)
    except Refused:
        # Today lies outside the years the rules file's holiday list covers.
        return
    found = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=1),
                                                    dt.time(9, 30)))
    services.breach_record(
        actor=officer, kind=Breach.Kind.DISCLOSURE, found_at=found, now=found,
        what_happened="A referral summary was emailed to the wrong agency's address "
                      "(synthetic demo).",
        case_references=[case.reference], occurred_on=found.date())
