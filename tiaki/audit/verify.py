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
import json
import multiprocessing as mp
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db import connection, transaction
from django.db.models import Max

from tiaki.audit import keys
from tiaki.audit.models import AuditEvent, AuditSeal, ChainHead
from tiaki.audit.sealing import GENESIS, chain_link
from tiaki.audit.services import MAC_FIELDS, encode_canonical, row_mac

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

# PostgreSQL hands the two costly columns over already in the form the MAC is computed on:
# the instant as ``datetime.isoformat(timespec="microseconds")`` prints a UTC time, and the
# changes as JSON text (``{}`` for most rows, which then needs no decoding). That halves the
# per-row work of streaming ten million rows; the MAC itself is computed exactly as at write.
_PG_SEALED = """
SELECT s.seq, s.chain, s.event_id, e.mac,
       to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'),
       e.actor_id, e.actor_username, e.actor_agency, e.actor_roles, e.action, e.object_type,
       e.object_id, e.summary, e.changes::text, e.reason
FROM {seals} s LEFT JOIN {events} e ON e.id = s.event_id
WHERE s.seq >= %s AND s.seq < %s ORDER BY s.seq
"""


_PG_UNSEALED = """
SELECT e.id, e.mac,
       to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'),
       e.actor_id, e.actor_username, e.actor_agency, e.actor_roles, e.action, e.object_type,
       e.object_id, e.summary, e.changes::text, e.reason
FROM {events} e WHERE NOT EXISTS (SELECT 1 FROM {seals} s WHERE s.event_id = e.id)
ORDER BY e.id
"""


def _pg_chunks(query: str, params: list[Any]) -> Iterator[list[tuple[Any, ...]]]:
    sql = query.format(seals=AuditSeal._meta.db_table, events=AuditEvent._meta.db_table)
    # A server-side cursor: the rows are streamed, and psycopg's C loaders build them.
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            yield rows


