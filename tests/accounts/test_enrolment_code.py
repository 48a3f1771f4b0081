"""An authenticator app is enrolled only with an administrator's expiring enrolment code."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.test_signin_throttle import PASSWORD, SLOWED, Clock, _code, _post
from tests.accounts.test_signin_throttle import clock as clock  # the fixture, shared
from tests.conftest import login
from tiaki.accounts.models import EnrolmentCode
from tiaki.accounts.roles import Role
from tiaki.audit.models import AuditEvent


@pytest.fixture(autouse=True)
def _no_otp_throttle(settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp slows retries after a wrong code


def _issue(make_user: Any, user: Any) -> str:
    admin = make_user(f"admin-for-{user.username}", roles=[Role.ADMINISTRATOR])
    page = login(Client(), admin).post(f"/administration/users/{user.pk}/enrolment-code/",
                                       {"enrol-reason": "new starter"})
    assert page.status_code == 200
    match = re.search(r'id="enrolment-code".*?<code>([A-Z0-9-]+)</code>',
                      page.content.decode(), re.S)
    assert match, page.content.decode()[:2000]
    return match.group(1)


def test_a_password_alone_cannot_enrol(clock: Clock, make_user: Any) -> None:
    make_user("fresh", totp=False)
    client = Client()
    assert _post(client, "fresh", PASSWORD).status_code == 302
    page = client.get("/accounts/2fa/").content.decode()
    assert "enrolment code" in page and "totp-secret" not in page
    assert not TOTPDevice.objects.exists()  # no secret made, none to see
    # Posting a code straight away gets nowhere either.
    assert client.post("/accounts/2fa/", {"token": "123456"}).status_code == 400
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert client.get("/plan/")["Location"].endswith("/accounts/2fa/")


def test_enrolment_with_an_issued_code_works_once(clock: Clock, make_user: Any) -> None:
    user = make_user("starter", totp=False)
    raw = _issue(make_user, user)
    assert raw not in str(list(EnrolmentCode.objects.values()))  # only a digest is kept
    client = Client()
    _post(client, "starter", PASSWORD)
    assert client.post("/accounts/2fa/", {"enrolment_code": raw.lower()}).status_code == 302
    assert 'id="totp-secret"' in client.get("/accounts/2fa/").content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post("/accounts/2fa/", {"token": _code(device)}).status_code == 302
    assert EnrolmentCode.objects.get().used_at is not None
    assert AuditEvent.objects.filter(summary__startswith="Issued an enrolment code").exists()
    # Spent: another session cannot reuse it.
    TOTPDevice.objects.all().delete()
    other = Client(REMOTE_ADDR="10.5.5.5")
    _post(other, "starter", PASSWORD)
    assert other.post("/accounts/2fa/", {"enrolment_code": raw}).status_code == 400


def test_an_expired_code_is_refused(clock: Clock, make_user: Any, settings: Any) -> None:
    settings.TIAKI_ENROLMENT_CODE_HOURS = 72
    user = make_user("late", totp=False)
    raw = _issue(make_user, user)
    clock.advance(72 * 3600 + 1)
    client = Client()
    _post(client, "late", PASSWORD)
    refused = client.post("/accounts/2fa/", {"enrolment_code": raw})
    assert refused.status_code == 400 and "expired" in refused.content.decode()


def test_the_code_step_honours_the_throttle(clock: Clock, make_user: Any) -> None:
    user = make_user("guesser", totp=False)
    raw = _issue(make_user, user)
    client = Client()
    _post(client, "guesser", PASSWORD)
    for _ in range(4):
        assert client.post("/accounts/2fa/", {"enrolment_code": "AAAA-BBBB"}).status_code == 400
    slowed = client.post("/accounts/2fa/", {"enrolment_code": raw})
    assert slowed.status_code == 400 and SLOWED in slowed.content.decode()
    clock.advance(61)
    assert client.post("/accounts/2fa/", {"enrolment_code": raw}).status_code == 302


def test_operator_issues_a_code_on_the_command_line(make_user: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    make_user("first-admin", roles=[Role.PLATFORM_ADMINISTRATOR], totp=False)
    out = StringIO()
    call_command("user", "enrolment-code", "first-admin", "--reason", "First administrator",
                 stdout=out)
    raw = re.search(r"enrolment code ([A-Z0-9-]+)", out.getvalue())
    assert raw and EnrolmentCode.objects.get().digest == EnrolmentCode.digest_of(raw.group(1))
