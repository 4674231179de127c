from datetime import time, timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "gongkai.records"
    label = "records"
    verbose_name = _("信息发布")

    def ready(self) -> None:
        from gongkai.catalogue.services import register_published_records
        from gongkai.core.demo import register_demo_loader
        from gongkai.core.extensions import (
            NavLink,
            add_nav,
            public_nav,
            register_sitemap,
            staff_nav,
            workbench_panels,
        )

        from . import indexing, sitemaps
        from .selectors import published_records
        from .staff_views import workbench_panel

        add_nav(public_nav, NavLink("最新信息", "records:list", order=25))
        add_nav(staff_nav, NavLink("信息发布", "records_staff:index", order=20))
        add_nav(staff_nav, NavLink("待审核", "records_staff:review_queue", order=21))
        if workbench_panel not in workbench_panels:
            workbench_panels.append(workbench_panel)
        indexing.register_source()
        register_sitemap("pages", sitemaps.RecordListSitemap)
        register_sitemap("records", sitemaps.RecordSitemap)
        # The catalogue's leaf pages and counts read published records through this.
        register_published_records(published_records)
        # 18 months of publishing first, then the workflow demo's newest records on top.
        register_demo_loader(
            "records_archive", "gongkai.records.demo_archive.load_archive_demo", order=25
        )
        register_demo_loader("records", "gongkai.records.demo.load_records_demo", order=30)
        self.register_jobs()

    def register_jobs(self) -> None:
        from gongkai.core import jobs

        from . import tasks

        jobs.register(
            "records.publish_due",
            tasks.publish_due_records.call,
            every=timedelta(minutes=1),
            description="定时发布到期的信息",
        )
        jobs.register(
            "records.remind",
            tasks.remind_due_duties.call,
            daily_at=time(8, 0),
            description="公开期限提醒（三个工作日内到期）",
        )
        jobs.register(
            "records.slots",
            _ensure_slots_this_year,
            daily_at=time(1, 0),
            description="生成本年度定期公开期次",
        )


def _ensure_slots_this_year() -> int:
    """What `gongkai records slots` does for the current year: idempotent, so daily is cheap."""
    from django.utils import timezone

    from gongkai.core.models import Site
    from gongkai.core.permissions import SYSTEM

    from .deadlines import ensure_slots

    year = timezone.localdate().year
    return sum(ensure_slots(site, year, actor=SYSTEM) for site in Site.objects.all())
