"""``tiaki purge_idempotency_keys``: forget API idempotency keys past the retry window."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tiaki.core.idempotency import RETENTION, idempotency_purge


class Command(BaseCommand):
    help = "Forget Idempotency-Key records older than the retry window (one day); run daily."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Forgot {idempotency_purge()} idempotency key(s) older than "
                          f"{RETENTION.days} day(s).")
