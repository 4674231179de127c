from datetime import time
from io import StringIO

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FoiConfig(AppConfig):
    name = "gongkai.foi"
    label = "foi"
    verbose_name = _("依申请公开")

    def ready(self) -> None:
        from gongkai.core.demo import register_demo_loader
        from gongkai.core.extensions import (
            NavLink,
            add_nav,
            public_nav,
            staff_nav,
            workbench_panels,
        )

        from .staff_views import workbench_panel

        add_nav(public_nav, NavLink("依申请公开", "foi:guide", order=40))
        add_nav(staff_nav, NavLink("依申请公开", "foi_staff:list", order=40))
        if workbench_panel not in workbench_panels:
            workbench_panels.append(workbench_panel)
        register_demo_loader("foi", "gongkai.foi.demo.load_foi_demo", order=40)
        self.register_jobs()

    def register_jobs(self) -> None:
        from django.core.management import call_command

        from gongkai.core import jobs

        from . import tasks

        jobs.register(
            "foi.remind",
            tasks.remind_due_requests.call,
            daily_at=time(8, 0),
            description="依申请公开答复期限提醒",
        )
        jobs.register(
            "foi.retention",
            lambda: call_command("foi", "retention", "--apply", stdout=StringIO()),
            daily_at=time(2, 0),
            description="超过保存年限的已归档申请匿名化",
        )
