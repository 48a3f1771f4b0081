from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from tiaki.audit.models import AuditEvent
from tiaki.audit.services import Action, audit_record
from tiaki.core.policy import visible


def audit_search(
    user: Any,
    *,
    actor: str = "",
    agency: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    events = visible(user, AuditEvent)
    if actor:
        events = events.filter(actor_username__iexact=actor)
    if agency:
        events = events.filter(actor_agency__iexact=agency)
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if since:
        events = events.filter(at__date__gte=since)
    if until:
        events = events.filter(at__date__lte=until)
    return events.order_by("-id")


def audit_search_recorded(user: Any, **filters: Any) -> QuerySet[AuditEvent]:
    """``audit_search`` for the search page: the auditor's own search is itself audited
    (who searched for what), so watching the watchers needs no other tool."""
    used = {k: (v.isoformat() if isinstance(v, dt.date) else v)
            for k, v in filters.items() if v not in ("", None)}
    audit_record(actor=user, action=Action.READ, object_type="audit.auditevent",
                 summary="Audit trail searched"
                         + (": " + ", ".join(f"{k}={v}" for k, v in sorted(used.items()))
                            if used else "")[:270],
                 changes={"filters": used})
    return audit_search(user, **filters)
