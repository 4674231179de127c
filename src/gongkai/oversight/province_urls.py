"""Public URL /xxgk/sites/: the overview of the sites below a parent site (issue 16 point 3)."""

from django.urls import path

from . import province_views

app_name = "oversight_sites"

urlpatterns = [path("", province_views.sites_overview, name="overview")]
