"""Public pages of a site. Later capabilities (catalogue, records, search …) fill the home page."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from gongkai.core.extensions import home_sections, render_panels
from gongkai.core.models import Organisation


def home(request: HttpRequest) -> HttpResponse:
    site = request.site
    if site is None:
        return render(request, "portal/no_site.html", status=503)
    departments = Organisation.objects.filter(site=site, is_active=True, depth=2).order_by("path")
    context = {
        "departments": departments,
        "children": site.children.all(),
        "sections": render_panels(home_sections, request),
    }
    return render(request, "portal/home.html", context)


def organisations(request: HttpRequest) -> HttpResponse:
    """机构职能: the directory of the site's organisations (《条例》第二十条第（二）项)."""
    if request.site is None:
        raise Http404
    orgs = Organisation.objects.filter(site=request.site, is_active=True).order_by("path")
    return render(request, "portal/organisations.html", {"organisations": orgs})
