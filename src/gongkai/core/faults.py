"""What the site does when a part it depends on fails (issue 16): a database that is down or
unreachable gives the Chinese 503 page with Retry-After, not a 500 and a traceback in the log
for every request; the connection is re-opened by itself once the server is back
(CONN_HEALTH_CHECKS, and Django drops a connection that errored at the end of the request)."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("gongkai.faults")

#: seconds a client (or proxy) should wait before trying again
RETRY_AFTER_SECONDS = 30


def is_database_down(exc: BaseException | None) -> bool:
    return isinstance(exc, (OperationalError, InterfaceError))


def bare_error_page(request: HttpRequest, template: str, status: int, **context) -> HttpResponse:
    """An error page rendered with no database and no context processors (either may be what
    failed); the site's name only if the middleware already attached the site."""
    from django.template import loader

    try:
        site_name = request.site.name
    except Exception:  # noqa: BLE001 - the page must render whatever is missing
        site_name = ""
    html = loader.get_template(template).render({"site_name": site_name, **context})
    return HttpResponse(html, status=status)


def service_unavailable(request: HttpRequest, message: str = "") -> HttpResponse:
    """The 503 page with Retry-After: the database is down (the default message) or the disk
    is full (StorageFull's message)."""
    response = bare_error_page(request, "503.html", 503, message=message)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class FaultsMiddleware:
    """Catches a database failure raised by a view (failures raised earlier, in other
    middleware such as the current site lookup, reach handler500, which answers the same way)
    and a full disk while storing an upload (core.uploads.StorageFull)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from .uploads import StorageFull

        if isinstance(exception, StorageFull):
            return service_unavailable(request, str(exception))
        if not is_database_down(exception):
            return None
        logger.warning("Database unavailable: %s", exception.__class__.__name__)
        return service_unavailable(request)
