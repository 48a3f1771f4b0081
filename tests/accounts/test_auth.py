"""Signing in: argon2, lockout, TOTP enrolment, demo rules, headers, production guards."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from django.contrib.auth.hashers import identify_hasher
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiaki.audit.models import AuditEvent

PASSWORD = "correct horse battery staple"


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_passwords_hashed_with_argon2(make_user: Any, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = make_user("argon")
    user.set_password(PASSWORD)
    assert identify_hasher(user.password).algorithm == "argon2"


def test_enrolment_then_sign_in_with_code(client: Any, make_user: Any, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp slows retries after a wrong code
    user = make_user("newbie", totp=False)
    response = client.post("/accounts/login/", {"username": "newbie", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].endswith("/accounts/2fa/")
    # Before the second factor, staff pages are out of reach.
    assert client.get("/plan/")["Location"].endswith("/accounts/2fa/")
    page = client.get("/accounts/2fa/").content.decode()
    assert "enrolment code" in page and 'id="totp-secret"' not in page
    from tiaki.administration.services import enrolment_code_issue
    admin = make_user("enrol-admin", roles=["administrator"])
    raw = enrolment_code_issue(acting_user=admin, user=user, reason="new starter")
    assert client.post("/accounts/2fa/", {"enrolment_code": raw}).status_code == 302
    page = client.get("/accounts/2fa/").content.decode()
    assert "Set up your authenticator app" in page and 'id="totp-secret"' in page
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post("/accounts/2fa/", {"token": "000000"}).status_code == 400
    assert client.post("/accounts/2fa/", {"token": _code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(actor_username="newbie", action="login").exists()


def test_confirmed_device_asks_for_code_only(client: Any, make_user: Any) -> None:
    make_user("veteran")
    client.post("/accounts/login/", {"username": "veteran", "password": PASSWORD})
    page = client.get("/accounts/2fa/").content.decode()
    assert "Enter your code" in page and "totp-secret" not in page


def test_demo_login_skips_second_factor_only_in_demo_mode(client: Any, make_user: Any,
                                                          settings: Any) -> None:
    user = make_user("demo-user", totp=False)
    user.is_demo = True
    user.save()
    settings.TIAKI_DEMO = True
    response = client.post("/accounts/login/", {"username": "demo-user", "password": PASSWORD})
    assert response["Location"] == "/"
    assert "Demonstration install" in client.get("/").content.decode()
    settings.TIAKI_DEMO = False
    assert client.get("/plan/")["Location"].endswith("/accounts/2fa/")


def test_secure_headers_and_csp(client: Any) -> None:
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp and "'nonce-" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert 'class="skip-link"' in response.content.decode()


def test_idle_sessions_expire(settings: Any) -> None:
    assert settings.SESSION_COOKIE_AGE <= 60 * 60
    assert 0 < settings.TIAKI_SESSION_RENEW_SECONDS <= 120


def test_session_renewed_once_a_minute_not_every_request(
        client: Any, make_user: Any, monkeypatch: Any) -> None:
    """An unchanged session is written when its renewal is a minute old, not on every
    request (tiaki.core.sessions); the clock is injected, not waited for."""
    from django.contrib.sessions.models import Session

    from tests.conftest import login
    from tiaki.core import sessions

    login(client, make_user("idle"))
    clock = [1_000_000.0]
    monkeypatch.setattr(sessions.time, "time", lambda: clock[0])
    key = client.session.session_key

    def expiry() -> Any:
        return Session.objects.get(session_key=key).expire_date

    assert client.get("/").status_code == 200  # first renewal: written
    first = expiry()
    assert client.session[sessions.RENEWED_KEY] == 1_000_000
    clock[0] += 59
    Session.objects.filter(session_key=key).update(expire_date=first)
    assert client.get("/").status_code == 200
    assert client.session[sessions.RENEWED_KEY] == 1_000_000  # not written again
    clock[0] += 2
    assert client.get("/").status_code == 200
    assert client.session[sessions.RENEWED_KEY] == 1_000_061  # a minute on: renewed
    assert expiry() >= first
    # A request without a session cookie does not make one.
    client.cookies.clear()
    assert client.get("/healthz").cookies.get("sessionid") is None


def test_anonymous_is_sent_to_sign_in(client: Any) -> None:
    response = client.get("/plan/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _settings_in(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("TIAKI_", "SECRET_KEY", "DEBUG"))}
    return subprocess.run(
        [sys.executable, "-c", "import tiaki.settings"],
        env={**clean, **env}, capture_output=True, text=True, check=False,
    )


@pytest.mark.parametrize(("env", "message"), [
    ({"TIAKI_ENV": "production"}, "SECRET_KEY"),
    ({"TIAKI_ENV": "production",
      "SECRET_KEY": "dev-only-insecure-secret-key-never-use-in-production"}, "SECRET_KEY"),
    ({"TIAKI_ENV": "production", "SECRET_KEY": "x" * 50, "TIAKI_DEMO": "true"}, "TIAKI_DEMO"),
    ({"TIAKI_ENV": "production", "SECRET_KEY": "x" * 50}, "TIAKI_FIELD_KEYS"),
    ({"TIAKI_ENV": "production", "SECRET_KEY": "x" * 50,
      "TIAKI_FIELD_KEYS": "k" * 44}, "TIAKI_AUDIT_KEY"),
])
def test_production_refuses_development_settings(env: dict[str, str], message: str) -> None:
    result = _settings_in(env)
    assert result.returncode != 0 and message in result.stderr


def test_production_starts_with_real_secret() -> None:
    from cryptography.fernet import Fernet

    result = _settings_in({"TIAKI_ENV": "production", "SECRET_KEY": "k" * 50,
                           "ALLOWED_HOSTS": "tiaki.example",
                           "TIAKI_FIELD_KEYS": Fernet.generate_key().decode(),
                           "TIAKI_AUDIT_KEY": "a" * 40})
    assert result.returncode == 0, result.stderr
