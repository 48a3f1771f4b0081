"""``tiaki loadgrading [FILE...]``: grading schemes and caveats (default: every file in
``data/intelligence/``), validated whole, written atomically."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tiaki.intelligence.grading import GradingFileError, default_paths, grading_load


class Command(BaseCommand):
    help = "Load intelligence grading schemes and caveats from their data files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        paths = options["files"] or default_paths()
        try:
            changed = grading_load(paths=paths)
        except GradingFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("; ".join(changed) if changed else "No changes.")
