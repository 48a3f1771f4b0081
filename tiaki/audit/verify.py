"""Checking the audit trail offline: every row's MAC, every seal's link, and checkpoints.

``audit_verify`` streams the seals in chain order with their rows (one ordered query, read in
chunks, never all in memory), recomputes each row's MAC and each seal's link, and stops at the
first one that does not fit, naming the row. Rows not yet sealed are checked for their MAC
and counted. A checkpoint (``tiaki.audit.checkpoint``) pins a position's chain value outside
the database, which catches what the key alone cannot: rows recomputed by someone who holds
the key, and the newest rows deleted together with their seals and the chain head.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tiaki.audit import keys
from tiaki.audit.models import AuditEvent, AuditSeal, ChainHead
from tiaki.audit.sealing import GENESIS, chain_link
from tiaki.audit.services import MAC_FIELDS, row_mac

CHUNK = 5000


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    problem: str
    seq: int | None = None


@dataclass(frozen=True)
class Anchor:
    """A chain position and value vouched for from outside the database."""

    seq: int
    chain: str


@dataclass
class VerifyResult:
    checked: int
    first_break: ChainBreak | None
    unsealed: int = 0
    oldest_unsealed: dt.datetime | None = None
    last_seq: int = 0
    anchors_checked: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.first_break is None


_SEALED = ("seq", "chain", "event_id", "event__mac", *(f"event__{f}" for f in MAC_FIELDS))


def _sealed_rows() -> Iterator[tuple[Any, ...]]:
    # A nullable link, so the join is an outer one: a seal whose row was deleted still shows.
    return AuditSeal.objects.order_by("seq").values_list(*_SEALED).iterator(chunk_size=CHUNK)


def _unsealed_rows() -> Iterator[tuple[Any, ...]]:
    return (AuditEvent.objects.filter(seal__isnull=True).order_by("id")
            .values_list("id", "mac", *MAC_FIELDS).iterator(chunk_size=CHUNK))


def audit_verify(*, anchors: list[Anchor] | None = None) -> VerifyResult:
    """Recompute the trail and report the first row that does not fit, and the rows not
    yet sealed. ``anchors`` are checkpoints: each position must still hold its value."""
    pinned = {a.seq: a.chain for a in anchors or []}
    previous, expected, checked = GENESIS, 1, 0
    result = VerifyResult(0, None)

    def broken(event_id: int, problem: str, seq: int | None = None) -> VerifyResult:
        result.checked, result.first_break = checked, ChainBreak(event_id, problem, seq)
        return result

    mac_key, seal_key = keys.mac_key(), keys.seal_key()
    for seq, chain, event_id, mac, *values in _sealed_rows():
        if seq != expected:
            return broken(event_id, f"chain positions {expected}–{seq - 1} are missing: the "
                                    f"sealed rows before row {event_id} were deleted", expected)
        if values[0] is None:
            return broken(event_id, "the row was deleted (its seal remains)", seq)
        checked += 1
        if row_mac(*values, key=mac_key) != mac:
            return broken(event_id, "its contents do not match its MAC (row edited)", seq)
        if chain_link(seq, event_id, mac, previous, key=seal_key) != chain:
            return broken(event_id, "its seal does not follow from the one before it (rows "
                                    "reordered, removed or recomputed)", seq)
        if seq in pinned:
            if pinned.pop(seq) != chain:
                return broken(event_id, "the chain here differs from the checkpoint (rows up "
                                        "to here were rewritten)", seq)
            result.anchors_checked.append(seq)
        previous, expected = chain, expected + 1
    result.last_seq = expected - 1
    if pinned:
        return broken(0, f"the checkpoint at position {min(pinned)} is beyond the end of the "
                         f"chain ({expected - 1}): sealed rows were deleted", min(pinned))
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_seq > expected - 1:
        return broken(head.last_event_id or 0,
                      f"the newest sealed rows (positions {expected}–{head.last_seq}) are "
                      f"missing (deleted)", expected)
    for event_id, mac, *values in _unsealed_rows():
        if row_mac(*values, key=mac_key) != mac:
            return broken(event_id, "its contents do not match its MAC (row edited or forged; "
                                    "not yet sealed)")
        result.unsealed += 1
        at = values[0]
        if result.oldest_unsealed is None or at < result.oldest_unsealed:
            result.oldest_unsealed = at
    result.checked = checked + result.unsealed
    return result
