"""Cacheable public pages.

Anonymous GETs get an ETag and Last-Modified that change when the site's content changes
(publish, withdraw …: `touch_site`), so browsers revalidate cheaply, and `s-maxage` lets the
reverse proxy (deploy/nginx.conf) micro-cache them, keyed on the reading-aid cookies. Logged-in
users, pages with forms (they set the CSRF cookie), staff, admin and anything with its own
Cache-Control (e.g. `never_cache`) are never cached. The middleware sits before the session
and CSRF middleware so it sees their cookies and Vary headers.

Rendered pages are also kept in the Django cache under their ETag for PAGE_CACHE_SECONDS, so a
page is rendered once per change of its site, not once per visitor."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

from gongkai.core.models import Site
from gongkai.core.sites import site_for_host

PRIVATE_PREFIXES = ("/staff/", "/admin/", "/api/", "/healthz", "/prefs/", "/static/", "/media/")
# The reading-aid cookies change how a page renders; the proxy keys its cache on them too.
RENDER_COOKIES = ("gk_font", "gk_contrast", "gk_elder")
PROXY_MAX_AGE = 10  # seconds the proxy may serve a page without asking the app
STORED_HEADERS = (
    "Content-Type",
    "Content-Language",
    "Last-Modified",
    "Cache-Control",
    "X-Accel-Expires",
)


def page_etag(site: Site, request) -> str:
    parts = [
        str(site.pk),
        site.content_changed_at.isoformat() if site.content_changed_at else "",
        request.get_host(),
        request.get_full_path(),
        *(request.COOKIES.get(name, "") for name in RENDER_COOKIES),
        settings.RELEASE,  # new templates or code start afresh
    ]
    return '"' + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32] + '"'


def _cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(PRIVATE_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _not_modified(etag: str) -> HttpResponseNotModified:
    response = HttpResponseNotModified()
    response["ETag"] = etag
    return response


def _page_key(etag: str) -> str:
    return "gongkai:page:" + etag.strip('"')


def _from_store(stored: tuple[bytes, dict], etag: str) -> HttpResponse:
    """A page rendered before for the same site version, URL and reading aids: the app's own
    page cache, so pages are fast without a proxy too (and on every app server with Redis)."""
    content, headers = stored
    response = HttpResponse(content)
    for name, value in headers.items():
        response[name] = value
    response["ETag"] = etag
    return response


class PublicCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        site = request.site = site_for_host(request.get_host())
        if site is None:
            return self.get_response(request)
        etag = page_etag(site, request)
        if request.headers.get("If-None-Match") == etag:
            return _not_modified(etag)  # answered without rendering
        stored = cache.get(_page_key(etag)) if settings.PAGE_CACHE_SECONDS else None
        if stored is not None:
            return _from_store(stored, etag)
        response = self.get_response(request)
        if not self._cacheable_response(response):
            return response
        response["ETag"] = etag
        if site.content_changed_at:
            changed = int(site.content_changed_at.timestamp())
            response["Last-Modified"] = http_date(changed)
            since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
            if since is not None and changed <= since and "If-None-Match" not in request.headers:
                return _not_modified(etag)
        # Anonymous pages here do not depend on the session; the proxy keys on RENDER_COOKIES.
        vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
        vary = [v for v in vary if v.lower() != "cookie"]
        if vary:
            response["Vary"] = ", ".join(vary)
        elif response.has_header("Vary"):
            del response["Vary"]
        patch_cache_control(
            response, public=True, max_age=0, s_maxage=PROXY_MAX_AGE, must_revalidate=True
        )
        response["X-Accel-Expires"] = str(PROXY_MAX_AGE)  # nginx's own instruction; it strips it
        if settings.PAGE_CACHE_SECONDS:
            headers = {name: response[name] for name in STORED_HEADERS if response.has_header(name)}
            cache.set(_page_key(etag), (response.content, headers), settings.PAGE_CACHE_SECONDS)
        return response

    @staticmethod
    def _cacheable_response(response) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies  # a CSRF or session cookie: the page is personal
            and not response.has_header("Cache-Control")
        )
