"""The annual reports in /sitemap.xml (the list page is in the portal's sections)."""

from django.contrib.sitemaps import Sitemap

from .models import AnnualReport


class AnnualReportSitemap(Sitemap):
    changefreq = "yearly"
    priority = 0.5

    def __init__(self, site):
        self.site = site

    def items(self):
        return AnnualReport.objects.filter(site=self.site).order_by("-year", "pk")

    def lastmod(self, report):
        return report.uploaded_at
