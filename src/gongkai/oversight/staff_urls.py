"""Staff URLs under /staff/oversight/."""

from django.urls import path

from . import annual_views, dashboard, views

app_name = "oversight_staff"

urlpatterns = [
    path("reports/", views.staff_reports, name="reports"),
    # the compliance dashboard (issue 12 point 1)
    path("", dashboard.dashboard, name="dashboard"),
    path("figures/<slug:code>/", dashboard.figure_detail, name="figure"),
    # the computed annual report (oversight.annual)
    path("annual/", annual_views.annual_list, name="annual_list"),
    path("annual/<int:pk>/", annual_views.annual_detail, name="annual_detail"),
    path("annual/<int:pk>/sections/", annual_views.annual_sections, name="annual_sections"),
    path("annual/<int:pk>/cell/", annual_views.annual_cell, name="annual_cell"),
    path("annual/<int:pk>/final/", annual_views.annual_final, name="annual_final"),
    path("annual/<int:pk>/reopen/", annual_views.annual_reopen, name="annual_reopen"),
    path("annual/<int:pk>/publish/", annual_views.annual_publish, name="annual_publish"),
    path("annual/<int:pk>/<str:kind>/", annual_views.annual_file, name="annual_file"),
]

# --- work plan and acceptance package ---
from . import plan_views  # noqa: E402

urlpatterns += [
    path("plans/", plan_views.plan_list, name="plan_list"),
    path("plans/<int:pk>/", plan_views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", plan_views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/steps/add/", plan_views.plan_step_add, name="plan_step_add"),
    path("plans/<int:pk>/tasks/add/", plan_views.plan_task_add, name="plan_task_add"),
    path("plans/<int:pk>/export.xlsx", plan_views.plan_export, name="plan_export"),
    path("tasks/<int:pk>/", plan_views.plan_task, name="plan_task"),
    path("tasks/<int:pk>/edit/", plan_views.plan_task_edit, name="plan_task_edit"),
    path("tasks/<int:pk>/status/", plan_views.plan_task_status, name="plan_task_status"),
    path("acceptance/", plan_views.acceptance_page, name="acceptance"),
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

# --- checks ---
from . import findings_views  # noqa: E402

urlpatterns += [
    path("findings/", findings_views.findings_list, name="findings"),
    path("expressions/", findings_views.expressions, name="expressions"),
]
