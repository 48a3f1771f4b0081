"""Checks shared by every upload: size, type by content (not by name), and a digest."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from tiaki.core.policy import Refused

# Magic numbers of the document types officials attach as evidence.
_SIGNATURES: list[tuple[bytes, str]] = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"PK\x03\x04", "application/zip"),  # docx, xlsx, odt are zip containers
]
_TEXT_TYPES = {"text/plain", "text/csv"}


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int
    sha256: str


def sniff_type(head: bytes) -> str | None:
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text/plain"


def check_upload(upload: UploadedFile, *, max_bytes: int | None = None) -> CheckedUpload:
    limit = max_bytes or settings.TIAKI_MAX_UPLOAD_BYTES
    name = (upload.name or "attachment").rsplit("/", 1)[-1][:200]
    size = upload.size or 0
    if size > limit:
        raise Refused(_("%(name)s is %(size)s bytes; the limit is %(limit)s bytes") % {
            "name": name, "size": f"{size:,}", "limit": f"{limit:,}"})
    if size == 0:
        raise Refused(_("%(name)s is empty") % {"name": name})
    upload.seek(0)
    head = upload.read(2048)
    content_type = sniff_type(head)
    if content_type is None:
        raise Refused(_("%(name)s: only PDF, PNG, JPEG, Office documents and plain text are "
                        "accepted") % {"name": name})
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    if content_type == "text/plain" and name.lower().endswith(".csv"):
        content_type = "text/csv"
    return CheckedUpload(name=name, content_type=content_type, size=size, sha256=digest.hexdigest())
