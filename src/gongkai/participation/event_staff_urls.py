"""URLs of 开放日、公众列席、听证（工作人员）."""

from django.urls import path  # noqa: F401

app_name = "events_staff"

urlpatterns: list = []
