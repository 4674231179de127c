"""URLs of 征求意见（工作人员）."""

from django.urls import path  # noqa: F401

app_name = "consultations_staff"

urlpatterns: list = []
