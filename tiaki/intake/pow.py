"""Proof of work: the abuse limit on public submissions that needs no IP address.

The server hands out a signed challenge ``purpose.bits.issued.random``. The browser finds a
nonce such that SHA-256(``challenge:nonce``) starts with ``bits`` zero bits (a second or two
of work, ``static/intake/pow.js``). A browser without JavaScript (or without Web Crypto)
instead proves it *waited*: the challenge must be at least ``TIAKI_POW_WAIT_SECONDS`` old,
which a person filling in the form easily is. Because waiting costs a bulk sender little,
that path also has a service-wide budget per minute (``TIAKI_POW_WAIT_PATH_PER_MINUTE``).

Every challenge is accepted once: its digest is recorded (``SpentChallenge``) in the same
transaction as the report, so a replayed challenge is refused. Only the digest and an
hour-rounded forget-after time are kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from tiaki.intake.limits import over_limit
from tiaki.intake.models import SpentChallenge
from tiaki.intake.refusals import PortalRefused

_SIGNER_SALT = "tiaki.intake.pow"
PURPOSES = frozenset({"report", "receipt", "api"})


def difficulty() -> int:
    return int(getattr(settings, "TIAKI_POW_BITS", 16))


def wait_seconds() -> int:
    return int(getattr(settings, "TIAKI_POW_WAIT_SECONDS", 20))


def wait_path_per_minute() -> int:
    return int(getattr(settings, "TIAKI_POW_WAIT_PATH_PER_MINUTE", 20))


def max_age_seconds() -> int:
    return int(getattr(settings, "TIAKI_POW_MAX_AGE_SECONDS", 2 * 3600))


# The clock challenges are issued and checked against. Tests replace it (``pow.clock``)
# to move time forward instead of sleeping, so the wait path is tested on any load.
clock: Callable[[], float] = time.time


@dataclass(frozen=True)
class Challenge:
    token: str
    bits: int
    wait_seconds: int


def issue(purpose: str, *, extra_bits: int = 0) -> Challenge:
    """A new challenge; ``extra_bits`` raises the cost while the service is under attack
    (each extra bit doubles the work)."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown proof-of-work purpose {purpose!r}")
    bits = difficulty() + max(extra_bits, 0)
    value = f"{purpose}.{bits}.{int(clock())}.{secrets.token_hex(12)}"
    token = signing.Signer(salt=_SIGNER_SALT).sign(value)
    return Challenge(token=token, bits=bits, wait_seconds=wait_seconds())


def token_bits(token: str) -> int | None:
    """The difficulty a genuine challenge carries, or None when the token is not one."""
    try:
        return int(signing.Signer(salt=_SIGNER_SALT).unsign(token or "").split(".")[1])
    except (signing.BadSignature, ValueError, IndexError):
        return None


def leading_zero_bits(digest: bytes) -> int:
    count = 0
    for byte in digest:
        if byte == 0:
            count += 8
            continue
        count += 8 - byte.bit_length()
        break
    return count


def solve(token: str, bits: int) -> str:
    """Find a nonce (used by tests and by partner systems' reference client)."""
    nonce = 0
    while True:
        digest = hashlib.sha256(f"{token}:{nonce}".encode()).digest()
        if leading_zero_bits(digest) >= bits:
            return str(nonce)
        nonce += 1


def _forget_after(issued: int) -> dt.datetime:
    moment = dt.datetime.fromtimestamp(issued + max_age_seconds(), tz=dt.UTC)
    return moment.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)


def spend(token: str, nonce: str, *, purpose: str) -> None:
    """Check the work (or the wait) and mark the challenge used; call inside the atomic block
    that stores what the challenge protects, so a failure leaves nothing behind."""
    try:
        value = signing.Signer(salt=_SIGNER_SALT).unsign(token or "")
        kind, bits_text, issued_text, _ = value.split(".")
        bits, issued = int(bits_text), int(issued_text)
    except (signing.BadSignature, ValueError) as exc:
        raise PortalRefused("The form's security check is missing or damaged. "
                            "Please reload the page and try again.", key="pow_failed") from exc
    if kind != purpose:
        raise PortalRefused("The form's security check belongs to another form. "
                            "Please reload the page and try again.", key="pow_failed")
    age = clock() - issued
    if age > max_age_seconds():
        raise PortalRefused("The form was open too long and its security check expired. "
                            "Please reload the page and send it again.", key="pow_failed")
    nonce = (nonce or "").strip()
    if nonce:
        if len(nonce) > 20 or not nonce.isdigit():
            raise PortalRefused("The form's security check answer is not valid. "
                                "Please try again.", key="pow_failed")
        digest = hashlib.sha256(f"{token}:{nonce}".encode()).digest()
        if leading_zero_bits(digest) < max(bits, 1):
            raise PortalRefused("The form's security check answer is not valid. "
                                "Please try again.", key="pow_failed")
    elif age < wait_seconds():
        raise PortalRefused(
            f"Please wait {wait_seconds()} seconds after opening the page before sending "
            "(this protects the service from automated abuse), then press the button again.",
            key="pow_wait", seconds=wait_seconds(),
        )
    elif over_limit("pow-wait-path", limit=wait_path_per_minute(), window_seconds=60):
        # Waiting costs nothing to someone who collects many challenges and waits once, so
        # the no-script path has a service-wide budget; scripted browsers are unaffected.
        raise PortalRefused("too many forms sent without the scripted security check",
                            key="rate_limited")
    spent_digest = hashlib.sha256(token.encode()).hexdigest()
    try:
        with transaction.atomic():
            SpentChallenge.objects.create(digest=spent_digest, forget_after=_forget_after(issued))
    except IntegrityError as exc:
        raise PortalRefused("This form was already sent once. To send something new, "
                            "reload the page.", key="pow_replayed") from exc


def forget_expired(now: dt.datetime | None = None) -> int:
    deleted, _ = SpentChallenge.objects.filter(forget_after__lt=now or timezone.now()).delete()
    return deleted
