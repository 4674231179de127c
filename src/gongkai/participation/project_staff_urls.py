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

# --- implementation and the year's report (progress_staff_views)
from . import progress_staff_views  # noqa: E402

urlpatterns += [
    path("progress/", progress_staff_views.project_list, name="progress_list"),
    path("p/<int:pk>/", progress_staff_views.project_detail, name="progress_project"),
    path("p/<int:pk>/assign/", progress_staff_views.assign, name="progress_assign"),
    path("p/<int:pk>/milestones/", progress_staff_views.add_milestone, name="progress_milestone"),
    path("p/<int:pk>/updates/", progress_staff_views.post_update, name="progress_update"),
    path("p/<int:pk>/defer/", progress_staff_views.defer, name="progress_defer"),
    path("p/<int:pk>/resume/", progress_staff_views.resume, name="progress_resume"),
    path("progress/<int:year>/report/", progress_staff_views.report, name="progress_report"),
]
