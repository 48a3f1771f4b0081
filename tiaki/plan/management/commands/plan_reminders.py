from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tiaki.plan.tasks import send_plan_reminders
from tiaki.plan.working_group_services import reminders_send


class Command(BaseCommand):
    help = "Remind agencies of due and overdue Plan items and working-group actions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true",
                            help="queue the task for the worker instead of running it here")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = send_plan_reminders.enqueue()
            self.stdout.write(f"queued {result.id}")
            return
        self.stdout.write(f"reminded {reminders_send()} agencies")
