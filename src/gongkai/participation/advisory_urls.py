"""URLs of 参政智囊团（公众页面）."""

from django.urls import path

from . import consultation_views as views

app_name = "advisory"

urlpatterns: list = [
    path("", views.advisory_members, name="members"),
    path("invitations/", views.my_invitations, name="invitations"),
]
