"""Staff pages under /staff/services/. Each part of the work appends its paths."""

from django.urls import path  # noqa: F401 - used by the parts appended below

app_name = "guides_staff"

urlpatterns: list = []
