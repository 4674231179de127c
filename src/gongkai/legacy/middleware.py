"""Old addresses keep working: a request the portal would answer 404 that names an imported
page's (or file's) old path is answered with a permanent redirect to its new address.

SKELETON: passes everything through; legacy-importer fills it in."""

from __future__ import annotations


class LegacyRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
