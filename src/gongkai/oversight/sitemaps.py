"""The 公开年报 part in /sitemap.xml: the list page and every report."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import AnnualReport


class AnnualReportSitemap(Sitemap):
    changefreq = "yearly"
    priority = 0.5

    def __init__(self, site):
        self.site = site

    def items(self):
        reports = AnnualReport.objects.filter(site=self.site).order_by("-year", "pk")
        return [reverse("oversight:reports"), *(r.get_absolute_url() for r in reports)]

    def location(self, url):
        return url
