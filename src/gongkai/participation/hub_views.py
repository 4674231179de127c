"""The participation hub (/participate/): every area registered in participation.hub, each
with its title, description, a few current items and a link. It knows no area itself."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from . import hub

#: How many current items a section shows on the hub.
HUB_ITEMS = 3


def index(request: HttpRequest) -> HttpResponse:
    site = request.site
    if site is None:
        raise Http404
    sections = []
    for section in hub.hub_sections:
        try:
            url = reverse(section.url_name)
        except NoReverseMatch:  # an area registered without its pages mounted: leave it out
            continue
        sections.append(
            {"section": section, "url": url, "items": list(section.items(site) or [])[:HUB_ITEMS]}
        )
    return render(request, "participation/hub.html", {"sections": sections})
