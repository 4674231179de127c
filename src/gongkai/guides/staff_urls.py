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
