"""Staff URLs under /staff/oversight/."""

from django.urls import path

from . import views

app_name = "oversight_staff"

urlpatterns = [
    path("reports/", views.staff_reports, name="reports"),
]

# --- inspections and evaluation ---
from . import inspection_views  # noqa: E402

urlpatterns += [
    path("inspections/", inspection_views.inspection_list, name="inspection_list"),
    path("inspections/<int:pk>/", inspection_views.inspection_detail, name="inspection_detail"),
    path(
        "inspections/<int:pk>/report/", inspection_views.inspection_report, name="inspection_report"
    ),
    path("inspections/items/<int:pk>/", inspection_views.inspection_item, name="inspection_item"),
    path(
        "inspections/items/<int:pk>/evidence/<int:evidence_pk>/",
        inspection_views.inspection_evidence,
        name="inspection_evidence",
    ),
    path("evaluation/", inspection_views.evaluation_index, name="evaluation_index"),
    path(
        "evaluation/templates/", inspection_views.evaluation_templates, name="evaluation_templates"
    ),
    path("evaluation/sheets/<int:pk>/", inspection_views.evaluation_sheet, name="evaluation_sheet"),
    path("evaluation/export/", inspection_views.evaluation_export, name="evaluation_export"),
]
