"""``tiaki purge_reports``: delete closed reports past the retention period."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tiaki.intake.services import reports_purge, retention_days


class Command(BaseCommand):
    help = ("Delete reports closed more than TIAKI_REPORT_RETENTION_DAYS ago, with their "
            "attachments; each purge is recorded in the audit trail.")

    def handle(self, *args: Any, **options: Any) -> None:
        purged = reports_purge()
        self.stdout.write(f"Purged {len(purged)} report(s) closed more than "
                          f"{retention_days()} days ago.")
        for reference in purged:
            self.stdout.write(f"  {reference}")
