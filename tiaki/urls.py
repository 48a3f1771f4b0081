from django.urls import include, path

from tiaki.api import api

urlpatterns = [
    path("", include("tiaki.core.urls")),
    path("accounts/", include("tiaki.accounts.urls")),
    path("plan/", include("tiaki.plan.urls")),
    path("audit/", include("tiaki.audit.urls")),
    path("", include("tiaki.intake.urls")),
    path("cases/", include("tiaki.cases.urls")),
    path("screening/", include("tiaki.screening.urls")),
    path("investigations/", include("tiaki.investigations.urls")),
    path("victims-information/", include("tiaki.plan.public_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
]
