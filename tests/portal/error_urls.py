"""The site's URLs plus views that fail on purpose, for tests/portal/test_error_pages.py."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from gongkai.urls import handler400, handler500
from gongkai.urls import urlpatterns as site_urls

__all__ = ["handler400", "handler500"]


def _bad(request):
    raise SuspiciousOperation("bad")


def _forbidden(request):
    raise PermissionDenied


def _broken(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("test-errors/400/", _bad),
    path("test-errors/403/", _forbidden),
    path("test-errors/500/", _broken),
    *site_urls,
]
