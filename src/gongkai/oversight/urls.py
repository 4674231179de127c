"""Public URLs under /xxgk/report/ (the 公开年报 part of the 政府信息公开 section)."""

from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("", views.reports, name="reports"),
    path("<int:pk>/", views.download, name="download"),
]
