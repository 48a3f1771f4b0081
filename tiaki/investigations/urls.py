from django.urls import path

from tiaki.investigations import views

app_name = "investigations"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.new_view, name="new"),
    path("figures/", views.figures_view, name="figures"),
    path("<str:reference>/", views.detail_view, name="detail"),
    path("<str:reference>/<slug:action>/", views.action_view, name="action"),
    path("<str:reference>/<slug:action>/<int:pk>/", views.action_view, name="action_on"),
]
