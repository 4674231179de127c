"""URLs of 资金第三方监管（公众页面）."""

from django.urls import path  # noqa: F401

app_name = "funds"

urlpatterns: list = []
