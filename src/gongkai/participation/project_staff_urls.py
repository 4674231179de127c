"""URLs of 民生实事项目（工作人员、人大代表）. The progress part appends its own under
"p/<int:pk>/…" and "<int:year>/overview/"."""

from django.urls import path

from . import project_staff_views as views

app_name = "projects_staff"

urlpatterns: list = [
    path("", views.programme_index, name="index"),
    path("<int:year>/", views.programme_detail, name="programme"),
    path("<int:year>/act/<slug:action>/", views.programme_action, name="programme_action"),
    path(
        "<int:year>/proposals/<int:pk>/<slug:action>/",
        views.proposal_action,
        name="proposal_action",
    ),
    path("<int:year>/candidates/<int:pk>/", views.candidate_edit, name="candidate"),
    path("<int:year>/vote/", views.vote, name="vote"),
]
