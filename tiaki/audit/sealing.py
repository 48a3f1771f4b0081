"""The sealer: gives committed audit rows their place in one keyed hash chain, in batches.

Writers never wait on the chain (``audit_record`` only inserts its row). The sealer locks
the chain head, reads the committed rows that have no seal yet in id order, and appends one
``AuditSeal`` per row: ``chain = HMAC(seal key, seq | event id | row MAC | previous chain)``.
It all happens in one transaction, so a sealer killed mid-batch seals nothing and the next
run seals the same rows; a writer killed mid-transaction leaves no row to seal. A row whose
transaction commits after later rows were sealed is sealed in the next batch: its position
is the order in which rows became durable, and once given it never changes.

Run continuously by ``tiaki audit seal --follow`` (next to the web processes and the worker)
so that every row is sealed within a few seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from tiaki.audit import keys
from tiaki.audit.models import AuditEvent, AuditSeal, ChainHead
from tiaki.core.bulk import bulk_insert

GENESIS = "0" * 64
BATCH = 5000
# Rows are looked for from this many ids below the newest sealed one, which covers a
# transaction that committed late; ``audit_seal(sweep=True)`` looks at every row.
LOOKBACK_IDS = 200_000


def chain_link(seq: int, event_id: int, mac: str, previous: str, *,
               key: bytes | None = None) -> str:
    message = f"{seq}|{event_id}|{mac}|{previous}".encode()
    return keys.keyed_hmac(key or keys.seal_key()).hexdigest(message)


def _head() -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        ChainHead.objects.bulk_create([ChainHead(pk=1, last_hash=GENESIS, last_seq=0)],
                                      ignore_conflicts=True)
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


def seal_batch(*, limit: int = BATCH, sweep: bool = False) -> int:
    """Seal up to ``limit`` committed rows; returns how many were sealed."""
    with transaction.atomic():
        head = _head()
        pending = AuditEvent.objects.filter(seal__isnull=True)
        if not sweep and head.last_event_id:
            pending = pending.filter(id__gt=head.last_event_id - LOOKBACK_IDS)
        rows = list(pending.order_by("id").values_list("id", "mac")[:limit])
        if not rows:
            return 0
        seq, previous = head.last_seq, head.last_hash
        now, key = timezone.now(), keys.seal_key()
        seals = []
        for event_id, mac in rows:
            seq += 1
            previous = chain_link(seq, event_id, mac, previous, key=key)
            seals.append({"seq": seq, "event_id": event_id, "chain": previous,
                          "sealed_at": now})
        # COPY on PostgreSQL: bulk_create's per-row model instances cost more than the links.
        bulk_insert(AuditSeal, seals)
        ChainHead.objects.filter(pk=1).update(
            last_hash=previous, last_seq=seq,
            last_event_id=max(head.last_event_id or 0, max(r[0] for r in rows)))
    return len(rows)


def audit_seal(*, sweep: bool = False) -> int:
    """Seal every committed row not yet sealed; returns how many."""
    total = 0
    while True:
        sealed = seal_batch(sweep=sweep)
        total += sealed
        # A batch short of the limit found every row committed when it looked; rows committed
        # since are the next call's. Looping until a batch finds none never ended while another
        # process kept writing (`tiaki backup`'s checkpoint hung on a busy install).
        if sealed < BATCH:
            return total


def seal_forever(*, interval: float = 1.0, sweep_every: float = 600.0,
                 report: Callable[[int], None] | None = None,
                 stop: Callable[[], bool] = lambda: False) -> None:
    """Seal every ``interval`` seconds, with a full sweep every ``sweep_every`` seconds."""
    last_sweep = time.monotonic()
    audit_seal(sweep=True)
    while not stop():
        sweep = time.monotonic() - last_sweep >= sweep_every
        sealed = audit_seal(sweep=sweep)
        if sweep:
            last_sweep = time.monotonic()
        if sealed and report is not None:
            report(sealed)
        time.sleep(interval)


def append_sealed(rows: Sequence[Mapping[str, Any]]) -> int:
    """Append many audit rows and seal them in the same transaction (bulk loads: the
    benchmark data generator, a trail carried over from an older system).

    Each row gives ``MAC_FIELDS`` (``at`` an aware datetime, ``changes`` plain JSON values);
    it gets its MAC exactly as ``audit_record`` computes it and its place in the chain at
    once, so a load of millions of rows does not wait for the sealer. The chain head stays
    locked until the caller's transaction ends: the sealer waits, writers do not, and their
    rows are sealed after these as usual. Rows go in with ``COPY`` on PostgreSQL.
    """
    from tiaki.audit.services import MAC_FIELDS, row_mac
    from tiaki.core.bulk import reserve_ids

    if not rows:
        return 0
    with transaction.atomic():
        head = _head()
        ids = reserve_ids(AuditEvent, len(rows))
        mac_key, seal_key = keys.mac_key(), keys.seal_key()
        seq, previous, now = head.last_seq, head.last_hash, timezone.now()
        events, seals = [], []
        for event_id, given in zip(ids, rows, strict=True):
            row = {"actor_id": None, "actor_username": "", "actor_agency": "",
                   "actor_roles": "", "object_id": "", "summary": "", "changes": {},
                   "reason": "", **given}
            mac = row_mac(*(row[f] for f in MAC_FIELDS), key=mac_key)
            events.append({**row, "id": event_id, "mac": mac})
            seq += 1
            previous = chain_link(seq, event_id, mac, previous, key=seal_key)
            seals.append({"seq": seq, "event_id": event_id, "chain": previous,
                          "sealed_at": now})
        bulk_insert(AuditEvent, events)
        bulk_insert(AuditSeal, seals)
        ChainHead.objects.filter(pk=1).update(
            last_hash=previous, last_seq=seq,
            last_event_id=max(head.last_event_id or 0, ids[-1]))
    return len(rows)
