"""Oversized requests are refused from their declared length, before the body is read."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadhandler import StopUpload
from django.test import Client, RequestFactory

from tiaki.core.limits import CappedUploadHandler, request_cap

pytestmark = pytest.mark.django_db

HUGE = 300 * 1024 * 1024


class UnreadableBody:
    """A request body that records any attempt to read it."""

    def __init__(self) -> None:
        self.reads = 0

    def read(self, *args: Any) -> bytes:
        self.reads += 1
        return b"x" * 65536

    def readline(self, *args: Any) -> bytes:
        return self.read()


@pytest.mark.parametrize(("path", "content_type"), [
    ("/report/", "multipart/form-data; boundary=xyz"),
    ("/report/follow-up/", "application/x-www-form-urlencoded"),
    ("/api/public/reports", "application/json"),
    ("/api/cases/", "application/json"),
    ("/accounts/login/", "application/x-www-form-urlencoded"),
])
def test_declared_oversize_is_refused_unread(path: str, content_type: str) -> None:
    body = UnreadableBody()
    response = Client().generic("POST", path, b"", content_type=content_type,
                                **{"wsgi.input": body, "CONTENT_LENGTH": str(HUGE)})
    assert response.status_code == 413
    assert body.reads == 0
    if path.startswith("/api/"):
        assert "larger than" in response.json()["detail"]


def test_portal_cap_follows_its_attachment_limits(settings: Any) -> None:
    settings.TIAKI_REPORT_MAX_ATTACHMENTS = 2
    settings.TIAKI_REPORT_MAX_ATTACHMENT_BYTES = 1000
    assert request_cap("/report/") == 2000 + 1024 * 1024
    settings.TIAKI_MAX_REQUEST_BYTES = 5000
    assert request_cap("/cases/1/") == 5000
    body = UnreadableBody()
    response = Client().generic("POST", "/cases/", b"", content_type="text/plain",
                                **{"wsgi.input": body, "CONTENT_LENGTH": "5001"})
    assert response.status_code == 413 and body.reads == 0


def test_a_streaming_upload_stops_once_past_the_cap(settings: Any) -> None:
    settings.TIAKI_MAX_REQUEST_BYTES = 100_000
    request = RequestFactory().post("/cases/")
    handler = CappedUploadHandler(request)
    for start in range(0, 96_000, 32_000):
        assert handler.receive_data_chunk(b"x" * 32_000, start)
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x" * 32_000, 96_000)
