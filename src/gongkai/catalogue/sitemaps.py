"""The catalogue's part of /sitemap.xml: the published domains and every leaf's page."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import CatalogueItem
from .services import public_catalogue


class CatalogueSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.7
    limit = 5000

    def __init__(self, site):
        self.site = site

    def items(self):
        _version, snapshot = public_catalogue(self.site)
        domains = [reverse("catalogue:domain", args=[d["id"]]) for d in snapshot if d.get("id")]
        leaves = (
            CatalogueItem.objects.filter(site=self.site, numchild=0)
            .order_by("path")
            .values_list("pk", flat=True)
        )
        return [reverse("catalogue:index"), *domains] + [
            reverse("catalogue:item", args=[pk]) for pk in leaves
        ]

    def location(self, url):
        return url
