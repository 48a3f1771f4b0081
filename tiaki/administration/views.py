"""Administration pages: server-rendered forms, each making one service call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiaki.accounts.models import Agency, ApiToken, User
from tiaki.administration import services
from tiaki.administration.forms import (
    AgencyForm,
    DeactivateForm,
    OfficersForm,
    PasswordForm,
    PostForm,
    ReasonForm,
    TokenForm,
    UserForm,
)
from tiaki.administration.lists import AGENCIES, POSTS, USERS
from tiaki.administration.policies import administered_agency_ids, is_admin, is_platform_admin
from tiaki.core.exports import export_response
from tiaki.core.policy import get_visible, visible
from tiaki.core.refusals import refusal_kept


def _admin_only(request: HttpRequest) -> Any:
    # The section is closed to other roles (403); a record outside an administrator's
    # agency answers 404 like a missing one (get_visible).
    if not is_admin(request.user):
        raise PermissionDenied("administration is open to administrators only")
    return request.user


@require_http_methods(["GET"])
def users_view(request: HttpRequest) -> HttpResponse:
    actor = _admin_only(request)
    listed = USERS.run(request, visible(actor, User).select_related("agency")
                       .prefetch_related("role_grants"))
    if (exported := export_response(request, listed)) is not None:
        return exported
    return render(request, "administration/users.html",
                  {"listed": listed, "platform": is_platform_admin(actor)})


@require_http_methods(["GET", "POST"])
def user_new_view(request: HttpRequest) -> HttpResponse:
    actor = _admin_only(request)
    form = UserForm(request.POST or None, acting_user=actor)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_kept() as refused:
            user = services.user_create(
                acting_user=actor, username=data["username"], first_name=data["first_name"],
                last_name=data["last_name"], email=data["email"], agency=data["agency"],
                roles=data["roles"], password=data["password"], reason=data["reason"])
            messages.success(request, _("User %(username)s created.") % {
                                          "username": user.username})
            return redirect("administration:user", pk=user.pk)
        error = refused.reason
    return render(request, "administration/user_new.html", {"form": form, "error": error},
                  status=400 if error or form.errors else 200)


def _user_page(request: HttpRequest, actor: Any, user: User, *, status: int = 200,
               error: str = "", **forms: Any) -> HttpResponse:
    candidates = visible(actor, User).filter(is_active=True).exclude(pk=user.pk).filter(
        agency_id__in=user.agency.lineage_ids() if user.agency else []).order_by("username")
    context = {
        "subject": user,
        "error": error,
        "edit_form": forms.get("edit_form") or UserForm(
            acting_user=actor, editing=True,
            initial={"first_name": user.first_name, "last_name": user.last_name,
                     "email": user.email, "roles": sorted(user.role_codes())}),
        "password_form": forms.get("password_form") or PasswordForm(),
        "reset_form": forms.get("reset_form") or ReasonForm(prefix="reset"),
        "enrol_form": forms.get("enrol_form") or ReasonForm(prefix="enrol"),
        "new_enrolment_code": forms.get("new_enrolment_code", ""),
        "deactivate_form": forms.get("deactivate_form") or DeactivateForm(
            prefix="leave", candidates=candidates),
        "reactivate_form": forms.get("reactivate_form") or ReasonForm(prefix="back"),
        "token_form": forms.get("token_form") or TokenForm(prefix="token"),
        "tokens": user.api_tokens.order_by("-created_at"),
        "open_work": services.open_work_count(user=user),
        "devices": TOTPDevice.objects.filter(user=user, confirmed=True).count(),
        "new_token": forms.get("new_token", ""),
    }
    return render(request, "administration/user.html", context, status=status)


def _subject(request: HttpRequest, pk: int) -> tuple[Any, User]:
    actor = _admin_only(request)
    return actor, get_visible(actor, User.objects.select_related("agency"), pk=pk)


@require_http_methods(["GET", "POST"])
def user_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor, user = _subject(request, pk)
    if request.method != "POST":
        return _user_page(request, actor, user)
    form = UserForm(request.POST, acting_user=actor, editing=True)
    if form.is_valid():
        data = form.cleaned_data
        with refusal_kept() as refused:
            services.user_update(acting_user=actor, user=user, first_name=data["first_name"],
                                 last_name=data["last_name"], email=data["email"],
                                 roles=data["roles"], reason=data["reason"])
            messages.success(request, _("User %(username)s updated.") % {
                                          "username": user.username})
            return redirect("administration:user", pk=user.pk)
        return _user_page(request, actor, user, status=400, error=refused.reason,
                          edit_form=form)
    return _user_page(request, actor, user, status=400, edit_form=form)


@require_POST
def user_password_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor, user = _subject(request, pk)
    form = PasswordForm(request.POST)
    if form.is_valid():
        with refusal_kept() as refused:
            services.user_password_set(acting_user=actor, user=user,
                                       password=form.cleaned_data["password"],
                                       reason=form.cleaned_data["reason"])
            messages.success(request, _("New password set for %(username)s.") % {
                                          "username": user.username})
            return redirect("administration:user", pk=user.pk)
        return _user_page(request, actor, user, status=400, error=refused.reason,
                          password_form=form)
    return _user_page(request, actor, user, status=400, password_form=form)


@require_POST
def second_factor_reset_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor, user = _subject(request, pk)
    form = ReasonForm(request.POST, prefix="reset")
    if form.is_valid():
        with refusal_kept() as refused:
            services.second_factor_reset(acting_user=actor, user=user,
                                         reason=form.cleaned_data["reason"])
            messages.success(request, _("%(username)s's authenticator apps are removed. "
                                        "Issue an enrolment code so they can set up a new "
                                        "one.") % {"username": user.username})
            return redirect("administration:user", pk=user.pk)
        return _user_page(request, actor, user, status=400, error=refused.reason,
                          reset_form=form)
    return _user_page(request, actor, user, status=400, reset_form=form)


@require_POST
def enrolment_code_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor, user = _subject(request, pk)
    form = ReasonForm(request.POST, prefix="enrol")
    if form.is_valid():
        with refusal_kept() as refused:
            raw = services.enrolment_code_issue(acting_user=actor, user=user,
                                                reason=form.cleaned_data["reason"])
            # Shown on this page only (never in a message, which may travel in a cookie).
            return _user_page(request, actor, user, new_enrolment_code=raw)
        return _user_page(request, actor, user, status=400, error=refused.reason,
                          enrol_form=form)
    return _user_page(request, actor, user, status=400, enrol_form=form)


@require_POST
def user_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor, user = _subject(request, pk)
    candidates = visible(actor, User).filter(is_active=True).exclude(pk=user.pk)
    form = DeactivateForm(request.POST, prefix="leave", candidates=candidates)
    if form.is_valid():
        with refusal_kept() as refused:
            done = services.user_deactivate(user=user, successor=form.cleaned_data["successor"],
                                            acting_user=actor,
                                            reason=form.cleaned_data["reason"])
            successor = form.cleaned_data["successor"]
            if successor:
                messages.success(request, _("%(username)s deactivated; %(total)s open items "
                                            "handed to %(successor)s.") % {
                    "username": user.username, "total": done.total(),
                    "successor": successor.username})
            else:
                messages.success(request, _("%(username)s deactivated.") % {
                    "username": user.username})
            return redirect("administration:user", pk=user.pk)
        return _user_page(request, actor, user, status=400, error=refused.reason,
                          deactivate_form=form)
    return _user_page(request, actor, user, status=400, deactivate_form=form)


@require_POST
def user_reactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor, user = _subject(request, pk)
    form = ReasonForm(request.POST, prefix="back")
    if form.is_valid():
        with refusal_kept() as refused:
            services.user_reactivate(acting_user=actor, user=user,
                                     reason=form.cleaned_data["reason"])
            messages.success(request, _("%(username)s reactivated.") % {
                                          "username": user.username})
            return redirect("administration:user", pk=user.pk)
        return _user_page(request, actor, user, status=400, error=refused.reason,
                          reactivate_form=form)
    return _user_page(request, actor, user, status=400, reactivate_form=form)


@require_POST
def token_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor, user = _subject(request, pk)
    form = TokenForm(request.POST, prefix="token")
    if form.is_valid():
        with refusal_kept() as refused:
            _, raw = services.api_token_issue(acting_user=actor, user=user,
                                              name=form.cleaned_data["name"],
                                              reason=form.cleaned_data["reason"])
            # Shown once, on this response only: only the token's digest is stored.
            return _user_page(request, actor, user, new_token=raw)
        return _user_page(request, actor, user, status=400, error=refused.reason,
                          token_form=form)
    return _user_page(request, actor, user, status=400, token_form=form)


@require_POST
def token_revoke_view(request: HttpRequest, pk: int, token_pk: int) -> HttpResponse:
    actor, user = _subject(request, pk)
    token = get_visible(actor, ApiToken.objects.filter(user=user), pk=token_pk)
    form = ReasonForm(request.POST, prefix=f"revoke{token.pk}")
    if form.is_valid():
        with refusal_kept() as refused:
            services.api_token_revoke(acting_user=actor, token=token,
                                      reason=form.cleaned_data["reason"])
            messages.success(request, _("Token %(prefix)s… revoked.") % {"prefix": token.prefix})
            return redirect("administration:user", pk=user.pk)
        return _user_page(request, actor, user, status=400, error=refused.reason)
    return _user_page(request, actor, user, status=400, error=_("Say why the token is revoked."))


@require_http_methods(["GET"])
def agencies_view(request: HttpRequest) -> HttpResponse:
    actor = _admin_only(request)
    listed = AGENCIES.run(request, visible(actor, Agency).select_related("successor"))
    if (exported := export_response(request, listed)) is not None:
        return exported
    return render(request, "administration/agencies.html",
                  {"listed": listed, "platform": is_platform_admin(actor)})


@require_http_methods(["GET", "POST"])
def agency_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _admin_only(request)
    agency = get_visible(actor, Agency, pk=pk)
    form = AgencyForm(request.POST or None, initial={"active": agency.active,
                                                    "successor": agency.successor})
    error = ""
    if request.method == "POST" and form.is_valid():
        with refusal_kept() as refused:
            services.agency_update(acting_user=actor, agency=agency,
                                   active=form.cleaned_data["active"],
                                   successor=form.cleaned_data["successor"],
                                   reason=form.cleaned_data["reason"])
            messages.success(request, _("Agency %(code)s updated.") % {"code": agency.code})
            return redirect("administration:agency", pk=agency.pk)
        error = refused.reason
    return render(request, "administration/agency.html",
                  {"agency": agency, "form": form, "error": error,
                   "platform": is_platform_admin(actor),
                   "predecessors": agency.predecessors.order_by("code")},
                  status=400 if error or form.errors else 200)


def _posts(actor: Any) -> Any:
    from tiaki.screening.models import Post

    ids = administered_agency_ids(actor)
    posts = Post.objects.select_related("agency").order_by("code")
    return posts if ids is None else posts.filter(agency_id__in=ids)


@require_http_methods(["GET"])
def posts_view(request: HttpRequest) -> HttpResponse:
    actor = _admin_only(request)
    listed = POSTS.run(request, _posts(actor).annotate(officer_count=Count("members")))
    if (exported := export_response(request, listed)) is not None:
        return exported
    return render(request, "administration/posts.html", {"listed": listed})


@require_http_methods(["GET", "POST"])
def post_new_view(request: HttpRequest) -> HttpResponse:
    actor = _admin_only(request)
    form = PostForm(request.POST or None, acting_user=actor)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_kept() as refused:
            post = services.post_create(acting_user=actor, code=data["code"], name=data["name"],
                                        agency=data["agency"], ports=form.port_list(),
                                        handles_visas=data["handles_visas"],
                                        reason=data["reason"])
            messages.success(request, _("Border post %(code)s created. Now choose its "
                                        "officers.") % {"code": post.code})
            return redirect("administration:post", pk=post.pk)
        error = refused.reason
    return render(request, "administration/post_new.html", {"form": form, "error": error},
                  status=400 if error or form.errors else 200)


@require_http_methods(["GET", "POST"])
def post_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _admin_only(request)
    post = get_object_or_404(_posts(actor), pk=pk)
    candidates = services.post_officer_candidates(post)
    current = list(post.members.values_list("user_id", flat=True))
    post_form = PostForm(acting_user=actor, editing=True, prefix="post", initial={
        "name": post.name, "ports": ", ".join(post.ports), "handles_visas": post.handles_visas})
    officers_form = OfficersForm(candidates=candidates, prefix="officers",
                                 initial={"officers": current})
    error = ""
    if request.method == "POST":
        which = request.POST.get("form")
        with refusal_kept() as refused:
            if which == "officers":
                officers_form = OfficersForm(request.POST, candidates=candidates,
                                             prefix="officers")
                if officers_form.is_valid():
                    names = services.post_officers_set(
                        acting_user=actor, post=post,
                        officers=officers_form.cleaned_data["officers"],
                        reason=officers_form.cleaned_data["reason"])
                    messages.success(request, _("%(code)s is worked by %(names)s.") % {
                                                  "code": post.code,
                                                  "names": ', '.join(names) or _("nobody yet")})
                    return redirect("administration:post", pk=post.pk)
            else:
                post_form = PostForm(request.POST, acting_user=actor, editing=True,
                                     prefix="post")
                if post_form.is_valid():
                    services.post_update(acting_user=actor, post=post,
                                         name=post_form.cleaned_data["name"],
                                         ports=post_form.port_list(),
                                         handles_visas=post_form.cleaned_data["handles_visas"],
                                         reason=post_form.cleaned_data["reason"])
                    messages.success(request, _("Border post %(code)s updated.") % {
                                                  "code": post.code})
                    return redirect("administration:post", pk=post.pk)
        error = refused.reason
    invalid = request.method == "POST"
    return render(request, "administration/post.html",
                  {"post": post, "post_form": post_form, "officers_form": officers_form,
                   "error": error, "candidates": candidates},
                  status=400 if invalid else 200)


@require_http_methods(["GET"])
def jobs_view(request: HttpRequest) -> HttpResponse:
    from tiaki.scheduling.models import ScheduledJob

    actor = _admin_only(request)
    if not is_platform_admin(actor):
        raise PermissionDenied("scheduled jobs are managed by platform administrators")
    return render(request, "administration/jobs.html",
                  {"jobs": visible(actor, ScheduledJob), "error": request.GET.get("error", "")})


@require_POST
def job_action_view(request: HttpRequest, pk: int) -> HttpResponse:
    from tiaki.scheduling import services as scheduling
    from tiaki.scheduling.models import ScheduledJob

    actor = _admin_only(request)
    job = get_visible(actor, ScheduledJob, pk=pk)
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")
    with refusal_kept() as refused:
        if action == "run":
            scheduling.job_run_now(acting_user=actor, job=job, reason=reason)
            messages.success(request, _("%(name)s runs on the worker's next loop.") % {
                                          "name": job.name})
        elif action in {"enable", "disable"}:
            scheduling.job_enable(acting_user=actor, job=job, enabled=action == "enable",
                                  reason=reason)
            messages.success(request, (_("%(name)s enabled.") if action == "enable"
                                       else _("%(name)s disabled.")) % {"name": job.name})
        else:
            raise PermissionDenied("unknown action")
        return redirect("administration:jobs")
    return render(request, "administration/jobs.html",
                  {"jobs": visible(actor, ScheduledJob), "error": refused.reason}, status=400)
