from django.urls import path

from tiaki.privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("requests/new/", views.request_new_view, name="request_new"),
    path("requests/<str:reference>/", views.request_view, name="request"),
    path("requests/<str:reference>/export/", views.request_export_view, name="request_export"),
    path("requests/<str:reference>/<slug:action>/", views.request_action_view,
         name="request_action"),
    path("breaches/", views.breaches_view, name="breaches"),
    path("breaches/new/", views.breach_new_view, name="breach_new"),
    path("breaches/<str:reference>/", views.breach_view, name="breach"),
    path("breaches/<str:reference>/<slug:action>/", views.breach_action_view,
         name="breach_action"),
    path("breaches/<str:reference>/<slug:action>/<int:pk>/", views.breach_action_view,
         name="breach_action_on"),
]
