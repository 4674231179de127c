"""/sitemap.xml (sitemaps.org 0.9) for the request's site, made of the sections the apps
register (core.extensions.register_sitemap), and a section type for fixed pages."""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse

from .extensions import sitemap_sections


class PagesSitemap(Sitemap):
    """Fixed pages by URL name (with optional args); names not mounted are left out."""

    changefreq = "weekly"
    priority = 0.7

    def __init__(self, site, pages):
        self.site = site
        self.pages = pages

    def items(self):
        found = []
        for page in self.pages:
            name, args = (page, ()) if isinstance(page, str) else page
            try:
                found.append(reverse(name, args=args))
            except NoReverseMatch:
                continue
        return list(dict.fromkeys(found))

    def location(self, url):
        return url


def sitemap(request: HttpRequest) -> HttpResponse:
    site = getattr(request, "site", None)
    if site is None:
        raise Http404("没有站点")
    sections = {name: factory(site) for name, factory in sitemap_sections.items()}
    return sitemap_view(request, sections)
