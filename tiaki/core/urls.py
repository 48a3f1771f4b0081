from django.urls import path

from tiaki.core import views

app_name = "core"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("healthz", views.healthz_view, name="healthz"),
]
