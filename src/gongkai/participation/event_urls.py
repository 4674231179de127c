"""URLs of 开放日、公众列席、听证（公众页面）."""

from django.urls import path  # noqa: F401

app_name = "events"

urlpatterns: list = []
