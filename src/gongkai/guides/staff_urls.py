"""Staff pages under /staff/services/. Each part of the work appends its paths."""

from django.urls import path  # noqa: F401 - used by the parts appended below

from . import scenario_staff_views

app_name = "guides_staff"

urlpatterns: list = []

# 情景导航 (scenario_staff_views)
urlpatterns += scenario_staff_views.url_patterns()
