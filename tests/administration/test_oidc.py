"""Signing in through an agency's OpenID Connect provider, against a fake provider."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from django.test import Client

from tests.conftest import MakeUser
from tiaki.accounts import oidc
from tiaki.accounts.models import User
from tiaki.accounts.roles import Role

pytestmark = pytest.mark.django_db

SECRET = "fake-provider-client-secret-long-enough"  # the fake provider's client secret
PROVIDERS = """\
schema: tiaki.oidc/1
providers:
  - agency: POLICE
    label: Police sign-in
    authorization_endpoint: https://idp.police.example/authorize
    token_endpoint: https://idp.police.example/token
    userinfo_endpoint: https://idp.police.example/userinfo
    sign_algo: HS256
    client_id: tiaki
    client_secret_env: TIAKI_OIDC_POLICE_SECRET
"""


class FakeResponse:
    def __init__(self, body: dict[str, Any], url: str) -> None:
        self.body, self.url, self.status_code = body, url, 200
        self.headers = {"content-type": "application/json"}
        self.text = str(body)

    def json(self) -> dict[str, Any]:
        return self.body

    def raise_for_status(self) -> None:
        return None


@pytest.fixture
def provider(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    path = tmp_path / "oidc.yaml"
    path.write_text(PROVIDERS, encoding="utf-8")
    settings.TIAKI_OIDC_PROVIDERS = str(path)
    oidc._load.cache_clear()
    monkeypatch.setenv("TIAKI_OIDC_POLICE_SECRET", SECRET)
    fake: dict[str, Any] = {"amr": ["pwd", "mfa"], "email": "ana@police.example", "posts": []}

    def post(url: str, data: dict[str, Any], **kwargs: Any) -> FakeResponse:
        fake["posts"].append((url, data))
        claims = {"sub": "123", "nonce": fake["nonce"], "aud": "tiaki", "amr": fake["amr"]}
        return FakeResponse({"id_token": jwt.encode(claims, SECRET, algorithm="HS256"),
                             "access_token": "at-1", "token_type": "Bearer"}, url)

    def get(url: str, **kwargs: Any) -> FakeResponse:
        return FakeResponse({"sub": "123", "email": fake["email"]}, url)

    monkeypatch.setattr("mozilla_django_oidc.auth.requests.post", post)
    monkeypatch.setattr("mozilla_django_oidc.auth.requests.get", get)
    yield fake
    oidc._load.cache_clear()


def _sign_in(client: Client, fake: dict[str, Any]) -> Any:
    start = client.get("/accounts/oidc/POLICE/?next=/administration/")
    assert start.status_code == 302
    target = urlparse(start["Location"])
    assert target.netloc == "idp.police.example"
    query = parse_qs(target.query)
    assert query["client_id"] == ["tiaki"] and "code_challenge" in query
    fake["nonce"] = query["nonce"][0]
    return client.get(f"/accounts/oidc/callback/?code=c0de&state={query['state'][0]}")


def test_login_page_offers_the_agency_provider(client: Client, provider: Any) -> None:
    page = client.get("/accounts/login/")
    assert "Police sign-in" in page.content.decode()


def test_provider_second_factor_is_accepted(client: Client, provider: dict[str, Any],
                                           make_user: MakeUser) -> None:
    ana = make_user("police_admin_ana", "POLICE", [Role.ADMINISTRATOR], totp=False)
    User.objects.filter(pk=ana.pk).update(email="Ana@Police.example")
    done = _sign_in(client, provider)
    assert done.status_code == 302 and done["Location"] == "/administration/"
    assert provider["posts"][0][0] == "https://idp.police.example/token"
    # Signed in, second factor from the provider: the page opens without Tiaki's TOTP step.
    assert client.get("/administration/").status_code == 200


def test_without_a_provider_second_factor_tiaki_asks_for_its_own(
        client: Client, provider: dict[str, Any], make_user: MakeUser) -> None:
    ana = make_user("ana2", "POLICE", [Role.ADMINISTRATOR])
    User.objects.filter(pk=ana.pk).update(email="ana@police.example")
    provider["amr"] = ["pwd"]
    assert _sign_in(client, provider).status_code == 302
    response = client.get("/administration/")
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/"


def test_no_account_is_created_and_other_agencies_are_not_matched(
        client: Client, provider: dict[str, Any], make_user: MakeUser) -> None:
    mbie = make_user("mbie_ana", "MBIE", [Role.ADMINISTRATOR])
    User.objects.filter(pk=mbie.pk).update(email="ana@police.example")
    count = User.objects.count()
    done = _sign_in(client, provider)
    assert done.status_code == 302 and "oidc=failed" in done["Location"]
    assert User.objects.count() == count
    assert client.get("/administration/").status_code == 302  # still signed out
    failed = client.get(done["Location"])
    assert "did not work" in failed.content.decode()


def test_unknown_agency_provider_is_404(client: Client, provider: Any) -> None:
    assert client.get("/accounts/oidc/MBIE/").status_code == 404
