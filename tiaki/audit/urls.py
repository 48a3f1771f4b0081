from django.urls import path

from tiaki.audit import views

app_name = "audit"
urlpatterns = [path("", views.search_view, name="search")]
