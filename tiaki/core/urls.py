from django.urls import path

from tiaki.core import views

app_name = "core"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("notifications/", views.notifications_view, name="notifications"),
    path("notifications/read-all", views.notifications_read_all_view,
         name="notifications_read_all"),
    path("notifications/email", views.notification_settings_view,
         name="notification_settings"),
    path("notifications/<int:pk>/", views.notification_open_view, name="notification_open"),
    path("notifications/<int:pk>/read", views.notification_read_view, name="notification_read"),
    path("search/", views.search_view, name="search"),
    path("healthz", views.healthz_view, name="healthz"),
]
