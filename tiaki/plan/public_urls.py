from django.urls import path

from tiaki.plan import victims_info

app_name = "victims_info"
urlpatterns = [
    path("", victims_info.index_view, name="index"),
    path("<str:language>/", victims_info.page_view, name="page"),
    path("<str:language>/pamphlet.pdf", victims_info.pamphlet_view, name="pamphlet"),
]
