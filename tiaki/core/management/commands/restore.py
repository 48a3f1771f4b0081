"""``tiaki restore IN``: restore a ``tiaki backup`` file, then prove the result.

The keys come from the environment (``TIAKI_FIELD_KEYS``, ``TIAKI_AUDIT_KEY``) and are checked
against the backup before anything is written; see ``tiaki.core.backup``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tiaki.core.backup import BackupError, RestoreFailed, backup_restore, manifest_summary


class Command(BaseCommand):
    help = ("Restore a backup made by `tiaki backup` into this install's (empty) database and "
            "media directory, then verify the audit chain against the backup's checkpoint.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", type=Path, help="the file written by `tiaki backup`")
        parser.add_argument("--force", action="store_true",
                            help="replace a database and media directory that are not empty")

    def handle(self, *args: Any, backup: Path, force: bool, **options: Any) -> None:
        try:
            result = backup_restore(path=backup, force=force, report=self.stdout.write)
        except RestoreFailed as exc:
            raise CommandError(f"restore failed: {exc}") from exc
        except BackupError as exc:
            raise CommandError(f"restore refused, nothing written: {exc}") from exc
        manifest = result.manifest
        self.stdout.write(f"restored the backup made at {manifest['made_at']} by Tiaki "
                          f"{manifest['tiaki_version']}: {manifest_summary(manifest)}")
        verify = result.verify
        if verify.first_break is not None:
            raise CommandError(f"audit trail of the restored install broken at row "
                               f"{verify.first_break.event_id}: {verify.first_break.problem}")
        self.stdout.write(f"audit trail intact: {verify.checked} rows checked, matches the "
                          f"backup's checkpoint at position "
                          f"{', '.join(map(str, verify.anchors_checked))}")
        if result.count_mismatches:
            shown = "; ".join(f"{t}: {want} in the backup, {got} restored"
                              for t, (want, got) in list(result.count_mismatches.items())[:5])
            raise CommandError(f"row counts differ from the manifest: {shown}")
        self.stdout.write(f"every table holds the rows the manifest counted; "
                          f"{result.identities_checked} identities decrypt with the keys "
                          f"supplied")
        self.stdout.write("next: `tiaki migrate` if this version is newer than the backup's")
