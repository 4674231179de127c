"""A request carrying a NUL character (`%00` in the address, `\\u0000` in a JSON body) is
answered 400 before any view or middleware queries the database with it (issue 16).

PostgreSQL text cannot hold NUL: every lookup with such a value raised DataError, a 500 on
every page and API operation (`/api/v1/sites/%00`, `/search?q=%00`, even `/nowhere%00` through
the legacy redirects), found by schemathesis on the PostgreSQL pass. SQLite answered 404/200.
Forms are not concerned: Django's CharField refuses NUL with a message of its own."""

import re

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse

MESSAGE = "请求中含有空字符（NUL），无法处理。请检查网址或提交的内容。"
#: `\u0000` in JSON text (an escaped backslash before it, `\\u0000`, is not a NUL)
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)


def has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path_info:
        return True
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in v for v in values):
            return True
    if request.content_type == "application/json":
        try:
            return bool(_JSON_NUL.search(request.body))
        except RequestDataTooBig:
            return False  # the view refuses it by its own rule
    return False


def nul_refused(request: HttpRequest) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"detail": MESSAGE}, status=400, json_dumps_params={"ensure_ascii": False}
        )
    from django.template import loader

    html = loader.get_template("400.html").render({"site_name": "", "exception": MESSAGE})
    return HttpResponse(html, status=400)


class NulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul(request):
            return nul_refused(request)
        return self.get_response(request)
