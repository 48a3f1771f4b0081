from django.urls import path

from tiaki.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.new_view, name="new"),
    path("referrals/", views.inbox_view, name="inbox"),
    path("referrals/<int:pk>/", views.referral_view, name="referral"),
    path("referrals/<int:pk>/withdraw/", views.referral_withdraw_view, name="referral_withdraw"),
    path("children/", views.children_view, name="children"),
    path("minister/", views.minister_view, name="minister"),
    path("measures/", views.measures_view, name="measures"),
    path("certifications/<str:reference>/", views.certification_view, name="certification"),
    path("certifications/<str:reference>/certificate/", views.certificate_view,
         name="certificate"),
    path("certifications/<str:reference>/certificate.pdf", views.certificate_pdf_view,
         name="certificate_pdf"),
    path("repatriations/<int:pk>/complete/", views.repatriation_complete_view,
         name="repatriation_complete"),
    path("immigration/<int:pk>/decide/", views.immigration_decide_view,
         name="immigration_decide"),
    path("court-dates/<int:pk>/outcome/", views.court_outcome_view, name="court_outcome"),
    path("<str:reference>/", views.detail_view, name="detail"),
    path("<str:reference>/identity/", views.reveal_view, name="reveal"),
    path("<str:reference>/identity/edit/", views.identity_edit_view, name="identity_edit"),
    path("<str:reference>/export/", views.export_view, name="export"),
    path("<str:reference>/certify/", views.certify_view, name="certify"),
    path("<str:reference>/<slug:action>/", views.case_action_view, name="action"),
]
