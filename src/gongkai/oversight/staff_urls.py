"""Staff URLs under /staff/oversight/."""

from django.urls import path

from . import annual_views, views

app_name = "oversight_staff"

urlpatterns = [
    path("reports/", views.staff_reports, name="reports"),
    # the computed annual report (oversight.annual)
    path("annual/", annual_views.annual_list, name="annual_list"),
    path("annual/<int:pk>/", annual_views.annual_detail, name="annual_detail"),
    path("annual/<int:pk>/sections/", annual_views.annual_sections, name="annual_sections"),
    path("annual/<int:pk>/cell/", annual_views.annual_cell, name="annual_cell"),
    path("annual/<int:pk>/final/", annual_views.annual_final, name="annual_final"),
    path("annual/<int:pk>/reopen/", annual_views.annual_reopen, name="annual_reopen"),
    path("annual/<int:pk>/publish/", annual_views.annual_publish, name="annual_publish"),
    path("annual/<int:pk>/<str:kind>/", annual_views.annual_file, name="annual_file"),
]
