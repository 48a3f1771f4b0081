"""``tiaki remind_late_protocol_steps``: remind teams of late protocol steps (run daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tiaki.investigations.services import steps_remind_late
from tiaki.investigations.tasks import remind_late_protocol_steps


class Command(BaseCommand):
    help = "Remind investigation teams of coordination-protocol steps past their deadline."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true",
                            help="queue the task for `tiaki worker` instead of running it now")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = remind_late_protocol_steps.enqueue()
            self.stdout.write(f"queued task {result.id}")
            return
        count = steps_remind_late()
        self.stdout.write(f"{count} late protocol step(s) reminded")
