"""Staff pages under /staff/services/. Each part of the work appends its paths."""

from django.urls import path  # noqa: F401 - used by the parts appended below

app_name = "guides_staff"

urlpatterns: list = []

# the service hall: windows, the certificate library, case statistics (guides.hall_staff_views)
from . import hall_staff_views  # noqa: E402

urlpatterns += [
    path("hall/windows/", hall_staff_views.window_list, name="hall_windows"),
    path("hall/windows/<int:pk>/", hall_staff_views.window_edit, name="hall_window"),
    path(
        "hall/windows/<int:pk>/delete/",
        hall_staff_views.window_delete,
        name="hall_window_delete",
    ),
    path("hall/certificates/", hall_staff_views.certificate_list, name="hall_certificates"),
    path("hall/certificates/<int:pk>/", hall_staff_views.certificate_edit, name="hall_certificate"),
    path(
        "hall/certificates/<int:pk>/delete/",
        hall_staff_views.certificate_delete,
        name="hall_certificate_delete",
    ),
    path("hall/statistics/", hall_staff_views.statistics, name="hall_statistics"),
    path(
        "hall/statistics/template.xlsx",
        hall_staff_views.statistics_template,
        name="hall_statistics_template",
    ),
]
