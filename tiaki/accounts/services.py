"""Signing in: password with lockout, then the TOTP second factor (enrolment included)."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiaki.accounts.models import User
from tiaki.audit.services import Action, audit_record
from tiaki.core.policy import Refused

GENERIC_FAILURE = gettext_lazy("That username and password do not match, or the account is locked.")


def _register_failure(user: User) -> None:
    User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
    user.refresh_from_db(fields=["failed_login_count"])
    if user.failed_login_count >= settings.TIAKI_LOCKOUT_FAILURES:
        until = timezone.now() + timedelta(minutes=settings.TIAKI_LOCKOUT_MINUTES)
        User.objects.filter(pk=user.pk).update(locked_until=until, failed_login_count=0)
    audit_record(actor=user, action=Action.LOGIN_FAILED, obj=user, summary="Failed sign-in")


def password_check(*, request: HttpRequest, username: str, password: str) -> User:
    """Check a password; lock the account after repeated failures.

    The answer never says whether the username exists or the account is locked, so an
    attacker cannot learn either. No network address is recorded (see the privacy notes).
    """
    # A failure must be recorded even though the sign-in is refused, so it commits on its
    # own rather than inside a transaction that the refusal would roll back.
    candidate = User.objects.filter(username=username).first()
    if candidate is not None and candidate.is_locked():
        audit_record(actor=candidate, action=Action.LOGIN_FAILED, obj=candidate,
                     summary="Sign-in refused: account locked")
        raise Refused(str(GENERIC_FAILURE))
    user = authenticate(request, username=username, password=password)
    if user is None:
        if candidate is not None:
            with transaction.atomic():
                _register_failure(candidate)
        raise Refused(str(GENERIC_FAILURE))
    assert isinstance(user, User)
    User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
    return user


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


def totp_enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled (one at a time per user)."""
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
    if device is None:
        device = totp_enrolment_device(user)
    if not token or not device.verify_token(token):
        with transaction.atomic():
            _register_failure(user)
        raise Refused(_("That code is not right. Codes change every 30 seconds; try the new one."))
    with transaction.atomic():
        if enrolling:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit_record(actor=user, action=Action.CREATE, obj=device,
                         summary="Enrolled an authenticator app")
        User.objects.filter(pk=user.pk).update(failed_login_count=0)
        otp_login(request, device)
        audit_record(actor=user, action=Action.LOGIN, obj=user, summary="Signed in (two factors)")
