"""Answers remembered for the length of one request (agency lineages, a user's posts).

A page asks the same policy questions many times: the border queue asked for the officer's
agency lineage nine times and their posts four (issue 16: 40 queries a page). Inside a
request (``RequestMemoMiddleware``) each answer is read once; outside one (services called
from a job, a command or a test) nothing is remembered, so a long-lived object never sees
a stale answer. A service that changes what is remembered (an agency's successor, post
memberships) calls ``memo_clear`` so the rest of its request reads the change.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

_memo: ContextVar[dict[Hashable, Any] | None] = ContextVar("tiaki_request_memo", default=None)


def remembered[T](key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, read once per request for ``key`` (every time outside a request)."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    value: T = memo[key]
    return value


def memo_clear() -> None:
    memo = _memo.get()
    if memo is not None:
        memo.clear()


class RequestMemoMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
