"""Public pages under /services/ (办事服务). Each part of the work appends its paths."""

from django.urls import path

from . import scenario_views, views

app_name = "guides"

urlpatterns: list = [
    path("items/<str:code>/", views.item_detail, name="item"),
]

# 情景导航 and 一件事 (scenario_views; the kiosk includes the same with {"kiosk": True})
urlpatterns += scenario_views.url_patterns()

# 综合窗口、一库共享、办件公示 and the open data export (guides.hall_views)
from . import hall_views  # noqa: E402

urlpatterns += [
    path("windows/", hall_views.window_list, name="hall_windows"),
    path("certificates/", hall_views.certificate_list, name="hall_certificates"),
    path("statistics/", hall_views.statistics, name="hall_statistics"),
    path("export.json", hall_views.export_json, name="hall_export"),
]

# The public pages of issue 13 points 6 and 9: landing, browsing, FAQ and the question box.
urlpatterns += [
    path("", views.landing, name="landing"),
    path("topics/<slug:slug>/", views.topic, name="topic"),
    path("organisations/<int:pk>/", views.organisation, name="organisation"),
    path("once/", views.most_once, name="once"),
    path("faq/", views.faq_list, name="faq"),
    path("ask/", views.ask, name="ask"),
]
