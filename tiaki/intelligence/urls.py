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
    path("sharing/", views.sharing_view, name="sharing"),
    path("sharing/new/", views.package_new_view, name="package_new"),
    path("sharing/<str:reference>/", views.package_view, name="package"),
    path("sharing/<str:reference>/decide/", views.package_decide_view, name="package_decide"),
    path("sharing/<str:reference>/export/", views.package_export_view, name="package_export"),
    path("imports/", views.import_view, name="import"),
    path("entities/<str:ftm_id>/watchlist/", views.nominate_view, name="nominate"),
    path("watchlist/<str:external_id>/", views.nomination_view, name="nomination"),
    path("watchlist/<str:external_id>/withdraw/", views.withdraw_view, name="withdraw"),
]
