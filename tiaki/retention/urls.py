from django.urls import path

from tiaki.retention import views

app_name = "retention"
urlpatterns = [
    path("", views.index_view, name="index"),
    path("holds/new/", views.hold_new_view, name="hold_new"),
    path("holds/<int:pk>/release/", views.hold_release_view, name="hold_release"),
]
