"""API authentication: bearer tokens for systems, or a fully verified browser session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from tiaki.accounts.middleware import session_fully_verified
from tiaki.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    openapi_description = "A token issued with `tiaki token create USERNAME NAME`."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


class VerifiedSessionAuth(APIKeyCookie):
    """The browser session of a user who passed both factors (CSRF-checked)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if session_fully_verified(request):
            return request.user
        return None


API_AUTH = [TokenAuth(), VerifiedSessionAuth()]
