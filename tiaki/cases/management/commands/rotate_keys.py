"""``tiaki rotate_keys``: re-encrypt every identifying detail with the newest field key.

Rotation (tiaki.core.crypto): put a new key first in TIAKI_FIELD_KEYS, keep the old ones
after it, run this command, then remove the old keys. Each row is rewritten in its own
transaction, so the command can be stopped and run again safely.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tiaki.audit.services import Action, audit_record
from tiaki.cases.models import IdentifyingDetails
from tiaki.core import crypto


class Command(BaseCommand):
    help = "Re-encrypt stored identifying details with the newest key in TIAKI_FIELD_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        crypto.reset_keys()
        done = 0
        for pk in IdentifyingDetails.objects.order_by("pk").values_list("pk", flat=True):
            with transaction.atomic():
                row = IdentifyingDetails.objects.select_for_update().get(pk=pk)
                try:
                    row.ciphertext = crypto.rotate(row.ciphertext)
                except crypto.DecryptionError as exc:
                    raise CommandError(f"row {pk}: {exc}; is the old key still listed?") from exc
                row.save(update_fields=["ciphertext"])
            done += 1
        audit_record(actor=None, action=Action.UPDATE, object_type="cases.identifyingdetails",
                     summary=f"Field keys rotated: {done} row(s) re-encrypted")
        self.stdout.write(f"{done} row(s) re-encrypted with the newest key")
        # Public-report attachments are encrypted with the same keys.
        from tiaki.intake.services import attachments_rotate_keys

        try:
            files = attachments_rotate_keys()
        except crypto.DecryptionError as exc:
            raise CommandError(f"attachment: {exc}; is the old key still listed?") from exc
        self.stdout.write(f"{files} attachment(s) re-encrypted with the newest key")
