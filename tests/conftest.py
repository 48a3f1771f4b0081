"""Shared fixtures: role personas (like healthchecks' hc/test.py), the NZ plan, CI strictness."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiaki.accounts.models import Agency, User
from tiaki.accounts.roles import Role

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("TIAKI_SHARED_DATA", ROOT.parent / "shared" / "data"))
REQUIRED_MARKERS = {
    "browser": "TIAKI_REQUIRE_BROWSER",
    "shared_data": "TIAKI_REQUIRE_SHARED_DATA",
    "peers": "TIAKI_REQUIRE_PEERS",
}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    """In CI a skipped browser or shared-data test is a failure, not a silent gap."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped:
        for marker, env in REQUIRED_MARKERS.items():
            if item.get_closest_marker(marker) and os.environ.get(env) == "1":
                report.outcome = "failed"
                report.longrepr = f"{item.nodeid}: skipped, but {env}=1 requires it to run"


@pytest.fixture(scope="session", autouse=True)
def _expected_database(django_db_setup: Any, django_db_blocker: Any) -> None:
    expected = os.environ.get("TIAKI_EXPECT_DB")
    if expected:
        from django.db import connection

        assert connection.vendor == expected, f"tests ran on {connection.vendor}, not {expected}"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # Rate-limit counters must not leak between tests (or between CI runs sharing Redis).
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    # A request in te reo Māori leaves Māori active in the thread (LocaleMiddleware does not
    # reset it); a later test calling a service directly would then read its refusals in
    # Māori. Each test starts and ends in the default language.
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    # Argon2 is deliberately slow; tests that check hashing put it back themselves.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data not found at {SHARED_DATA} (set TIAKI_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture
def agencies(db: Any) -> dict[str, Agency]:
    from tiaki.accounts.loader import agencies_load

    agencies_load(path=settings.TIAKI_DATA_DIR / "nz" / "agencies.yaml")
    return {a.code: a for a in Agency.objects.all()}


@pytest.fixture
def nz_plan(agencies: dict[str, Agency]) -> Any:
    from tiaki.plan.loader import plan_load

    return plan_load(path=settings.TIAKI_PLANS_DIR / "nz-2009.yaml").plan


MakeUser = Callable[..., User]


@pytest.fixture
def make_user(agencies: dict[str, Agency]) -> MakeUser:
    def make(username: str, agency: str = "MBIE", roles: Iterable[str] = (Role.FRONTLINE,),
             password: str = "correct horse battery staple", totp: bool = True) -> User:
        user = User.objects.create_user(username=username, password=password,
                                        agency=agencies[agency], email=f"{username}@example.org")
        user.set_roles(roles)
        if totp:
            TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        return user

    return make


def login(client: Client, user: User) -> Client:
    """Sign in with both factors passed (the TOTP step is tested on its own)."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def personas(make_user: MakeUser) -> dict[str, User]:
    return {
        "secretariat": make_user("sec", "MBIE", [Role.SECRETARIAT]),
        "customs": make_user("cus", "CUSTOMS", [Role.FRONTLINE]),
        "mbie": make_user("mbie", "MBIE", [Role.FRONTLINE]),
        "police": make_user("pol", "POLICE", [Role.INVESTIGATOR]),
        "minister": make_user("min", "MBIE", [Role.MINISTER_OFFICE]),
        "auditor": make_user("aud", "DIA", [Role.AUDITOR]),
    }


def page_main(response: Any) -> str:
    """The <main> of a page: what a person reads, without per-response tokens (CSRF)."""
    page = response.content.decode()
    return page[page.index("<main"):page.index("</main>")]


@pytest.fixture
def field_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A fresh field-encryption key for the test (identities are encrypted with it)."""
    from cryptography.fernet import Fernet

    from tiaki.core import crypto

    monkeypatch.setenv(crypto.ENV_VAR, Fernet.generate_key().decode())
    crypto.reset_keys()
    yield
    crypto.reset_keys()
