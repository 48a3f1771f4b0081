from django.urls import path

from tiaki.administration import views

app_name = "administration"
urlpatterns = [
    path("", views.users_view, name="users"),
    path("users/new/", views.user_new_view, name="user_new"),
    path("users/<int:pk>/", views.user_view, name="user"),
    path("users/<int:pk>/password/", views.user_password_view, name="user_password"),
    path("users/<int:pk>/second-factor/", views.second_factor_reset_view,
         name="second_factor_reset"),
    path("users/<int:pk>/enrolment-code/", views.enrolment_code_view, name="enrolment_code"),
    path("users/<int:pk>/deactivate/", views.user_deactivate_view, name="user_deactivate"),
    path("users/<int:pk>/reactivate/", views.user_reactivate_view, name="user_reactivate"),
    path("users/<int:pk>/tokens/", views.token_issue_view, name="token_issue"),
    path("users/<int:pk>/tokens/<int:token_pk>/revoke/", views.token_revoke_view,
         name="token_revoke"),
    path("posts/", views.posts_view, name="posts"),
    path("posts/new/", views.post_new_view, name="post_new"),
    path("posts/<int:pk>/", views.post_view, name="post"),
    path("jobs/", views.jobs_view, name="jobs"),
    path("jobs/<int:pk>/", views.job_action_view, name="job_action"),
    path("agencies/", views.agencies_view, name="agencies"),
    path("agencies/<int:pk>/", views.agency_view, name="agency"),
]
