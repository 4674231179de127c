"""/sitemap.xml: the 办事服务 pages — the landing and lists, and each item's guide in force."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from . import selectors


class ServicesSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.7
    limit = 5000

    def __init__(self, site):
        self.site = site

    def items(self):
        pages = [reverse("guides:landing"), reverse("guides:once"), reverse("guides:faq")]
        pages += [reverse("guides:topic", args=[e.slug]) for e in selectors.life_events(self.site)]
        items = selectors.public_items(self.site).only("code", "site_id", "organisation_id")
        return pages + [reverse("guides:item", args=[item.code]) for item in items]

    def location(self, path):
        return path
