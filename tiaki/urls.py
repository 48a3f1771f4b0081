from django.conf import settings
from django.contrib.staticfiles.views import serve
from django.urls import URLPattern, URLResolver, include, path, re_path

from tiaki.api import api
from tiaki.core.health import readyz_view

urlpatterns: list[URLPattern | URLResolver] = [
    path("readyz", readyz_view, name="readyz"),
    path("", include("tiaki.core.urls")),
    path("accounts/", include("tiaki.accounts.urls")),
    path("plan/", include("tiaki.plan.urls")),
    path("audit/", include("tiaki.audit.urls")),
    path("", include("tiaki.intake.urls")),
    path("cases/", include("tiaki.cases.urls")),
    path("screening/", include("tiaki.screening.urls")),
    path("investigations/", include("tiaki.investigations.urls")),
    path("administration/", include("tiaki.administration.urls")),
    path("retention/", include("tiaki.retention.urls")),
    path("intelligence/", include("tiaki.intelligence.urls")),
    path("privacy/", include("tiaki.privacy.urls")),
    path("victims-information/", include("tiaki.plan.public_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
]

# Error pages inside the layout (DEBUG is never on in demo mode or production).
handler400 = "tiaki.core.errors.bad_request"
handler403 = "tiaki.core.errors.permission_denied"
handler404 = "tiaki.core.errors.page_not_found"
handler500 = "tiaki.core.errors.server_error"

if settings.TIAKI_DEMO and not settings.DEBUG:
    # The demo runs on runserver with DEBUG off; serve its static files the way runserver
    # would (production serves them from STATIC_ROOT with the web server).
    urlpatterns.append(re_path(r"^static/(?P<path>.*)$", serve, {"insecure": True}))
