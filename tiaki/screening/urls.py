from django.urls import path

from tiaki.screening import views

app_name = "screening"
urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("alerts/<int:pk>/", views.alert_view, name="alert"),
    path("profiles/", views.profiles_view, name="profiles"),
    path("profiles/<int:pk>/", views.profile_view, name="profile"),
    path("ingest/", views.ingest_view, name="ingest"),
    path("batches/<int:pk>/", views.batch_view, name="batch"),
    path("watchlists/", views.watchlists_view, name="watchlists"),
    path("documents/", views.documents_view, name="documents"),
]
