from django.urls import path

from tiaki.plan import (
    record_views,
    report_views,
    statistics_views,
    views,
    working_group_views,
)

app_name = "plan"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("my-agency/", views.todo_view, name="todo"),
    path("report/", views.report_view, name="report"),
    path("items/<int:number>/", views.item_view, name="item"),
    path("report/build/", report_views.report_build_view, name="report_build_new"),
    path("report/builds/<int:pk>/", report_views.report_build_page, name="report_build"),
    path("report/builds/<int:pk>/sign-off/", report_views.report_sign_off_view,
         name="report_sign_off"),
    path("report/builds/<int:pk>/report.<str:kind>", report_views.report_download_view,
         name="report_download"),
    path("working-group/", working_group_views.working_group_view, name="working_group"),
    path("working-group/meetings/<int:pk>/", working_group_views.meeting_view, name="meeting"),
    path("statistics/", statistics_views.statistics_view, name="statistics"),
    path("statistics/releases/<int:pk>/", statistics_views.statistics_release_view,
         name="statistics_release"),
    path("records/", record_views.records_index_view, name="records_index"),
    path("records/<slug:slug>/", record_views.records_view, name="records"),
    path("evidence/<int:pk>/", views.evidence_view, name="evidence"),
]
