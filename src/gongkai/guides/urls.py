"""Public pages under /services/ (办事服务). Each part of the work appends its paths."""

from django.urls import path  # noqa: F401 - used by the parts appended below

app_name = "guides"

urlpatterns: list = []
