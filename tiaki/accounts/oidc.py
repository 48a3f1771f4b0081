"""Signing in through an agency's OpenID Connect provider (mozilla-django-oidc).

Each agency may name its own provider in a data file (``TIAKI_OIDC_PROVIDERS``, schema
``tiaki.oidc/1``; client secrets come from the environment variable each entry names, never
from the file). A person is matched to an existing, active account of that agency by one
claim (``email`` by default); nobody is created and no role is given by signing in.

The second factor comes from the provider when its ID token says so (``amr`` holds one of
``second_factor_amr``, or ``acr`` one of ``second_factor_acr``), or when the install trusts
the provider to enforce it (``second_factor_trusted``). Otherwise the person still passes
Tiaki's own TOTP step. See docs/decisions/0013-oidc.md.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tiaki.accounts.models import Agency
from tiaki.audit.services import Action, audit_record

SESSION_AGENCY = "tiaki_oidc_agency"
# The pk of the user whose second factor the provider vouched for in this session.
SESSION_SECOND_FACTOR = "tiaki_oidc_second_factor"


class Provider(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    agency: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    label: str = Field(min_length=1)
    authorization_endpoint: str = Field(pattern=r"^https?://")
    token_endpoint: str = Field(pattern=r"^https?://")
    userinfo_endpoint: str = Field(pattern=r"^https?://")
    jwks_endpoint: str = ""
    sign_algo: Literal["RS256", "ES256", "HS256"] = "RS256"
    client_id: str = Field(min_length=1)
    client_secret_env: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    scopes: str = "openid email profile"
    match_claim: str = "email"
    match_field: Literal["email", "username"] = "email"
    second_factor_amr: list[str] = ["mfa", "otp", "hwk", "swk", "fido"]
    second_factor_acr: list[str] = []
    second_factor_trusted: bool = False

    @property
    def client_secret(self) -> str:
        return os.environ.get(self.client_secret_env, "")

    def vouches_for_second_factor(self, id_claims: dict[str, Any]) -> bool:
        if self.second_factor_trusted:
            return True
        amr = id_claims.get("amr") or []
        if isinstance(amr, str):
            amr = [amr]
        acr = str(id_claims.get("acr") or "")
        return bool(set(amr) & set(self.second_factor_amr)) or (
            bool(acr) and acr in self.second_factor_acr)


class ProviderFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    schema_: Literal["tiaki.oidc/1"] = Field(alias="schema")
    providers: list[Provider] = []


@cache
def _load(path: str) -> dict[str, Provider]:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        spec = ProviderFile.model_validate(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise ImproperlyConfigured(f"{path}: cannot read the providers file: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
        raise ImproperlyConfigured(f"{path}: {problems}") from exc
    return {p.agency: p for p in spec.providers}


def providers() -> dict[str, Provider]:
    path = getattr(settings, "TIAKI_OIDC_PROVIDERS", "")
    return _load(path) if path else {}


def provider_for(code: str) -> Provider | None:
    return providers().get(code)


def _settings_for(provider: Provider) -> dict[str, Any]:
    return {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": provider.authorization_endpoint,
        "OIDC_OP_TOKEN_ENDPOINT": provider.token_endpoint,
        "OIDC_OP_USER_ENDPOINT": provider.userinfo_endpoint,
        "OIDC_OP_JWKS_ENDPOINT": provider.jwks_endpoint or None,
        "OIDC_RP_CLIENT_ID": provider.client_id,
        "OIDC_RP_CLIENT_SECRET": provider.client_secret,
        "OIDC_RP_SIGN_ALGO": provider.sign_algo,
        "OIDC_RP_SCOPES": provider.scopes,
        "OIDC_USE_PKCE": True,
        "OIDC_CREATE_USER": False,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:oidc_callback",
        "LOGIN_REDIRECT_URL_FAILURE": reverse("accounts:login") + "?oidc=failed",
    }


class _PerAgency:
    """mozilla-django-oidc reads one provider from settings; these classes read the
    provider of the agency chosen for this sign-in instead."""

    provider: Provider | None = None

    def get_settings(self, attr: str, *args: Any) -> Any:
        if self.provider is not None:
            values = _settings_for(self.provider)
            if attr in values:
                return values[attr]
        return import_from_settings(attr, *args)


class AgencyOIDCBackend(_PerAgency, OIDCAuthenticationBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The provider is known only once the request is (see authenticate).
        self.UserModel = get_user_model()

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        if request is None or "code" not in request.GET:
            return None  # a password sign-in: ModelBackend's, not ours
        provider = provider_for(request.session.get(SESSION_AGENCY, ""))
        if provider is None:
            return None
        self.provider = provider
        for attr, value in _settings_for(provider).items():
            setattr(self, attr, value)
        self.OIDC_RP_IDP_SIGN_KEY = None
        return super().authenticate(request, **kwargs)

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        claims = super().get_userinfo(access_token, id_token, payload)
        assert self.provider is not None
        # amr/acr are in the verified ID token; userinfo need not repeat them.
        self._second_factor = self.provider.vouches_for_second_factor(payload)
        return claims

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        assert self.provider is not None
        return bool(claims.get(self.provider.match_claim))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[Any]:
        assert self.provider is not None
        agency = Agency.objects.filter(code=self.provider.agency).first()
        if agency is None:
            return self.UserModel.objects.none()
        value = str(claims.get(self.provider.match_claim, "")).strip()
        return self.UserModel.objects.filter(
            **{f"{self.provider.match_field}__iexact": value},
            agency_id__in=agency.lineage_ids(), is_active=True)

    def create_user(self, claims: dict[str, Any]) -> Any:
        raise SuspiciousOperation("accounts are created by administrators, not by signing in")

    def get_or_create_user(self, access_token: str, id_token: str, payload: Any) -> Any:
        user = super().get_or_create_user(access_token, id_token, payload)
        assert self.provider is not None
        if user is None:
            audit_record(actor=None, action=Action.LOGIN_FAILED, object_type="accounts.user",
                         summary=f"Sign-in through {self.provider.label}: no matching account")
            return None
        session = self.request.session
        if getattr(self, "_second_factor", False):
            session[SESSION_SECOND_FACTOR] = user.pk
        else:
            session.pop(SESSION_SECOND_FACTOR, None)
        audit_record(actor=user, action=Action.LOGIN, obj=user,
                     summary=f"Signed in through {self.provider.label}"
                     + ("" if getattr(self, "_second_factor", False)
                        else " (Tiaki's second factor still needed)"))
        return user


class OIDCStartView(_PerAgency, OIDCAuthenticationRequestView):
    def __init__(self, **kwargs: Any) -> None:
        # The parent reads its provider settings here; ours are read per request in get().
        for key, value in kwargs.items():
            setattr(self, key, value)

    def get(self, request: HttpRequest, agency: str = "") -> HttpResponse:
        provider = provider_for(agency)
        if provider is None:
            raise Http404("no identity provider for that agency")
        self.provider = provider
        self.OIDC_OP_AUTH_ENDPOINT = provider.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = provider.client_id
        request.session[SESSION_AGENCY] = provider.agency
        response: HttpResponse = super().get(request)
        return response


class OIDCCallbackView(_PerAgency, OIDCAuthenticationCallbackView):
    def get(self, request: HttpRequest) -> HttpResponse:
        self.provider = provider_for(request.session.get(SESSION_AGENCY, ""))
        if self.provider is None:
            return redirect(reverse("accounts:login") + "?oidc=failed")
        response: HttpResponse = super().get(request)
        return response
