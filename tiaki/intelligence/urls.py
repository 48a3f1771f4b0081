from django.urls import path

from tiaki.intelligence import views

app_name = "intelligence"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.new_view, name="new"),
    path("plan/", views.plan_view, name="plan"),
    path("reports/<str:reference>/", views.report_view, name="report"),
    path("reports/<str:reference>/entities/", views.entity_add_view, name="entity_add"),
    path("entities/<str:ftm_id>/", views.entity_view, name="entity"),
    path("entities/<str:ftm_id>/judge/", views.judge_view, name="judge"),
    path("judgements/<int:pk>/undo/", views.undo_view, name="undo"),
    path("network/", views.network_view, name="network"),
]
