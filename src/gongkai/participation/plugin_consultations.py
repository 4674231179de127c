"""What 征求意见 and 参政智囊团 plug in: the staff navigation link, the hub section with the
open consultations, the sitemap section, the demo loader."""

from __future__ import annotations


def _open_items(site):
    from django.utils import timezone

    from . import consultations as rules
    from .hub import HubItem

    today = timezone.localdate()
    items = []
    for c in rules.published_consultations(site).filter(
        state="published", opens_on__lte=today, closes_on__gte=today
    )[:5]:
        items.append(
            HubItem(
                title=c.title,
                url=c.get_absolute_url(),
                note=f"征求意见截止 {c.closes_on.year}年{c.closes_on.month}月{c.closes_on.day}日",
            )
        )
    return items


def _sitemap(site):
    """/sitemap.xml: the list, each public consultation and its published report."""
    from django.contrib.sitemaps import Sitemap
    from django.urls import reverse

    from . import consultations as rules

    class ConsultationsSitemap(Sitemap):
        changefreq = "daily"
        priority = 0.6

        def items(self):
            pages = [reverse("consultations:list"), reverse("advisory:members")]
            for c in rules.published_consultations(site):
                pages.append(reverse("consultations:detail", args=[c.pk]))
                if c.report_published_at:
                    pages.append(reverse("consultations:report", args=[c.pk]))
            return pages

        def location(self, path):
            return path

    return ConsultationsSitemap()


def register() -> None:
    from gongkai.core.demo import register_demo_loader
    from gongkai.core.extensions import NavLink, add_nav, register_sitemap, staff_nav

    from .hub import HubSection, add_section

    add_nav(staff_nav, NavLink("征求意见", "consultations_staff:list", order=46))
    add_section(
        HubSection(
            key="consultations",
            title="征求意见",
            url_name="consultations:list",
            order=10,
            description="重要政策文件出台前公开征求意见，意见采纳情况向社会公开。",
            items=_open_items,
        )
    )
    register_sitemap("consultations", _sitemap)
    register_demo_loader(
        "consultations",
        "gongkai.participation.consultation_demo.load_consultations_demo",
        order=57,
    )
