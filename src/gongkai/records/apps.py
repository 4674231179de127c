from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "gongkai.records"
    label = "records"
    verbose_name = _("信息发布")

    def ready(self) -> None:
        from gongkai.core.extensions import (
            NavLink,
            add_nav,
            public_nav,
            staff_nav,
            workbench_panels,
        )

        from . import indexing
        from .staff_views import workbench_panel

        add_nav(public_nav, NavLink("最新信息", "records:list", order=25))
        add_nav(staff_nav, NavLink("信息发布", "records_staff:index", order=20))
        add_nav(staff_nav, NavLink("待审核", "records_staff:review_queue", order=21))
        if workbench_panel not in workbench_panels:
            workbench_panels.append(workbench_panel)
        indexing.register_source()
