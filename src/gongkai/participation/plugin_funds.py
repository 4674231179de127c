"""资金第三方监管 plugs in: its staff nav entry, its hub section, the administering
organisation's workbench panel and the demo loader."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class FundsSitemap(Sitemap):
    """The public fund pages of a site, for /sitemap.xml."""

    changefreq = "weekly"
    priority = 0.5

    def __init__(self, site):
        self.site = site

    def items(self):
        from .funds import public_funds

        pages = [reverse("funds:list")]
        return pages + [reverse("funds:detail", args=[f.pk]) for f in public_funds(self.site)]

    def location(self, path):
        return path


def _items(site):
    from .funds import public_funds, totals
    from .hub import HubItem

    items = []
    for fund in public_funds(site)[:3]:
        t = totals(fund)
        items.append(
            HubItem(
                fund.name,
                reverse("funds:detail", args=[fund.pk]),
                f"已拨付 {t.disbursed} 元 / 总额 {t.allocated} 元",
            )
        )
    return items


def register() -> None:
    from gongkai.core.demo import register_demo_loader
    from gongkai.core.extensions import (
        NavLink,
        add_nav,
        register_sitemap,
        staff_nav,
        workbench_panels,
    )

    from .fund_staff_views import workbench_panel
    from .hub import HubSection, add_section

    add_nav(staff_nav, NavLink("资金监管", "funds_staff:index", order=49))
    if workbench_panel not in workbench_panels:
        workbench_panels.append(workbench_panel)
    add_section(
        HubSection(
            key="funds",
            title="资金第三方监管",
            url_name="funds:list",
            order=40,
            description="扶贫、救灾等专项资金的拨付记录和第三方监管报告。",
            items=_items,
        )
    )
    register_sitemap("funds", FundsSitemap)
    register_demo_loader("funds", "gongkai.participation.demo_funds.load_funds_demo", order=58)
