from django.urls import path

from tiaki.plan import record_views, views

app_name = "plan"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("my-agency/", views.todo_view, name="todo"),
    path("report/", views.report_view, name="report"),
    path("items/<int:number>/", views.item_view, name="item"),
    path("records/", record_views.records_index_view, name="records_index"),
    path("records/<slug:slug>/", record_views.records_view, name="records"),
    path("evidence/<int:pk>/", views.evidence_view, name="evidence"),
]
