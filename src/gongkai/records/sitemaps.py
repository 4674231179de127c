"""/sitemap.xml: the site's public record pages (sitemaps.org protocol 0.9), one per site."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .selectors import published_records


class RecordSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6
    limit = 5000

    def __init__(self, site):
        self.site = site

    def items(self):
        return (
            published_records(self.site)
            .select_related(None)
            .only("index_number", "updated_at", "published_at", "site_id")
        )

    def location(self, record):
        return record.get_absolute_url()

    def lastmod(self, record):
        return record.updated_at


class RecordListSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def __init__(self, site):
        self.site = site

    def items(self):
        return ["records:list"]

    def location(self, name):
        return reverse(name)
