"""Public URLs under /xxgk/report/ (the 公开年报 part of the 政府信息公开 section)."""

from django.urls import path

from . import annual_views, views

app_name = "oversight"

urlpatterns = [
    path("", views.reports, name="reports"),
    path("<int:pk>/", views.download, name="download"),
    # a report the platform computed: its web page and its .docx (the PDF is <pk>/)
    path("<int:pk>/page/", annual_views.public_page, name="annual_page"),
    path("<int:pk>/docx/", annual_views.public_docx, name="annual_docx"),
]
