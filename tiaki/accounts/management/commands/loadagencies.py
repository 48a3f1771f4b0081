from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tiaki.accounts.loader import AgencyFileError, agencies_load


class Command(BaseCommand):
    help = "Load a country's agencies from its data file, e.g. data/nz/agencies.yaml."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args: Any, files: list[Path], **options: Any) -> None:
        for path in files:
            try:
                created, updated = agencies_load(path=path)
            except AgencyFileError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{path}: {created} agencies created, {updated} updated")
