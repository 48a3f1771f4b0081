from __future__ import annotations

import segno
from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from tiaki.accounts import throttle
from tiaki.accounts.forms import CodeForm, EnrolmentCodeForm, LoginForm
from tiaki.accounts.middleware import session_fully_verified
from tiaki.accounts.models import User
from tiaki.accounts.services import (
    confirmed_device,
    enrolment_code_in_session,
    enrolment_code_redeem,
    may_skip_second_factor,
    password_check,
    second_factor_verify,
    sign_in_without_second_factor,
    sign_out,
    totp_enrolment_device,
    totp_secret_base32,
)
from tiaki.core.refusals import refusal_kept


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        with refusal_kept() as refused:
            user = password_check(request=request, username=form.cleaned_data["username"],
                                  password=form.cleaned_data["password"])
            if may_skip_second_factor(user):
                sign_in_without_second_factor(request=request, user=user)
                response = redirect(_safe_next(request))
                throttle.remember_device(response, username=user.username)
                return response
            # Half signed in: the middleware allows only the second-factor page until then.
            login(request, user)
            request.session["after_second_factor"] = _safe_next(request)
            return redirect("accounts:second_factor")
        error = refused.reason or error
    status = 400 if error or form.errors else 200
    from tiaki.accounts.oidc import providers

    return render(request, "accounts/login.html",
                  {"form": form, "error": error, "next": _safe_next(request),
                   "identity_providers": list(providers().values()),
                   "oidc_failed": request.GET.get("oidc") == "failed"}, status=status)


@require_http_methods(["GET", "POST"])
def second_factor_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if session_fully_verified(request):
        return redirect(settings.LOGIN_REDIRECT_URL)
    enrolled = confirmed_device(user) is not None
    if not enrolled and enrolment_code_in_session(request, user) is None:
        # Not enrolled yet: first the administrator's enrolment code, then the app.
        code_form = EnrolmentCodeForm(request.POST or None)
        code_error = ""
        if request.method == "POST" and code_form.is_valid():
            with refusal_kept() as refused:
                enrolment_code_redeem(request=request, user=user,
                                      code=code_form.cleaned_data["enrolment_code"])
                return redirect("accounts:second_factor")
            code_error = refused.reason or code_error
        return render(request, "accounts/second_factor.html",
                      {"form": code_form, "error": code_error, "needs_code": True},
                      status=400 if code_error or code_form.errors else 200)
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        with refusal_kept() as refused:
            second_factor_verify(request=request, user=user, token=form.cleaned_data["token"])
            response = redirect(request.session.pop("after_second_factor",
                                                    settings.LOGIN_REDIRECT_URL))
            # Both factors passed: this browser is the person's own (see throttle).
            throttle.remember_device(response, username=user.username)
            return response
        error = refused.reason or error
    context: dict[str, object] = {"form": form, "error": error}
    if not enrolled:
        device = totp_enrolment_device(user)
        qr = segno.make(device.config_url, error="m")
        context.update(enrolling=True, secret=totp_secret_base32(device),
                       qr_data_uri=qr.svg_data_uri(scale=5, border=2))
    return render(request, "accounts/second_factor.html", context, status=400 if error else 200)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    sign_out(request=request)
    return redirect("accounts:login")
