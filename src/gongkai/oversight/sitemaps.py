"""The oversight parts of /sitemap.xml: annual reports, work plans, and a parent site's
overview of the sites below it."""

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


class WorkPlanSitemap(Sitemap):
    """The published work plans (/xxgk/plan/)."""

    changefreq = "weekly"
    priority = 0.4

    def __init__(self, site):
        self.site = site

    def items(self):
        from .models import WorkPlan

        plans = WorkPlan.objects.filter(site=self.site, is_public=True).order_by("-year", "pk")
        urls = [reverse("oversight_plan:detail", args=[p.pk]) for p in plans]
        return [reverse("oversight_plan:list"), *urls] if urls else []

    def location(self, url):
        return url


class SitesOverviewSitemap(Sitemap):
    """/xxgk/sites/ on a site that has sites below it (issue 16 point 3)."""

    changefreq = "daily"
    priority = 0.4

    def __init__(self, site):
        self.site = site

    def items(self):
        from gongkai.core.models import Site

        if not Site.objects.filter(parent=self.site).exists():
            return []
        return [reverse("oversight_sites:overview")]

    def location(self, url):
        return url
