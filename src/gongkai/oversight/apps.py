from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "gongkai.oversight"
    label = "oversight"
    verbose_name = _("监督考核")

    def ready(self) -> None:
        from gongkai.core.demo import register_demo_loader
        from gongkai.core.extensions import register_sitemap, workbench_panels

        from .sitemaps import AnnualReportSitemap
        from .views import workbench_panel

        if workbench_panel not in workbench_panels:
            workbench_panels.append(workbench_panel)
        register_sitemap("annual_reports", AnnualReportSitemap)
        register_demo_loader("oversight", "gongkai.oversight.demo.load_oversight_demo", order=60)

        # the self-measured inspection indicators, and their nightly run (国办秘函〔2019〕19号)
        from datetime import time

        from gongkai.core import jobs

        from .checks import run_all_sites
        from .indicators import register_all

        register_all()
        jobs.register(
            "oversight_checks",
            run_all_sites,
            description="网站检查指标自动检查（栏目更新、错敏词、个人信息泄露、公开指南）",
            daily_at=time(2, 30),
        )
