"""``tiaki encrypt_attachments``: encrypt public-report attachments stored before encryption
at rest. Safe to run again; an interrupted run is finished by the next."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tiaki.intake.services import attachments_encrypt


class Command(BaseCommand):
    help = "Encrypt public-report attachments stored before encryption at rest."

    def handle(self, *args: Any, **options: Any) -> None:
        done = attachments_encrypt()
        self.stdout.write(f"{done} attachment(s) encrypted")
