"""URLs of 资金第三方监管（监管机构、工作人员）."""

from django.urls import path  # noqa: F401

app_name = "funds_staff"

urlpatterns: list = []
