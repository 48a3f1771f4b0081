"""Reads for the privacy pages and API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce

from tiaki.audit import reads
from tiaki.core.policy import visible
from tiaki.privacy.models import AccessRequest, Breach


def requests_for(user: Any, show: str = "open", *, today: dt.date,
                 channel: str = "page") -> list[AccessRequest]:
    """The requests the user may see: ``open`` (awaiting a decision), ``overdue``, or
    ``all``; earliest deadline first. The list names victims' cases, so showing it is an
    audited read (one row naming the requests shown)."""
    rows: QuerySet[AccessRequest] = visible(user, AccessRequest).select_related("case")
    if show in {"open", "overdue"}:
        rows = rows.filter(status__in=list(AccessRequest.OPEN))
    rows = rows.annotate(deadline_on=Coalesce(F("extended_to"), F("due_on")))
    if show == "overdue":
        rows = rows.filter(deadline_on__lt=today)
    found: list[AccessRequest] = list(rows.order_by("deadline_on", "pk")[:500])
    if found:
        with transaction.atomic():
            reads.audit_read(actor=user, objects=found, purpose="privacy request queue",
                             channel=channel)
    return found


def breaches_for(user: Any, show: str = "open", *, channel: str = "page") -> list[Breach]:
    rows = visible(user, Breach)
    if show == "open":
        rows = rows.exclude(status=Breach.Status.CLOSED)
    found = list(rows[:500])
    if found:
        with transaction.atomic():
            reads.audit_read(actor=user, objects=found, purpose="privacy breach list",
                             channel=channel)
    return found
