from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tiaki.accounts.roles import Role
from tiaki.core import services
from tiaki.core.exports import export_response
from tiaki.core.home import cards_for
from tiaki.core.models import Notification, NotificationPreference
from tiaki.core.notification_lists import NOTIFICATIONS
from tiaki.core.notifications import Kind


@require_GET
def home_view(request: HttpRequest) -> HttpResponse:
    """The signed-in person's work first: each app's cards for their roles."""
    user = request.user
    # Role labels are lazy translations; made plain text here, in the reader's language.
    labels = [str(Role(code).label) for code in sorted(user.role_codes())]  # type: ignore[union-attr]
    notifications = user.notifications.filter(read_at__isnull=True)[:10]  # type: ignore[union-attr]
    return render(request, "core/home.html", {
        "role_labels": labels, "notifications": notifications, "cards": cards_for(user)})


@require_GET
def notifications_view(request: HttpRequest) -> HttpResponse:
    # Only the person's own notifications: someone else's are never listed.
    listed = NOTIFICATIONS.run(request, Notification.objects.filter(  # type: ignore[misc]
        recipient=request.user))
    if (exported := export_response(request, listed)) is not None:
        return exported
    return render(request, "core/notifications.html", {"listed": listed})


def _own(request: HttpRequest, pk: int) -> Notification:
    # Someone else's notification is "not found", like any record one may not see.
    return get_object_or_404(Notification, pk=pk, recipient=request.user)


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@require_POST
def notification_read_view(request: HttpRequest, pk: int) -> HttpResponse:
    services.notification_mark_read(user=request.user, notification=_own(request, pk))
    return redirect(_safe_next(request, "core:notifications"))


@require_POST
def notifications_read_all_view(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(request, ngettext("%(count)s notification marked read.",
                                       "%(count)s notifications marked read.", count)
                     % {"count": count})
    return redirect(_safe_next(request, "core:notifications"))


@require_GET
def notification_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a notification marks it read and goes to what it is about."""
    notification = services.notification_mark_read(user=request.user,
                                                   notification=_own(request, pk))
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(url)
    return redirect("core:notifications")


@require_http_methods(["GET", "POST"])
def notification_settings_view(request: HttpRequest) -> HttpResponse:
    chosen = dict(NotificationPreference.objects.filter(  # type: ignore[misc]
        user=request.user).values_list("kind", "email"))
    if request.method == "POST":
        for kind in Kind.values:
            wanted = request.POST.get(f"email-{kind}") == "on"
            if chosen.get(kind, True) != wanted:
                services.notification_email_set(user=request.user, kind=kind, email=wanted)
        messages.success(request, gettext("Email choices saved."))
        return redirect("core:notification_settings")
    rows = [(kind, label, chosen.get(kind, True)) for kind, label in Kind.choices]
    return render(request, "core/notification_settings.html", {"rows": rows})


@require_GET
def healthz_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
def search_view(request: HttpRequest) -> HttpResponse:
    """Records by name or reference across every app, each through its own policy."""
    from tiaki.core.search import search

    query = request.GET.get("q", "").strip()[:200]
    return render(request, "core/search.html", {"q": query,
                                                "found": search(request.user, query)})
