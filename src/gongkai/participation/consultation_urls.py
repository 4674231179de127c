"""URLs of 征求意见（公众页面）."""

from django.urls import path

from . import consultation_views as views

app_name = "consultations"

urlpatterns: list = [
    path("", views.consultation_list, name="list"),
    path("<int:pk>/", views.consultation_detail, name="detail"),
    path("<int:pk>/comment/", views.comment, name="comment"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/report.docx", views.report_docx, name="report_docx"),
]
