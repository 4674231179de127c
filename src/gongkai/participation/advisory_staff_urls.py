"""URLs of 参政智囊团（工作人员）."""

from django.urls import path

from . import consultation_staff_views as views

app_name = "advisory_staff"

urlpatterns: list = [
    path("", views.advisory_members, name="members"),
]
