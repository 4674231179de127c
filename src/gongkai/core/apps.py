from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gongkai.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from . import signals  # noqa: F401

        self.register_jobs()

    def register_jobs(self) -> None:
        from datetime import timedelta

        from . import jobs, tasks

        jobs.register(
            "core.requeue_tasks",
            tasks.requeue_abandoned,
            every=timedelta(minutes=1),
            description="重新排队工作进程中断的后台任务",
        )
