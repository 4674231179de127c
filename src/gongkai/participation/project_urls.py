"""URLs of 民生实事项目（公众页面）. The progress part appends its own under "p/<int:pk>/…" and
"<int:year>/overview/"."""

from django.urls import path

from . import project_views as views

app_name = "projects"

urlpatterns: list = [
    path("", views.programme_list, name="programmes"),
    path("<int:year>/", views.programme_detail, name="programme"),
    path("<int:year>/propose/", views.propose, name="propose"),
]
