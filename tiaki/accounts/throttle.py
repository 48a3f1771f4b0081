"""Sign-in throttling: each failure after a few free ones makes the next try wait longer.

Why a delay and not a lock: five wrong passwords used to lock any staff account for a while,
so anyone who knew a username could keep its owner out. Here a failure only opens a waiting
window (doubling, capped at ``TIAKI_SIGNIN_MAX_DELAY_SECONDS``); tries made inside a window
are refused without being counted, so the window never grows while an attacker hammers it,
and a correct password is always accepted once the window has passed.

Two things are throttled: the account (whatever client tries it) and the client (whatever
accounts it tries), each by a keyed hash (HMAC with SECRET_KEY): neither a username nor a
network address is stored (the privacy notes promise no IP is kept). An unknown username is
throttled exactly like a known one, so the throttle reveals nothing about who exists.

A browser where the account's owner completed a sign-in carries a signed "known device"
cookie (OWASP's device-cookie defence): there the account-wide window does not apply, only
the device's own, so an attacker elsewhere cannot slow the owner on their usual device.

Windows are kept in the cache (Redis in production, shared by every web process).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

DEVICE_COOKIE = "tiaki_known_device"
DEVICE_COOKIE_PATH = "/accounts/"
_DEVICE_SALT = "tiaki.accounts.throttle.device"
_PREFIX = "tiaki:signin:"


def now() -> datetime:
    """The throttle's clock (tests replace it; nothing here reads wall-clock time directly)."""
    return timezone.now()


def _digest(kind: str, value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(),
                    hashlib.sha256).hexdigest()[:32]


def account_key(username: str) -> str:
    return "account:" + _digest("account", username.strip().casefold())


def client_key(request: HttpRequest) -> str:
    # REMOTE_ADDR is the proxy's address behind a proxy; the deployment sets it from the
    # forwarded header (README, production), so the key is the client's, hashed.
    return "client:" + _digest("client", str(request.META.get("REMOTE_ADDR", "")))


def device_key(request: HttpRequest, username: str) -> str | None:
    """The known-device key when this browser completed a sign-in for ``username``."""
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        data = signing.loads(raw, salt=_DEVICE_SALT,
                             max_age=settings.TIAKI_SIGNIN_DEVICE_DAYS * 86400)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("a") != account_key(username):
        return None
    return "device:" + _digest("device", str(data.get("n", "")))


def remember_device(response: HttpResponse, *, username: str) -> None:
    """Mark this browser as one where ``username`` signed in (after a correct password)."""
    import secrets

    value = signing.dumps({"a": account_key(username), "n": secrets.token_urlsafe(16)},
                          salt=_DEVICE_SALT)
    response.set_cookie(DEVICE_COOKIE, value, max_age=settings.TIAKI_SIGNIN_DEVICE_DAYS * 86400,
                        path=DEVICE_COOKIE_PATH, secure=settings.SESSION_COOKIE_SECURE,
                        httponly=True, samesite="Strict")


@dataclass(frozen=True)
class Keys:
    """The throttle keys one sign-in attempt counts against."""

    keys: tuple[str, ...]

    @classmethod
    def for_attempt(cls, request: HttpRequest, username: str) -> Keys:
        device = device_key(request, username)
        # On a known device the device's own window replaces the account-wide one.
        first = device if device is not None else account_key(username)
        return cls((first, client_key(request)))


def _delay_seconds(failures: int) -> float:
    free = settings.TIAKI_SIGNIN_FREE_FAILURES
    if failures < free:
        return 0.0
    base: float = settings.TIAKI_SIGNIN_DELAY_SECONDS
    cap: float = settings.TIAKI_SIGNIN_MAX_DELAY_SECONDS
    return float(min(cap, base * 2 ** min(failures - free, 30)))


def _state(key: str) -> dict[str, Any]:
    state = cache.get(_PREFIX + key)
    if not isinstance(state, dict):
        return {"failures": 0, "at": None}
    forget = settings.TIAKI_SIGNIN_FORGET_HOURS * 3600
    at = state.get("at")
    if at is not None and (now().timestamp() - float(at)) > forget:
        return {"failures": 0, "at": None}
    return state


def wait_seconds(keys: Keys) -> float:
    """How long these keys must still wait before a try is looked at (0: go ahead)."""
    longest = 0.0
    current = now().timestamp()
    for key in keys.keys:
        state = _state(key)
        if state["at"] is None:
            continue
        until = float(state["at"]) + _delay_seconds(int(state["failures"]))
        longest = max(longest, until - current)
    return longest


def record_failure(keys: Keys) -> None:
    """Count a failure made outside any waiting window (callers check ``wait_seconds``)."""
    ttl = settings.TIAKI_SIGNIN_FORGET_HOURS * 3600
    for key in keys.keys:
        state = _state(key)
        cache.set(_PREFIX + key, {"failures": int(state["failures"]) + 1,
                                  "at": now().timestamp()}, ttl)


def forget(*keys: str) -> None:
    """Clear windows: after a correct sign-in, or when an administrator resets a person."""
    cache.delete_many([_PREFIX + key for key in keys])


def forget_account(username: str) -> None:
    forget(account_key(username))
