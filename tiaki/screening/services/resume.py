"""Claiming a batch for screening, so a crashed screening is resumed, and only once at a time.

A screener claims a batch before screening it. On PostgreSQL the claim is a session advisory
lock: it ends the moment the screener's connection does, so a ``kill -9`` frees the batch at
once and the next ``tiaki ingest`` of the file, or the next worker, takes it over. SQLite has
no such lock, so there the claim is the batch's heartbeat: a batch whose screener has shown no
progress for ``STALL`` is taken over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from tiaki.screening.models import IngestBatch

STALL = dt.timedelta(seconds=60)
LOCK_SPACE = 0x5C12  # the first key of the advisory lock pair: "screening batches"
UNFINISHED = (IngestBatch.Status.READ, IngestBatch.Status.SCREENING)


def claim(batch_id: int) -> bool:
    """Take the batch for this process; False when a live screener holds it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_SPACE, batch_id])
            row = cursor.fetchone()
        return bool(row and row[0])
    now = timezone.now()
    free = Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=now - STALL) | ~Q(
        status=IngestBatch.Status.SCREENING)
    return bool(IngestBatch.objects.filter(free, pk=batch_id).update(heartbeat_at=now))


def release(batch_id: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_SPACE, batch_id])


def unfinished(batch_ids: Iterable[int | None]) -> list[int]:
    """Those of ``batch_ids`` whose screening has not finished."""
    ids = {i for i in batch_ids if i is not None}
    return list(IngestBatch.objects.filter(pk__in=ids, status__in=UNFINISHED)
                .order_by("pk").values_list("pk", flat=True)) if ids else []


def stalled_batches() -> list[int]:
    """Batches left unfinished whose screener is gone (what a starting worker resumes)."""
    found = []
    for batch_id in IngestBatch.objects.filter(status__in=UNFINISHED).order_by("pk") \
            .values_list("pk", flat=True):
        if connection.vendor == "postgresql":
            if claim(batch_id):
                release(batch_id)
                found.append(batch_id)
        elif IngestBatch.objects.filter(
                Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=timezone.now() - STALL),
                pk=batch_id).exists():
            found.append(batch_id)
    return found
