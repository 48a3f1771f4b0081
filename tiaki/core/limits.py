"""Request-size caps applied before anything reads the body.

Without them a 300 MB anonymous upload to the portal was read whole (30 s of a web process)
before the form refused it. The middleware answers 413 from the Content-Length header
alone, so no byte of the body is read; the upload handler stops a multipart upload as soon
as the bytes received pass the cap (a body whose length is not declared is never read:
Django's WSGI request reads at most the declared length).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, JsonResponse


def request_cap(path: str) -> int:
    """The largest body accepted for ``path``: the public portal's own (its attachments and
    a form), elsewhere the largest upload and a form."""
    form_allowance = 1024 * 1024
    if path.startswith(("/report", "/api/public/")):
        return (settings.TIAKI_REPORT_MAX_ATTACHMENTS * settings.TIAKI_REPORT_MAX_ATTACHMENT_BYTES
                + form_allowance)
    return int(settings.TIAKI_MAX_REQUEST_BYTES)


def _too_large(request: HttpRequest, cap: int) -> HttpResponse:
    message = f"The request is larger than the {cap:,} bytes accepted here."
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


class RequestSizeLimitMiddleware:
    """First in the chain: refuse a declared body over the cap without reading it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cap = request_cap(request.path_info)
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse("Bad Content-Length.", status=400)
        if declared > cap:
            # Close the connection: the client may still be sending the body.
            response = _too_large(request, cap)
            response["Connection"] = "close"
            return response
        request.tiaki_request_cap = cap  # type: ignore[attr-defined]
        return self.get_response(request)


class CappedUploadHandler(FileUploadHandler):
    """Stops a multipart upload once the bytes received pass the request's cap."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0
        self.cap = getattr(request, "tiaki_request_cap", None) or request_cap(
            getattr(request, "path_info", ""))

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.cap:
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
