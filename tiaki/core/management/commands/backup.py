"""``tiaki backup OUT``: the database, the media directory and an audit checkpoint in one file.

The keys are not in it (see ``tiaki.core.backup``); ``--keys-out FILE`` writes them to a
separate file, to be kept somewhere other than the backups.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tiaki.core.backup import BackupError, backup_make, manifest_summary


class Command(BaseCommand):
    help = ("Back up the database (consistent while the install runs), the media directory "
            "and a signed audit checkpoint to one file. The field and audit keys are not "
            "included.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="the backup file to write (must not exist)")
        parser.add_argument("--keys-out", type=Path, default=None,
                            help="also write TIAKI_FIELD_KEYS and TIAKI_AUDIT_KEY to this "
                                 "separate file (mode 600); store it apart from the backups")

    def handle(self, *args: Any, out: Path, keys_out: Path | None, **options: Any) -> None:
        try:
            manifest = backup_make(out=out, keys_out=keys_out, report=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup written to {out}: {manifest_summary(manifest)}")
        if manifest["media"]["missing"]:
            self.stderr.write(f"warning: {len(manifest['media']['missing'])} media file(s) "
                              f"named in the database were not in MEDIA_ROOT, e.g. "
                              f"{manifest['media']['missing'][0]}")
        if keys_out is not None:
            self.stdout.write(f"keys written to {keys_out}: keep it apart from the backups")
        else:
            self.stdout.write("the keys are not in the backup: restoring needs TIAKI_FIELD_KEYS "
                              "and TIAKI_AUDIT_KEY from where they are kept")
