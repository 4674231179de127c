"""Public pages under /services/ (办事服务). Each part of the work appends its paths."""

from django.urls import path

from . import scenario_views, views

app_name = "guides"

urlpatterns: list = [
    path("items/<str:code>/", views.item_detail, name="item"),
]

# 情景导航 and 一件事 (scenario_views; the kiosk includes the same with {"kiosk": True})
urlpatterns += scenario_views.url_patterns()
