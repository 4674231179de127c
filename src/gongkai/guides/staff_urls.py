"""Staff pages under /staff/services/. Each part of the work appends its paths."""

from django.urls import path  # noqa: F401 - used by the parts appended below

from . import scenario_staff_views

app_name = "guides_staff"

urlpatterns: list = []

# --- guides and their versions (guides.staff_views; the workflow is guides.workflow)
from . import staff_views as workflow_views  # noqa: E402

urlpatterns += [
    path("items/", workflow_views.item_list, name="items"),
    path("items/new/", workflow_views.item_new, name="item_new"),
    path("items/<int:pk>/", workflow_views.item_detail, name="item"),
    path(
        "items/<int:pk>/versions/<int:number>/edit/",
        workflow_views.guide_edit,
        name="guide_edit",
    ),
    path(
        "items/<int:pk>/versions/<int:number>/do/<slug:action>/",
        workflow_views.guide_act,
        name="guide_act",
    ),
    path("review/", workflow_views.review_queue, name="review"),
]

# import/export of guides and the three lists (guides.io_views)
from . import io_views  # noqa: E402

urlpatterns += [
    path("import/", io_views.import_guides_page, name="io_import"),
    path("export/", io_views.export_guides_file, name="io_export"),
    path("lists/", io_views.lists_page, name="io_lists"),
]

# 情景导航 (scenario_staff_views)
urlpatterns += scenario_staff_views.url_patterns()

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
