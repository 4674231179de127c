"""The self-service kiosk under /kiosk/: guides and scenarios only, no login."""

from django.urls import path

app_name = "kiosk"

urlpatterns: list = []

# Kiosk guides (issue 13 point 7). The scenario part appends its own public views here with
# {"kiosk": True} under the name "scenarios" (the start page shows that tile once it exists).
from . import kiosk_views  # noqa: E402

urlpatterns += [
    path("", kiosk_views.home, name="home"),
    path("topics/<slug:slug>/", kiosk_views.topic, name="topic"),
    path("once/", kiosk_views.once, name="once"),
    path("search/", kiosk_views.search, name="search"),
    path("items/<str:code>/", kiosk_views.item, name="item"),
]

# 情景导航 and 一件事 on the kiosk: the same views, in the kiosk's frame
from . import scenario_views  # noqa: E402

urlpatterns += scenario_views.url_patterns(kiosk=True)
