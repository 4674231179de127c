"""URLs of 参政智囊团（公众页面）."""

from django.urls import path  # noqa: F401

app_name = "advisory"

urlpatterns: list = []
