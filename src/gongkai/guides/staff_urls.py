"""Staff pages under /staff/services/. Each part of the work appends its paths."""

from django.urls import path  # noqa: F401 - used by the parts appended below

app_name = "guides_staff"

urlpatterns: list = []

# import/export of guides and the three lists (guides.io_views)
from . import io_views  # noqa: E402

urlpatterns += [
    path("import/", io_views.import_guides_page, name="io_import"),
    path("export/", io_views.export_guides_file, name="io_export"),
    path("lists/", io_views.lists_page, name="io_lists"),
]
