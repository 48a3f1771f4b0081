"""Idle expiry without a session write on every request (issue 16).

Django's ``SESSION_SAVE_EVERY_REQUEST`` renews a session's expiry by writing its row on
every request: an ``UPDATE`` of ``django_session`` (and a commit) for each page view, even
when nothing in the session changed. This middleware renews it at most once every
``TIAKI_SESSION_RENEW_SECONDS`` (60 s by default) instead: it records when it last renewed
the session in the session itself, and marks the session changed once that is older, so
Django's own ``SessionMiddleware`` saves it (a changed session is saved as before).

A session therefore ends between ``SESSION_COOKIE_AGE - renew`` and ``SESSION_COOKIE_AGE``
after the last request, never later than before: idle expiry stays the rule of
docs/threat-model.md (sessions end after ``TIAKI_IDLE_MINUTES`` idle). The clock is
``time.time`` looked up at call time, so tests can inject it.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse

RENEWED_KEY = "_tiaki_renewed"


def renew_seconds() -> int:
    return int(getattr(settings, "TIAKI_SESSION_RENEW_SECONDS", 60))


class IdleSessionMiddleware(SessionMiddleware):
    """``SessionMiddleware`` that renews an unchanged session at most once a minute."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session: Any = getattr(request, "session", None)
        # A request without a session cookie has nothing to renew (and reading the session
        # here must not create one); the key is read without loading the session.
        if session is not None and session.session_key:
            now = int(time.time())
            renewed = session.get(RENEWED_KEY)
            if not session.is_empty() and (
                    not isinstance(renewed, int) or not 0 <= now - renewed < renew_seconds()):
                session[RENEWED_KEY] = now
        return super().process_response(request, response)
