"""Staff URLs under /staff/oversight/."""

from django.urls import path

from . import views

app_name = "oversight_staff"

urlpatterns = [
    path("reports/", views.staff_reports, name="reports"),
]
