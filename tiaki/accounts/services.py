"""Signing in: password with throttling, then the TOTP second factor (enrolment included)."""

from __future__ import annotations

import base64
import math
from typing import Any

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiaki.accounts import throttle
from tiaki.accounts.models import EnrolmentCode, User
from tiaki.audit.services import Action, audit_record
from tiaki.core.policy import Refused

GENERIC_FAILURE = gettext_lazy("That username and password do not match.")
# Shown only to someone who gave the right password (so it tells an attacker nothing).
SLOWED = gettext_lazy(
    "Your password is right, but sign-in to this account is slowed after several failed "
    "attempts. Try again in %(minutes)s minute(s).")
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

_dummy_hashes: dict[tuple[str, ...], str] = {}


def dummy_password_hash() -> str:
    """A hash of a random password made with the current hasher, to check unknown usernames
    against: every attempt then costs one hash, so timing shows nothing about who exists."""
    hashers = tuple(settings.PASSWORD_HASHERS)
    if hashers not in _dummy_hashes:
        _dummy_hashes[hashers] = make_password(get_random_string(32))
    return _dummy_hashes[hashers]


def _slowed(wait: float) -> Refused:
    minutes = max(1, math.ceil(wait / 60))
    return Refused(str(SLOWED) % {"minutes": minutes})


def password_check(*, request: HttpRequest, username: str, password: str) -> User:
    """Check a password with one hash whatever the account, then apply the throttle.

    The hash runs for unknown, inactive and slowed accounts too (a dummy hash for unknown
    usernames). A wrong password always gets the same answer; only a right one learns that
    the account is being slowed, and after the waiting window it is let in (see
    tiaki.accounts.throttle). No network address is recorded (see the privacy notes).
    """
    keys = throttle.Keys.for_attempt(request, username)
    candidate = User.objects.filter(username=username).first()
    if candidate is not None:
        correct = candidate.check_password(password) and candidate.is_active
    else:
        check_password(password, dummy_password_hash())
        correct = False
    wait = throttle.wait_seconds(keys)
    if not correct:
        if wait <= 0:
            throttle.record_failure(keys)
        if candidate is not None:
            # A failure must be recorded even though the sign-in is refused, so it commits
            # on its own rather than inside a transaction that the refusal would roll back.
            audit_record(actor=candidate, action=Action.LOGIN_FAILED, obj=candidate,
                         summary="Failed sign-in" if wait <= 0
                         else "Failed sign-in (while slowed)")
        raise Refused(str(GENERIC_FAILURE))
    assert candidate is not None
    if wait > 0:
        audit_record(actor=candidate, action=Action.LOGIN_FAILED, obj=candidate,
                     summary="Right password, sign-in slowed by earlier failures")
        raise _slowed(wait)
    throttle.forget(*keys.keys)
    candidate.backend = MODEL_BACKEND
    return candidate


def sign_in_without_second_factor(*, request: HttpRequest, user: User) -> None:
    """Start a session for a demo login that may skip the second factor (demo mode only)."""
    if not may_skip_second_factor(user):
        raise Refused(_("This account needs its second factor."))
    login(request, user)
    audit_record(actor=user, action=Action.LOGIN, obj=user,
                 summary="Signed in (demo login, second factor skipped)")


def sign_out(*, request: HttpRequest) -> None:
    if request.user.is_authenticated:
        audit_record(actor=request.user, action=Action.LOGOUT, obj=request.user,
                     summary="Signed out")
    logout(request)


def may_skip_second_factor(user: Any) -> bool:
    """Demo logins may skip the second factor, only while the install is in demo mode."""
    return bool(settings.TIAKI_DEMO and getattr(user, "is_demo", False))


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


ENROLMENT_SESSION_KEY = "tiaki_enrolment_code"
BAD_ENROLMENT_CODE = gettext_lazy(
    "That enrolment code is not right, was used already or has expired. Ask your "
    "administrator for a new one.")


def enrolment_code_in_session(request: HttpRequest, user: User) -> EnrolmentCode | None:
    """The enrolment code this session redeemed, while it is still usable."""
    pk = request.session.get(ENROLMENT_SESSION_KEY)
    if pk is None:
        return None
    code = EnrolmentCode.objects.filter(pk=pk, user=user).first()
    return code if code is not None and code.usable(throttle.now()) else None


def enrolment_code_redeem(*, request: HttpRequest, user: User, code: str) -> EnrolmentCode:
    """Accept an administrator's enrolment code for this half-signed-in session.

    Without one, a session that passed only the password cannot enrol an authenticator (so a
    stolen password is not enough to take over an account not yet enrolled). The step
    counts against the same sign-in throttle as the password and the code.
    """
    keys = throttle.Keys.for_attempt(request, user.username)
    wait = throttle.wait_seconds(keys)
    if wait > 0:
        raise _slowed(wait)
    found = EnrolmentCode.objects.filter(user=user, digest=EnrolmentCode.digest_of(code)).first()
    if found is None or not found.usable(throttle.now()):
        throttle.record_failure(keys)
        audit_record(actor=user, action=Action.LOGIN_FAILED, obj=user,
                     summary="Wrong or expired enrolment code")
        raise Refused(str(BAD_ENROLMENT_CODE))
    request.session[ENROLMENT_SESSION_KEY] = found.pk
    return found


def totp_enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled (one at a time per user). Callers first check
    that the session redeemed an enrolment code (``enrolment_code_in_session``)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def totp_secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def second_factor_verify(*, request: HttpRequest, user: User, token: str) -> None:
    """Check a TOTP code; on success mark the session verified (and confirm enrolment)."""
    token = "".join(ch for ch in token if ch.isdigit())
    device = confirmed_device(user)
    enrolling = device is None
    enrolment = None
    if device is None:
        enrolment = enrolment_code_in_session(request, user)
        if enrolment is None:
            raise Refused(str(BAD_ENROLMENT_CODE))
        device = totp_enrolment_device(user)
    keys = throttle.Keys.for_attempt(request, user.username)
    wait = throttle.wait_seconds(keys)
    if wait > 0:
        # The code step honours the same throttle as the password (the person has already
        # shown their password, so saying so reveals nothing new).
        raise _slowed(wait)
    if not token or not device.verify_token(token):
        throttle.record_failure(keys)
        audit_record(actor=user, action=Action.LOGIN_FAILED, obj=user,
                     summary="Wrong second-factor code")
        raise Refused(_("That code is not right. Codes change every 30 seconds; try the new one."))
    with transaction.atomic():
        if enrolling:
            assert enrolment is not None
            # Single use: the code is spent by the enrolment it allowed.
            spent = EnrolmentCode.objects.filter(pk=enrolment.pk, used_at__isnull=True).update(
                used_at=throttle.now())
            if not spent:
                raise Refused(str(BAD_ENROLMENT_CODE))
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit_record(actor=user, action=Action.CREATE, obj=device,
                         summary="Enrolled an authenticator app")
        throttle.forget(*keys.keys)
        otp_login(request, device)
        audit_record(actor=user, action=Action.LOGIN, obj=user, summary="Signed in (two factors)")
