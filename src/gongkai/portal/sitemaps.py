"""The portal's part of /sitemap.xml: the section pages (including the five parts of the
政府信息公开 section, 国办发〔2017〕47号), the organisations and the gazette issues."""

from django.contrib.sitemaps import Sitemap

from gongkai.core.models import Organisation
from gongkai.core.sitemaps import PagesSitemap

from .disclosure import PARTS
from .models import GazetteIssue

#: the apps that register their own sections list their pages there (catalogue:index,
#: records:list, oversight:reports); the section's other parts are named here
OWN_SECTIONS = ("catalogue:", "records:", "oversight:")
PAGES = [
    "portal:home",
    "portal:disclosure",
    "portal:organisations",
    "portal:reading_points",
    "portal:gazette",
    *(
        page
        for page in [
            *((part.url_name, part.args) for part in PARTS),
            *((name, ()) for part in PARTS for _label, name in part.links),
        ]
        if not page[0].startswith(OWN_SECTIONS)
    ),
]


def sections_sitemap(site):
    return PagesSitemap(site, PAGES)


class OrganisationSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def __init__(self, site):
        self.site = site

    def items(self):
        return Organisation.objects.filter(site=self.site, is_active=True).order_by("path")

    def location(self, org):
        from django.urls import reverse

        return reverse("portal:organisation", args=[org.pk])


class GazetteSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def __init__(self, site):
        self.site = site

    def items(self):
        return GazetteIssue.objects.filter(site=self.site, is_published=True).order_by(
            "-year", "-number"
        )

    def location(self, issue):
        return issue.get_absolute_url()
