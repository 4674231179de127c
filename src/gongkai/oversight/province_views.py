"""The public page /xxgk/sites/: 下级站点政务公开概览 of a parent site (figures: province.py)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gongkai.core.models import Site

from . import province


def portal_link(request: HttpRequest, site: Site) -> str:
    """The child's own portal: its first host name, on this request's scheme and port (the
    sites of one deployment share the port); "" when it has no host name."""
    hosts = site.hostname_list()
    if not hosts:
        return ""
    port = request.get_port()
    default = "443" if request.is_secure() else "80"
    suffix = f":{port}" if port and port != default else ""
    return f"{request.scheme}://{hosts[0]}{suffix}/"


@require_GET
def sites_overview(request: HttpRequest) -> HttpResponse:
    """A site without children answers 200 with a clear message and its own figures, not 404:
    the page exists for every site (the portal's other 政府信息公开 pages answer 200 with
    "暂无…" when empty), and a link kept from before a reorganisation should explain itself."""
    site = getattr(request, "site", None)
    if site is None:
        raise Http404("没有站点")
    year = province.valid_year(request.GET.get("year")) or None
    data = province.overview(site, year=year)
    rows = [(row, portal_link(request, row.site)) for row in data.children]
    context = {"overview": data, "rows": rows, "years": range(data.today.year, 2018, -1)}
    return render(request, "oversight/sites_overview.html", context)
