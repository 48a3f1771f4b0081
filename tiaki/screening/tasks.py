"""Background screening of ingested batches (run by ``tiaki worker``; inline in tests)."""

from __future__ import annotations

from django.tasks import task

from tiaki.screening.models import IngestBatch


@task()
def screen_batch(*, batch_id: int) -> int:
    """Screen one ingested batch; progress is kept on the batch for its page."""
    from tiaki.screening.services import batch_screen

    batch = IngestBatch.objects.get(pk=batch_id)
    return batch_screen(batch=batch)


@task()
def screen_pending(*, version_id: int) -> int:
    """Run a newly published profile version over travellers still to arrive."""
    from tiaki.screening.models import RiskProfileVersion
    from tiaki.screening.services import pending_screen

    return pending_screen(version=RiskProfileVersion.objects.get(pk=version_id))


@task()
def expire_watchlist_entries() -> str:
    """Take lapsed watchlist entries off (daily, ``tiaki.scheduling.registry``)."""
    from django.utils import timezone

    from tiaki.screening.services.lists import watchlist_expire

    counts = watchlist_expire(today=timezone.localdate())
    return f"{sum(counts.values())} lapsed watchlist entr(ies) taken off"


def requeue_stalled() -> list[int]:
    """Queue the rest of every batch whose screener died (``tiaki worker`` calls this as it
    starts, so a worker killed mid-screening is followed by one that finishes the batch)."""
    from tiaki.screening.services.resume import stalled_batches

    stalled = stalled_batches()
    for batch_id in stalled:
        screen_batch.enqueue(batch_id=batch_id)
    return stalled
