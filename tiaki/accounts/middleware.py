"""Default-deny access: every page needs a signed-in user who passed the second factor.

Pages that the public may use are listed here once (the reporting portal, its JSON
endpoint, static files, sign-in itself), so no view has to opt in to protection.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from tiaki.accounts.services import may_skip_second_factor

PUBLIC_PREFIXES: tuple[str, ...] = (
    "/static/",
    "/accounts/login/",
    "/accounts/oidc/",  # an agency's identity provider: start and callback
    "/i18n/",
    "/healthz",
    "/readyz",  # readiness for load balancers: no session, nothing personal
    "/report",
    "/victims-information/",  # victims' rights and help, per language (Plan item 27)
    "/api/",  # the API authenticates each request itself (tokens or a verified session)
)
SECOND_FACTOR_PREFIXES: tuple[str, ...] = ("/accounts/2fa/", "/accounts/logout/")


def is_public(path: str) -> bool:
    return path == "/favicon.ico" or path.startswith(PUBLIC_PREFIXES)


def session_fully_verified(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    # OTPMiddleware adds is_verified() at the start of a request; a user who signed in
    # during this request has not passed the second factor yet.
    is_verified = getattr(user, "is_verified", None)
    # An agency's identity provider vouched for the second factor at sign-in
    # (tiaki.accounts.oidc): the session records for whom.
    vouched = request.session.get("tiaki_oidc_second_factor") == user.pk
    return ((callable(is_verified) and bool(is_verified())) or vouched
            or may_skip_second_factor(user))


class RequireSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if not is_public(path):
            if not request.user.is_authenticated:
                login_url = reverse(settings.LOGIN_URL)
                return redirect(f"{login_url}?next={path}")
            if not session_fully_verified(request) and not path.startswith(SECOND_FACTOR_PREFIXES):
                return redirect("accounts:second_factor")
        return self.get_response(request)
