"""URLs of 征求意见（工作人员）."""

from django.urls import path

from . import consultation_staff_views as views

app_name = "consultations_staff"

urlpatterns: list = [
    path("", views.consultation_list, name="list"),
    path("new/", views.consultation_create, name="create"),
    path("<int:pk>/", views.consultation_detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.consultation_action, name="action"),
    path(
        "<int:pk>/comments/<int:comment_pk>/<slug:action>/",
        views.comment_action,
        name="comment",
    ),
]
