from django.urls import path

from tiaki.accounts import oidc, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("2fa/", views.second_factor_view, name="second_factor"),
    path("logout/", views.logout_view, name="logout"),
    path("oidc/callback/", oidc.OIDCCallbackView.as_view(), name="oidc_callback"),
    path("oidc/<str:agency>/", oidc.OIDCStartView.as_view(), name="oidc_start"),
]
