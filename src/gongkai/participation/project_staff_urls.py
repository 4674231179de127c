"""URLs of 民生实事项目（工作人员、人大代表）."""

from django.urls import path  # noqa: F401

app_name = "projects_staff"

urlpatterns: list = []

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
