"""Idempotency keys for every create in the API: one mechanism, used by every app.

A system that may retry (a carrier's passenger-list upload, a partner's case referral) sends
an ``Idempotency-Key`` header with its POST. The first request with a key runs; its
successful response is stored with the caller and a fingerprint of the request (method,
path, query and body). Then:

- the same key with the same request answers the stored response again (header
  ``Idempotent-Replayed: true``) and changes nothing;
- the same key with a different request answers 422: a key names one request;
- the same key while the first request is still running answers 409 (concurrent retries:
  the unique constraint on (caller, key) lets exactly one of them in);
- a refused or failed first request (any non-2xx answer) releases the key, because it
  changed nothing, so the caller may retry it once the reason is dealt with.

Keys are scoped to the calling user (a token's user or the signed-in person), so two systems
cannot see each other's responses by guessing keys. Requests without the header behave as
before. ``idempotency_purge`` forgets keys older than a day (the retry window).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.utils import timezone

from tiaki.core.models import IdempotencyKey

if TYPE_CHECKING:
    from tiaki.accounts.models import User

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
RETENTION = dt.timedelta(days=1)
_CLAIM = "_tiaki_idempotency_claim"

# Added to each idempotent operation in the OpenAPI schema.
OPENAPI_PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "maxLength": MAX_KEY_LENGTH},
    "description": (
        "A unique value per request (a UUID is best). Retrying with the same key and body "
        "returns the first response and creates nothing twice; the same key with a "
        "different body is refused with 422; while the first request is still running, "
        "409."
    ),
}


def fingerprint(request: HttpRequest) -> str:
    """SHA-256 of what makes two requests the same request."""
    digest = hashlib.sha256()
    digest.update(request.method.encode() if request.method else b"")
    digest.update(b"\0" + request.path.encode() + b"\0")
    digest.update(request.META.get("QUERY_STRING", "").encode() + b"\0")
    try:
        digest.update(request.body)
    except RawPostDataException:
        # Multipart uploads were streamed to files, so the raw body is gone: hash the
        # fields and each file's name and content instead.
        for name in sorted(request.POST):
            for value in request.POST.getlist(name):
                digest.update(f"{name}={value}\0".encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest.update(f"{name}:{upload.name}\0".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    return digest.hexdigest()


def _problem(status: int, detail: str) -> HttpResponse:
    return JsonResponse({"detail": detail}, status=status)


def _replay(record: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(bytes(record.response_body), status=record.status_code or 200,
                            content_type=record.content_type or "application/json")
    response["Idempotent-Replayed"] = "true"
    return response


def claim(request: HttpRequest, key: str) -> IdempotencyKey | HttpResponse:
    """Claim ``key`` for this request, or the response to give instead of running it."""
    if len(key) > MAX_KEY_LENGTH:
        return _problem(400, f"The {HEADER} header is longer than {MAX_KEY_LENGTH} "
                             "characters.")
    user = cast("User", request.user)
    operation = f"{request.method} {request.path}"
    print_ = fingerprint(request)
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(user=user, key=key,
                                                 operation=operation, fingerprint=print_)
    except IntegrityError:
        pass
    record = IdempotencyKey.objects.filter(user=user, key=key).first()
    if record is None:
        # The first request was refused and released the key between our insert and this
        # read: run again, as if first.
        return claim(request, key)
    if record.fingerprint != print_:
        return _problem(422, f"This {HEADER} was already used for a different request "
                             f"({record.operation}, or another body). Use a new key for "
                             "each new request.")
    if record.status_code is None:
        return _problem(409, f"A request with this {HEADER} is still being processed. "
                             "Retry in a few seconds; it will not be applied twice.")
    return _replay(record)


def finish(request: HttpRequest, response: HttpResponse) -> None:
    """Store a successful response under the request's claim, or release the claim."""
    record: IdempotencyKey | None = getattr(request, _CLAIM, None)
    if record is None:
        return
    setattr(request, _CLAIM, None)
    if 200 <= response.status_code < 300:
        record.status_code = response.status_code
        record.content_type = response.get("Content-Type", "application/json")
        record.response_body = response.content
        record.save(update_fields=["status_code", "content_type", "response_body"])
    else:
        record.delete()


def release(request: HttpRequest) -> None:
    record: IdempotencyKey | None = getattr(request, _CLAIM, None)
    if record is not None:
        setattr(request, _CLAIM, None)
        record.delete()


def idempotent[F: Callable[..., Any]](view: F) -> F:
    """Make a create operation honour ``Idempotency-Key`` (see the module docstring)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER, "").strip()
        if not key or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        claimed = claim(request, key)
        if isinstance(claimed, HttpResponse):
            return claimed
        setattr(request, _CLAIM, claimed)
        try:
            result = view(request, *args, **kwargs)
        except BaseException:
            # The API's exception handlers turn this into a 4xx/5xx answer; nothing was
            # created, so the key is free for a retry.
            release(request)
            raise
        if isinstance(result, HttpResponse):
            # Answers built by the view itself skip the API's create_response.
            finish(request, result)
        return result

    # The API reads the view's parameters from its signature; resolve the annotations in the
    # view's own module, since the wrapper lives here (``from __future__ import annotations``).
    wrapper.__signature__ = inspect.signature(view, eval_str=True)  # type: ignore[attr-defined]
    wrapper.idempotent = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


# What a reused key answers, on each idempotent operation (the API adds the body schema).
OPENAPI_RESPONSES = {
    "409": {"description": f"A request with this {HEADER} is still being processed; retry "
                           "in a few seconds (the record's state may also forbid the step)"},
    "422": {"description": f"The input does not validate (each problem named), or this "
                           f"{HEADER} was already used for a different request"},
}


def idempotent_post(router: Any, path: str, **kwargs: Any) -> Callable[[Any], Any]:
    """``router.post`` for a create: idempotent, with the header and the answers to a reused
    key in the OpenAPI schema."""
    extra = dict(kwargs.pop("openapi_extra", None) or {})
    extra["parameters"] = [*extra.get("parameters", []), OPENAPI_PARAMETER]
    extra["responses"] = {**OPENAPI_RESPONSES, **extra.get("responses", {})}

    def decorate(view: Any) -> Any:
        return router.post(path, openapi_extra=extra, **kwargs)(idempotent(view))

    return decorate


def idempotency_purge(*, now: dt.datetime | None = None) -> int:
    """Forget keys past the retry window; returns how many."""
    cutoff = (now or timezone.now()) - RETENTION
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
