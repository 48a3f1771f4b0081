"""Writing and verifying the audit trail."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from tiaki.audit.models import AuditEvent, ChainHead

GENESIS_HASH = "0" * 64
Action = AuditEvent.Action


def _canonical(event: AuditEvent) -> bytes:
    payload = {
        "at": event.at.isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "actor_agency": event.actor_agency,
        "actor_roles": event.actor_roles,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "summary": event.summary,
        "changes": event.changes,
        "reason": event.reason,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def coarse_hour(moment: dt.datetime) -> dt.datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def _describe_actor(actor: Any) -> dict[str, Any]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor_id": None, "actor_username": "", "actor_agency": "", "actor_roles": ""}
    agency = getattr(actor, "agency", None)
    roles = sorted(actor.role_codes()) if hasattr(actor, "role_codes") else []
    return {
        "actor_id": actor.pk,
        "actor_username": actor.get_username(),
        "actor_agency": agency.code if agency is not None else "",
        "actor_roles": ",".join(roles),
    }


def object_label(obj: models.Model | type[models.Model]) -> str:
    return obj._meta.label_lower


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    summary: str = "",
    changes: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one row to the audit trail, inside the caller's transaction.

    Call it from the service function that makes the change, so the row and the change
    commit or roll back together. The chain head is locked for the rest of the transaction,
    which keeps the chain linear when two writers race.
    """
    at = timezone.now()
    if actor is None:
        # Rows with no signed-in actor come from the public (anonymous reports, follow-ups)
        # or the system. Their time is kept to the hour, like the reports themselves, so the
        # trail cannot be used to tell when an anonymous reporter was active.
        at = coarse_hour(at)
    if obj is not None:
        object_type = object_type or object_label(obj)
        object_id = object_id or str(obj.pk)
    # No savepoint: a failed audit write must fail the caller's whole change anyway, and
    # skipping it saves two round trips on every audited request.
    with transaction.atomic(savepoint=False):
        head = ChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = ChainHead.objects.create(pk=1, last_hash=GENESIS_HASH)
        event = AuditEvent(
            at=at,
            action=action,
            object_type=object_type,
            object_id=object_id,
            summary=summary[:300],
            changes=changes or {},
            reason=reason,
            prev_hash=head.last_hash,
            **_describe_actor(actor),
        )
        # Round-trip through JSON so the hash covers what the database will give back.
        event.changes = json.loads(json.dumps(event.changes, default=str))
        event.hash = compute_hash(event)
        event.save()
        ChainHead.objects.filter(pk=1).update(last_hash=event.hash, last_event_id=event.pk)
    return event


def audit_read(*, actor: Any, obj: models.Model, reason: str = "", summary: str = "") -> AuditEvent:
    """Record that ``actor`` read a sensitive record."""
    return audit_record(actor=actor, action=Action.READ, obj=obj, reason=reason, summary=summary)


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    problem: str


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def iter_events(chunk_size: int = 2000) -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size)


def audit_verify(events: Iterator[AuditEvent] | None = None) -> VerifyResult:
    """Recompute the chain from the first row and report the first row that does not fit."""
    previous = GENESIS_HASH
    checked = 0
    for event in events if events is not None else iter_events():
        checked += 1
        if event.prev_hash != previous:
            return VerifyResult(
                checked, ChainBreak(event.pk, "its previous-hash does not match the row before it")
            )
        if compute_hash(event) != event.hash:
            return VerifyResult(
                checked, ChainBreak(event.pk, "its contents do not match its hash (row edited)")
            )
        previous = event.hash
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and checked and head.last_hash != previous:
        return VerifyResult(
            checked, ChainBreak(head.last_event_id or 0, "the newest rows are missing (deleted)")
        )
    return VerifyResult(checked, None)
