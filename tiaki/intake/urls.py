from django.urls import path

from tiaki.intake import public_views, views

app_name = "intake"
urlpatterns = [
    # Public (listed in accounts.middleware.PUBLIC_PREFIXES as "/report").
    path("report/", public_views.report_view, name="report"),
    path("report/follow-up/", public_views.followup_view, name="followup"),
    # Staff.
    path("intake/triage/", views.queue_view, name="triage"),
    path("intake/triage/<int:pk>/", views.report_detail_view, name="triage_detail"),
    path("intake/triage/<int:pk>/<str:action>/", views.report_action_view,
         name="triage_action"),
    path("intake/attachments/<int:pk>/", views.attachment_view, name="attachment"),
    path("intake/screening/", views.screening_list_view, name="screening_list"),
    path("intake/screening/new/", views.screening_new_view, name="screening_new"),
    path("intake/screening/<int:pk>/", views.screening_detail_view, name="screening_detail"),
    path("intake/guide/", views.guide_view, name="guide"),
    path("intake/translations/", views.translations_view, name="translations"),
    path("intake/translations/<str:language>/", views.translation_view, name="translation"),
    path("intake/counts/", views.counts_view, name="counts"),
]
