"""Public pages under /services/ (办事服务). Each part of the work appends its paths."""

from django.urls import path

from . import views

app_name = "guides"

urlpatterns: list = [
    path("items/<str:code>/", views.item_detail, name="item"),
]
