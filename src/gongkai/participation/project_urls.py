"""URLs of 民生实事项目（公众页面）."""

from django.urls import path  # noqa: F401

app_name = "projects"

urlpatterns: list = []
