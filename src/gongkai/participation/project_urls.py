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

# --- implementation, evaluation and the year's report (progress_views)
from . import progress_views  # noqa: E402

urlpatterns += [
    path("p/<int:pk>/", progress_views.project_page, name="project"),
    path("p/<int:pk>/evaluate/", progress_views.evaluate, name="evaluate"),
    path("p/<int:pk>/files/<int:file_id>/", progress_views.project_file, name="project_file"),
    path("<int:year>/overview/", progress_views.overview, name="overview"),
    path("<int:year>/report/", progress_views.year_report, name="year_report"),
    path("<int:year>/report/docx/", progress_views.year_report_docx, name="year_report_docx"),
]
