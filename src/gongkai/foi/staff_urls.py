from django.urls import path  # noqa: F401

app_name = "foi_staff"

urlpatterns: list = []
