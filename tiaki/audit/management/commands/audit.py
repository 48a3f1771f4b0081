"""``tiaki audit verify|seal|checkpoint``: check, seal and anchor the audit trail."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tiaki.audit.checkpoint import CheckpointError, checkpoint_make, checkpoint_read
from tiaki.audit.sealing import audit_seal, seal_forever
from tiaki.audit.verify import Anchor, audit_verify


class Command(BaseCommand):
    help = ("`tiaki audit verify` checks every row's MAC and the seal chain offline and names "
            "the first bad row; `seal` seals committed rows; `checkpoint FILE` writes a signed "
            "checkpoint to keep outside the database.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        verify = sub.add_parser("verify", help="check the trail from the first row")
        verify.add_argument("--jobs", type=int, default=min(os.cpu_count() or 1, 8),
                            help="processes checking stretches of the chain side by side "
                                 "(default: one per core, used from 200,000 sealed rows)")
        verify.add_argument("--checkpoint", type=Path, action="append", default=[],
                            help="a checkpoint file the chain must still match (repeatable)")
        seal = sub.add_parser("seal", help="seal the committed rows not yet sealed")
        seal.add_argument("--follow", action="store_true",
                          help="keep sealing (run next to the web processes and the worker)")
        seal.add_argument("--interval", type=float, default=1.0)
        seal.add_argument("--sweep", action="store_true",
                          help="look at every row, not only the recent ones")
        checkpoint = sub.add_parser("checkpoint", help="seal, then write a signed checkpoint")
        checkpoint.add_argument("file", type=Path)

    def handle(self, *args: Any, verb: str, **options: Any) -> None:
        if verb == "seal":
            self._seal(options)
        elif verb == "checkpoint":
            self._checkpoint(options["file"])
        else:
            self._verify(options["checkpoint"], options["jobs"])

    def _seal(self, options: dict[str, Any]) -> None:
        if options["follow"]:
            self.stdout.write(f"sealing every {options['interval']} s (Ctrl-C stops)")
            try:
                seal_forever(interval=options["interval"],
                             report=lambda n: self.stdout.write(f"sealed {n} rows"))
            except KeyboardInterrupt:
                return
        sealed = audit_seal(sweep=options["sweep"])
        self.stdout.write(f"sealed {sealed} rows")

    def _checkpoint(self, path: Path) -> None:
        import json

        try:
            body = checkpoint_make()
        except CheckpointError as exc:
            raise CommandError(str(exc)) from exc
        path.write_text(json.dumps(body, indent=2) + "\n")
        self.stdout.write(f"checkpoint written to {path}: position {body['seq']}, "
                          f"row {body['event_id']}; keep it outside the database")

    def _verify(self, files: list[Path], jobs: int) -> None:
        anchors: list[Anchor] = []
        for path in files:
            try:
                anchors.append(checkpoint_read(path.read_text()))
            except (OSError, CheckpointError) as exc:
                raise CommandError(f"{path}: {exc}") from exc
        started = time.monotonic()
        result = audit_verify(anchors=anchors, jobs=jobs)
        seconds = max(time.monotonic() - started, 1e-9)
        if result.first_break is not None:
            where = (f" (chain position {result.first_break.seq})"
                     if result.first_break.seq else "")
            raise CommandError(
                f"audit trail broken at row {result.first_break.event_id}{where}: "
                f"{result.first_break.problem} ({result.checked} rows checked)"
            )
        self.stdout.write(f"audit trail intact: {result.checked} rows checked "
                          f"({result.checked / seconds:,.0f} rows/s), sealed up to position "
                          f"{result.last_seq}")
        if anchors:
            self.stdout.write(f"matches {len(anchors)} checkpoint(s) at position(s) "
                              f"{', '.join(map(str, result.anchors_checked))}")
        if result.unsealed:
            self.stdout.write(f"{result.unsealed} rows not yet sealed (oldest at "
                              f"{result.oldest_unsealed}); `tiaki audit seal` seals them")
