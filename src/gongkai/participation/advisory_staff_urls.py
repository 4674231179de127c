"""URLs of 参政智囊团（工作人员）."""

from django.urls import path  # noqa: F401

app_name = "advisory_staff"

urlpatterns: list = []
