from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tiaki.accounts.roles import Role


@require_GET
def home_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    labels = [Role(code).label for code in sorted(user.role_codes())]  # type: ignore[union-attr]
    notifications = user.notifications.filter(read_at__isnull=True)[:10]  # type: ignore[union-attr]
    return render(request, "core/home.html",
                  {"role_labels": labels, "notifications": notifications})


@require_GET
def healthz_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
