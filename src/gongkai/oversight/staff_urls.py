"""Staff URLs under /staff/oversight/."""

from django.urls import path

from . import views

app_name = "oversight_staff"

urlpatterns = [
    path("reports/", views.staff_reports, name="reports"),
]

# --- checks ---
from . import findings_views  # noqa: E402

urlpatterns += [
    path("findings/", findings_views.findings_list, name="findings"),
    path("expressions/", findings_views.expressions, name="expressions"),
]
