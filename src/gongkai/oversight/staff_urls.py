"""Staff URLs under /staff/oversight/."""

from django.urls import path

from . import dashboard, views

app_name = "oversight_staff"

urlpatterns = [
    path("reports/", views.staff_reports, name="reports"),
    # the compliance dashboard (issue 12 point 1)
    path("", dashboard.dashboard, name="dashboard"),
    path("figures/<slug:code>/", dashboard.figure_detail, name="figure"),
]
