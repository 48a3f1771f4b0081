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


def request_rows(user: Any, show: str = "open", *, today: dt.date) -> QuerySet[AccessRequest]:
    """The requests the user may see: ``open`` (awaiting a decision), ``overdue``, or
    ``all``; earliest deadline first. A page of them is shown with ``requests_listed``."""
    rows: QuerySet[AccessRequest] = visible(user, AccessRequest).select_related("case")
    if show in {"open", "overdue"}:
        rows = rows.filter(status__in=list(AccessRequest.OPEN))
    rows = rows.annotate(deadline_on=Coalesce(F("extended_to"), F("due_on")))
    if show == "overdue":
        rows = rows.filter(deadline_on__lt=today)
    return rows.order_by("deadline_on", "pk")


def overdue_count(user: Any, *, today: dt.date) -> int:
    return request_rows(user, "overdue", today=today).count()


def requests_listed(user: Any, found: list[AccessRequest], *, channel: str = "page") -> None:
    """The list names victims' cases, so showing a page of it is an audited read (one row
    naming the requests shown)."""
    if found:
        with transaction.atomic():
            reads.audit_read(actor=user, objects=found, purpose="privacy request queue",
                             channel=channel)


def breach_rows(user: Any, show: str = "open") -> QuerySet[Breach]:
    rows = visible(user, Breach)
    if show == "open":
        rows = rows.exclude(status=Breach.Status.CLOSED)
    return rows.order_by("-found_at", "-pk")


def breaches_listed(user: Any, found: list[Breach], *, channel: str = "page") -> None:
    if found:
        with transaction.atomic():
            reads.audit_read(actor=user, objects=found, purpose="privacy breach list",
                             channel=channel)