def _orm_chunks(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    while chunk := list(islice(rows, CHUNK)):
        yield chunk


def _sealed_chunks(lo: int, hi: int) -> Iterator[list[tuple[Any, ...]]]:
    """Seals with positions in ``[lo, hi)`` and their rows, in chain order, ``CHUNK`` at a
    time (never all in memory). On PostgreSQL ``at`` comes printed and ``changes`` as JSON
    text (``_PG_SEALED``); elsewhere they come as the ORM gives them."""
    if connection.vendor == "postgresql":
        return _pg_chunks(_PG_SEALED, [lo, hi])
    # A nullable link, so the join is an outer one: a seal whose row was deleted still shows.
    return _orm_chunks(AuditSeal.objects.filter(seq__gte=lo, seq__lt=hi).order_by("seq")
                       .values_list(*_SEALED).iterator(chunk_size=CHUNK))


def _unsealed_chunks() -> Iterator[list[tuple[Any, ...]]]:
    """Rows without a seal, in id order, as ``_sealed_chunks`` gives them (no seal columns)."""
    if connection.vendor == "postgresql":
        return _pg_chunks(_PG_UNSEALED, [])
    return _orm_chunks(AuditEvent.objects.filter(seal__isnull=True).order_by("id")
                       .values_list("id", "mac", *MAC_FIELDS).iterator(chunk_size=CHUNK))


_CHANGES = MAC_FIELDS.index("changes")
_RAW_DECODE = json.JSONDecoder().raw_decode
_NOTHING: dict[str, Any] = {}


def _changes(text: str) -> Any:
    """``json.loads(text)``, minus its whitespace checks when there is none around the value
    (PostgreSQL prints jsonb without): the same scanner, so the same value."""
    if text == "{}":
        return _NOTHING
    try:
        value, end = _RAW_DECODE(text)
    except ValueError:
        end = -1
    return value if end == len(text) else json.loads(text)


@dataclass
class _Stretch:
    """What one worker found in one stretch of chain positions.

    The first seal's link is left to the caller, who holds the seal before it."""

    checked: int = 0
    first: tuple[int, int, str, str] | None = None  # seq, event id, row MAC, chain
    last_seq: int = 0
    last_chain: str = ""
    first_break: ChainBreak | None = None
    anchors_checked: list[int] = field(default_factory=list)


def _check_stretch(lo: int, hi: int, pinned: dict[int, str]) -> _Stretch:
    """Check every seal in ``[lo, hi)`` and its row: the loop that ``audit verify`` spends
    its time in, so it is written flat (about 5 µs a row on PostgreSQL; docs/benchmarks.md).
    A row's MAC is ``HMAC(mac key, canonical bytes)`` exactly as ``row_mac`` computes it."""
    out = _Stretch()
    # KeyedSha256.hexdigest, inlined below: a call per HMAC was a tenth of the loop's time.
    row_keyed, link_keyed = keys.keyed_hmac(keys.mac_key()), keys.keyed_hmac(keys.seal_key())
    row_inner, row_outer = row_keyed.inner.copy, row_keyed.outer.copy
    link_inner, link_outer = link_keyed.inner.copy, link_keyed.outer.copy
    encode, printed = encode_canonical, connection.vendor == "postgresql"
    previous, expected = "", lo

    def broken(event_id: int, problem: str, seq: int) -> _Stretch:
        out.first_break = ChainBreak(event_id, problem, seq)
        return out

    for chunk in _sealed_chunks(lo, hi):
        for (seq, chain, event_id, mac, at, actor_id, username, agency, roles, action,
             object_type, object_id, summary, changes, reason) in chunk:
            if seq != expected and out.first is not None:
                return broken(event_id, f"chain positions {expected}–{seq - 1} are missing: "
                                        f"the sealed rows before row {event_id} were deleted",
                              expected)
            if out.first is None:
                out.first = (seq, event_id, mac or "", chain)
            if at is None:
                return broken(event_id, "the row was deleted (its seal remains)", seq)
            if printed:
                changes = _changes(changes)
            else:
                at = at.isoformat(timespec="microseconds")
            message = encode([at, actor_id, username, agency, roles, action, object_type,
                              object_id, summary, changes, reason]).encode()
            out.checked += 1
            inner, outer = row_inner(), row_outer()
            inner.update(message)
            outer.update(inner.digest())
            if outer.hexdigest() != mac:
                return broken(event_id, "its contents do not match its MAC (row edited)", seq)
            if previous:
                inner, outer = link_inner(), link_outer()
                inner.update(f"{seq}|{event_id}|{mac}|{previous}".encode())
                outer.update(inner.digest())
                if outer.hexdigest() != chain:
                    return broken(event_id, _RELINKED, seq)
            if seq in pinned:
                if pinned[seq] != chain:
                    return broken(event_id, "the chain here differs from the checkpoint (rows "
                                            "up to here were rewritten)", seq)
                out.anchors_checked.append(seq)
            previous, expected = chain, seq + 1
        out.last_seq, out.last_chain = expected - 1, previous
    return out


_RELINKED = ("its seal does not follow from the one before it (rows reordered, removed or "
             "recomputed)")


def _check_in_child(lo: int, hi: int, pinned: dict[int, str]) -> _Stretch:
    connection.close()  # a forked worker opens its own connection, never its parent's
    try:
        return _check_stretch(lo, hi, pinned)
    finally:
        connection.close()


def _stretches(jobs: int, parallel_from: int) -> list[tuple[int, int]]:
    top = AuditSeal.objects.aggregate(top=Max("seq"))["top"] or 0
    if jobs <= 1 or top < parallel_from:
        return [(1, top + 1)]
    size = -(-top // jobs)
    return [(lo, min(lo + size, top + 1)) for lo in range(1, top + 1, size)]


# Below this many seals one process is quicker than starting others.
PARALLEL_FROM = 200_000


def _check_sealed(jobs: int, parallel_from: int, pinned: dict[int, str]) -> list[_Stretch]:
    spans = _stretches(jobs, parallel_from)
    if len(spans) == 1:
        return [_check_stretch(*spans[0], pinned)]
    connection.close()
    with ProcessPoolExecutor(len(spans), mp_context=mp.get_context("fork")) as pool:
        return list(pool.map(_check_in_child, *zip(*spans, strict=True),
                             [pinned] * len(spans)))


def audit_verify(*, anchors: list[Anchor] | None = None, jobs: int = 1,
                 parallel_from: int = PARALLEL_FROM) -> VerifyResult:
    """Recompute the trail and report the first row that does not fit, and the rows not
    yet sealed. ``anchors`` are checkpoints: each position must still hold its value.

    With ``jobs`` > 1 the chain is split into stretches of positions checked side by side in
    forked processes (each seal's link needs only the seal stored before it); the stretches
    are then joined in order, so the first break named is the same as with one process.
    """
    pinned = {a.seq: a.chain for a in anchors or []}
    result = VerifyResult(0, None)
    previous, expected, checked = GENESIS, 1, 0
    seal_key = keys.seal_key()

    def broken(event_id: int, problem: str, seq: int | None = None) -> VerifyResult:
        result.checked, result.first_break = checked, ChainBreak(event_id, problem, seq)
        return result

    for stretch in _check_sealed(jobs, parallel_from, pinned):
        if stretch.first is not None:
            seq, event_id, mac, chain = stretch.first
            if seq != expected:
                return broken(event_id, f"chain positions {expected}–{seq - 1} are missing: "
                                        f"the sealed rows before row {event_id} were deleted",
                              expected)
            joined = stretch.first_break is None or stretch.first_break.seq != seq
            if joined and mac and chain_link(seq, event_id, mac, previous,
                                              key=seal_key) != chain:
                return broken(event_id, _RELINKED, seq)
        if stretch.first_break is not None:
            checked += stretch.checked
            result.checked, result.first_break = checked, stretch.first_break
            return result
        checked += stretch.checked
        result.anchors_checked += stretch.anchors_checked
        if stretch.first is not None:
            previous, expected = stretch.last_chain, stretch.last_seq + 1
    result.last_seq = expected - 1
    remaining = set(pinned) - set(result.anchors_checked)
    if remaining:
        return broken(0, f"the checkpoint at position {min(remaining)} is beyond the end of "
                         f"the chain ({expected - 1}): sealed rows were deleted", min(remaining))
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_seq > expected - 1:
        return broken(head.last_event_id or 0,
                      f"the newest sealed rows (positions {expected}–{head.last_seq}) are "
                      f"missing (deleted)", expected)
    mac_key, printed = keys.mac_key(), connection.vendor == "postgresql"
    oldest: Any = None  # printed in UTC at a fixed width on PostgreSQL, so it sorts as text
    for chunk in _unsealed_chunks():
        for event_id, mac, *values in chunk:
            if printed:
                values[_CHANGES] = _changes(values[_CHANGES])
            if row_mac(*values, key=mac_key) != mac:
                return broken(event_id, "its contents do not match its MAC (row edited or "
                                        "forged; not yet sealed)")
            result.unsealed += 1
            if oldest is None or values[0] < oldest:
                oldest = values[0]
    result.oldest_unsealed = dt.datetime.fromisoformat(oldest) if isinstance(oldest, str) \
        else oldest
    result.checked = checked + result.unsealed
    return result
