from django.urls import path

from tiaki.plan import views

app_name = "plan"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("my-agency/", views.todo_view, name="todo"),
    path("report/", views.report_view, name="report"),
    path("items/<int:number>/", views.item_view, name="item"),
    path("evidence/<int:pk>/", views.evidence_view, name="evidence"),
]
