"""URLs of 公众账号（注册、登录、验证）."""

from django.urls import path  # noqa: F401

app_name = "accounts"

urlpatterns: list = []
