"""The self-service kiosk under /kiosk/: guides and scenarios only, no login."""

from django.urls import path  # noqa: F401 - used by the parts appended below

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
