from django.urls import path  # noqa: F401

app_name = "records_staff"

urlpatterns: list = []
