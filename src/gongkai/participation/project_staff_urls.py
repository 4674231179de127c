"""URLs of 民生实事项目（工作人员、人大代表）."""

from django.urls import path  # noqa: F401

app_name = "projects_staff"

urlpatterns: list = []
