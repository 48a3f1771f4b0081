from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tiaki.plan.loader import PlanFileError, plan_load


class Command(BaseCommand):
    help = "Load (or update) a Plan of Action from its data file, e.g. plans/nz-2009.yaml."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args: Any, files: list[Path], **options: Any) -> None:
        for path in files:
            try:
                result = plan_load(path=path)
            except PlanFileError as exc:
                raise CommandError(str(exc)) from exc
            verb = "created" if result.created else ("updated" if result.changed else "unchanged")
            self.stdout.write(f"{result.plan.code}: {verb}, {result.items} action items ({path})")
