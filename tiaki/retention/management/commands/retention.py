"""``tiaki retention run [--dry-run]``: apply the retention and disposal schedule now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from tqdm import tqdm

from tiaki.retention.services import retention_run


class Command(BaseCommand):
    help = ("`tiaki retention run` disposes of the records past their period under "
            "data/legal/<cc>/retention.yaml (records under a legal hold are kept); "
            "`--dry-run` only shows what is due.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        run = sub.add_parser("run", help="dispose of what is due (or show it: --dry-run)")
        run.add_argument("--dry-run", action="store_true", help="change nothing; show counts")
        run.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, verb: str, **options: Any) -> None:
        bars: dict[str, tqdm[Any]] = {}

        def step(code: str, done: int, total: int) -> None:
            bar = bars.get(code)
            if bar is None:
                bar = bars[code] = tqdm(desc=code, total=total, unit="rec", leave=False,
                                        disable=True if options["no_progress"] else None)
            bar.update(done - bar.n)

        report = retention_run(now=timezone.now(), dry_run=options["dry_run"],
                               progress=step)
        for bar in bars.values():
            bar.close()
        self.stdout.write(f"Schedule {report.schedule_version}"
                          f"{' (dry run: nothing changed)' if report.dry_run else ''}")
        for c in report.classes:
            done = "" if report.dry_run else f", {c.disposed} disposed of"
            self.stdout.write(f"  {c.code}: {c.action} after {c.period_days} days; "
                              f"{c.due} due, {c.held} held{done}")
            for kept in c.kept:
                self.stdout.write(f"    kept (still referenced): {kept}")
        if report.run is not None:
            self.stdout.write(f"Run {report.run.pk}: {report.disposed} record(s) disposed of.")
