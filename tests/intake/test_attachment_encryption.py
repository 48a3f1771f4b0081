"""Public-report attachments are encrypted at rest with the field keys, like identities, and
decrypted only on an audited read by someone who may see the report."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from tests.conftest import login
from tests.intake.conftest import submit_report
from tiaki.accounts.models import Agency, User
from tiaki.audit.models import AuditEvent
from tiaki.intake.models import ReportAttachment

pytestmark = pytest.mark.django_db

SECRET = b"van plate ABC123, boss Sione Vake"


def _on_disk(attachment: ReportAttachment) -> bytes:
    with attachment.file.storage.open(attachment.file.name, "rb") as handle:
        return bytes(handle.read())


def test_attachment_is_ciphertext_on_disk(client: Client, agencies: dict[str, Agency],
                                          triage: dict[str, User]) -> None:
    submit_report(client, attachments=[SimpleUploadedFile("note.txt", SECRET, "text/plain")])
    attachment = ReportAttachment.objects.get()
    stored = _on_disk(attachment)
    assert SECRET not in stored and b"ABC123" not in stored
    assert attachment.encrypted and not attachment.file.name.endswith(".txt")
    police = login(Client(), triage["police"])
    response = police.get(f"/intake/attachments/{attachment.pk}/")
    assert response.status_code == 200 and response.getvalue() == SECRET
    assert AuditEvent.objects.filter(action="read", object_type="intake.reportattachment",
                                     object_id=str(attachment.pk)).count() == 1
    # Someone the report was not routed to gets the same answer as for a missing file.
    assert login(Client(), triage["customs"]).get(
        f"/intake/attachments/{attachment.pk}/").status_code == 404


def test_command_encrypts_files_stored_before(client: Client, agencies: dict[str, Agency],
                                              triage: dict[str, User], settings: Any) -> None:
    submit_report(client, attachments=[SimpleUploadedFile("note.txt", SECRET, "text/plain")])
    attachment = ReportAttachment.objects.get()
    # As an attachment was stored before encryption at rest: plaintext, flag off.
    legacy = attachment.file.storage.save("intake/legacy.txt", ContentFile(SECRET))
    old_encrypted = attachment.file.name
    ReportAttachment.objects.filter(pk=attachment.pk).update(file=legacy, encrypted=False)
    attachment.file.storage.delete(old_encrypted)
    call_command("encrypt_attachments", stdout=open("/dev/null", "w"))  # noqa: SIM115
    attachment.refresh_from_db()
    assert attachment.encrypted and SECRET not in _on_disk(attachment)
    assert not attachment.file.storage.exists(legacy)
    police = login(Client(), triage["police"])
    assert police.get(f"/intake/attachments/{attachment.pk}/").getvalue() == SECRET
    call_command("encrypt_attachments", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert ReportAttachment.objects.get().file.name == attachment.file.name  # nothing to do
