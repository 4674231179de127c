"""URLs of 征求意见（公众页面）."""

from django.urls import path  # noqa: F401

app_name = "consultations"

urlpatterns: list = []
