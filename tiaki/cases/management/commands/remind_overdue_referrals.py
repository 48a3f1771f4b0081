"""``tiaki remind_overdue_referrals``: remind agencies of overdue referrals (run daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tiaki.cases.services import referrals_remind_overdue
from tiaki.cases.tasks import remind_overdue_referrals


class Command(BaseCommand):
    help = "Send reminders for open referrals past their due date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true",
                            help="queue the task for `tiaki worker` instead of running it now")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = remind_overdue_referrals.enqueue()
            self.stdout.write(f"queued task {result.id}")
            return
        count = referrals_remind_overdue()
        self.stdout.write(f"{count} overdue referral(s) reminded")
