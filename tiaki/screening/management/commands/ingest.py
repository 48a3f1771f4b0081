"""``tiaki ingest FILE…``: read passenger lists (PAXLST, CSV) and visa applications (JSON,
CSV), add the records not already held, and screen them (issue 5, "Ingestion")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from tiaki.core.policy import Refused
from tiaki.screening.models import IngestBatch
from tiaki.screening.services import batch_screen, ingest_file
from tiaki.screening.tasks import screen_batch

SHOWN_PROBLEMS = 50


class Command(BaseCommand):
    help = ("Ingest PAXLST, CSV or JSON files (format detected). Re-ingesting a file changes "
            "nothing. Prints how many records were read, added, already present and rejected.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--kind", choices=["traveller", "visa_application"],
                            help="what a CSV or JSON file holds (default: CSV travellers, "
                                 "JSON visa applications; PAXLST is always travellers)")
        parser.add_argument("--queue", action="store_true",
                            help="hand screening to the background worker instead of "
                                 "screening here")
        parser.add_argument("--no-screen", action="store_true",
                            help="only store the records (screen later)")

    def handle(self, *args: Any, **options: Any) -> None:
        failures = 0
        for path in options["files"]:
            try:
                data = path.read_bytes()
            except OSError as exc:
                self.stderr.write(f"{path}: cannot read: {exc.strerror}")
                failures += 1
                continue
            bar = tqdm(desc=f"reading {path.name}", unit="rec", disable=None, leave=False)

            def step(done: int, total: int, bar: tqdm[Any] = bar) -> None:
                bar.total = total
                bar.update(done - bar.n)

            try:
                outcome = ingest_file(actor=None, data=data, file_name=path.name,
                                      kind=options["kind"], screen=False, progress=step)
            except Refused as exc:
                bar.close()
                self.stderr.write(f"{path}: {exc}")
                failures += 1
                continue
            bar.close()
            self.stdout.write(outcome.summary())
            shown = outcome.problems if options["verbosity"] > 1 else \
                outcome.problems[:SHOWN_PROBLEMS]
            for p in shown:
                where = f"line {p['line']}" if p["line"] else "file"
                field = f", {p['field']}" if p["field"] else ""
                verdict = "rejected" if p["rejected"] else p["severity"]
                self.stdout.write(f"  {where}{field}: {p['reason']} ({verdict})")
            if len(shown) < len(outcome.problems):
                self.stdout.write(f"  … {len(outcome.problems) - len(shown)} more "
                                  "(use -v 2 to see all)")
            batch = outcome.batch
            if options["no_screen"]:
                continue
            for earlier in IngestBatch.objects.filter(pk__in=outcome.unfinished):
                # A crash (or kill -9) stopped this batch's screening: finish it now.
                self.stdout.write(f"  batch {earlier.pk} ({earlier.file_name}) stopped at "
                                  f"{earlier.screen_done} of {earlier.added_count}: resuming")
                self._screen(earlier, path.name, options["queue"])
            if batch.added_count:
                self._screen(batch, path.name, options["queue"])
        if failures:
            raise CommandError(f"{failures} file(s) could not be ingested")

    def _screen(self, batch: IngestBatch, name: str, queue: bool) -> None:
        if queue:
            screen_batch.enqueue(batch_id=batch.pk)
            self.stdout.write(f"  screening queued for the worker (batch {batch.pk})")
            return
        sbar = tqdm(desc=f"screening {name}", unit="rec", disable=None, leave=False)

        def sstep(done: int, total: int, bar: tqdm[Any] = sbar) -> None:
            bar.total = total
            bar.update(done - bar.n)

        alerts = batch_screen(batch=batch, progress=sstep)
        sbar.close()
        batch.refresh_from_db()
        if batch.status != IngestBatch.Status.DONE:
            self.stdout.write(f"  batch {batch.pk} is being screened by another process")
            return
        self.stdout.write(f"  screened {batch.screen_done}: {alerts} alert(s) raised")
