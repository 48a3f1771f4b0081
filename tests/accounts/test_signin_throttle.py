"""Sign-in costs one password hash whatever the account, and failures slow, never lock.

Timing is tested without a stopwatch: a counting hasher shows that every attempt (unknown
username, inactive or slowed account, right or wrong password) runs the hash exactly once,
and the throttle's windows run on an injected clock.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import pytest
from django.contrib.auth.hashers import BasePasswordHasher
from django.test import Client
from django.utils.crypto import constant_time_compare
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiaki.accounts import throttle
from tiaki.accounts.services import dummy_password_hash

PASSWORD = "correct horse battery staple"
SLOWED = "sign-in to this account is slowed"
WRONG = "That username and password do not match."


class CountingHasher(BasePasswordHasher):
    """A fast hasher that counts how often a password is hashed."""

    algorithm = "counting"
    calls: ClassVar[int] = 0

    def _digest(self, password: str, salt: str) -> str:
        return hashlib.sha256(f"{salt}{password}".encode()).hexdigest()

    def encode(self, password: str, salt: str) -> str:
        type(self).calls += 1
        return f"{self.algorithm}${salt}${self._digest(password, salt)}"

    def decode(self, encoded: str) -> dict[str, Any]:
        algorithm, salt, digest = encoded.split("$", 2)
        return {"algorithm": algorithm, "salt": salt, "hash": digest}

    def verify(self, password: str, encoded: str) -> bool:
        type(self).calls += 1
        decoded = self.decode(encoded)
        return constant_time_compare(self._digest(password, decoded["salt"]), decoded["hash"])

    def safe_summary(self, encoded: str) -> dict[str, Any]:
        return {"algorithm": self.algorithm}

    def harden_runtime(self, password: str, encoded: str) -> None:
        pass


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Clock:
    settings.TIAKI_SIGNIN_FREE_FAILURES = 3
    settings.TIAKI_SIGNIN_DELAY_SECONDS = 60
    settings.TIAKI_SIGNIN_MAX_DELAY_SECONDS = 600
    settings.TIAKI_DEMO = False
    fake = Clock()
    monkeypatch.setattr(throttle, "now", fake)
    return fake


def _post(client: Client, username: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_every_attempt_runs_the_hash_once(clock: Clock, make_user: Any, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["tests.accounts.test_signin_throttle.CountingHasher"]
    make_user("known")
    gone = make_user("gone")
    gone.is_active = False
    gone.save()
    dummy_password_hash()  # made once per hasher configuration, not per attempt
    client = Client()

    def cost(username: str, password: str) -> int:
        before = CountingHasher.calls
        _post(client, username, password)
        return CountingHasher.calls - before

    assert cost("known", "wrong") == 1
    assert cost("nobody-by-this-name", "wrong") == 1
    assert cost("gone", PASSWORD) == 1
    assert cost("gone", "wrong") == 1
    for _ in range(5):  # now slowed (account and client)
        assert cost("known", "wrong") == 1
    assert cost("known", PASSWORD) == 1
    assert cost("nobody-by-this-name", "wrong") == 1


def test_failures_slow_but_never_lock_out(clock: Clock, make_user: Any) -> None:
    make_user("target")
    attacker = Client()
    for _ in range(3):
        assert WRONG in _post(attacker, "target", "wrong").content.decode()
    # The fourth failure opens a 60-second window; wrong passwords inside it get the same
    # answer as ever (and do not make the window longer).
    for _ in range(10):
        response = _post(attacker, "target", "guess")
        assert response.status_code == 400 and WRONG in response.content.decode()
        assert SLOWED not in response.content.decode()
    owner = Client(REMOTE_ADDR="10.0.0.8")
    slowed = _post(owner, "target", PASSWORD)
    assert slowed.status_code == 400 and SLOWED in slowed.content.decode()
    clock.advance(59)
    assert SLOWED in _post(owner, "target", PASSWORD).content.decode()
    clock.advance(2)
    assert _post(owner, "target", PASSWORD).status_code == 302


def test_unknown_username_answers_like_a_known_one(clock: Clock, make_user: Any) -> None:
    make_user("real")
    for username in ("real", "invented"):
        client = Client(REMOTE_ADDR=f"10.1.0.{len(username)}")
        answers = {_post(client, username, "wrong").content.decode().count(WRONG)
                   for _ in range(8)}
        assert answers == {1}


def test_a_client_trying_many_accounts_is_slowed(clock: Clock, make_user: Any) -> None:
    make_user("alice")
    sprayer = Client(REMOTE_ADDR="10.9.9.9")
    for name in ("a1", "a2", "a3", "a4"):
        _post(sprayer, name, "Winter2026!")
    assert SLOWED in _post(sprayer, "alice", PASSWORD).content.decode()
    assert _post(Client(REMOTE_ADDR="10.2.2.2"), "alice", PASSWORD).status_code == 302


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_owner_on_known_device_is_not_slowed_by_an_attacker(clock: Clock, make_user: Any,
                                                             settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = make_user("owner")
    device = TOTPDevice.objects.get(user=user)
    owner = Client(REMOTE_ADDR="10.3.3.3")
    assert _post(owner, "owner", PASSWORD).status_code == 302
    done = owner.post("/accounts/2fa/", {"token": _code(device)})
    assert done.status_code == 302 and throttle.DEVICE_COOKIE in done.cookies
    owner.post("/accounts/logout/")
    attacker = Client(REMOTE_ADDR="10.4.4.4")
    for _ in range(8):
        _post(attacker, "owner", "wrong")
    assert SLOWED in _post(attacker, "owner", PASSWORD).content.decode()
    assert _post(owner, "owner", PASSWORD).status_code == 302


def test_code_step_honours_the_throttle(clock: Clock, make_user: Any, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = make_user("coder")
    device = TOTPDevice.objects.get(user=user)
    client = Client()
    assert _post(client, "coder", PASSWORD).status_code == 302
    for _ in range(4):
        assert client.post("/accounts/2fa/", {"token": "000000"}).status_code == 400
    slowed = client.post("/accounts/2fa/", {"token": _code(device)})
    assert slowed.status_code == 400 and SLOWED in slowed.content.decode()
    clock.advance(61)
    assert client.post("/accounts/2fa/", {"token": _code(device)}).status_code == 302
