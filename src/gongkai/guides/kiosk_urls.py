"""The self-service kiosk under /kiosk/: guides and scenarios only, no login."""

from django.urls import path  # noqa: F401 - used by the parts appended below

app_name = "kiosk"

urlpatterns: list = []
