from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "gongkai.oversight"
    label = "oversight"
    verbose_name = _("监督考核")

    def ready(self) -> None:
        from gongkai.core.demo import register_demo_loader
        from gongkai.core.extensions import register_sitemap, workbench_panels

        from .checks import register_check
        from .indicators_participation import message_findings
        from .sitemaps import AnnualReportSitemap
        from .views import workbench_panel

        if workbench_panel not in workbench_panels:
            workbench_panels.append(workbench_panel)
        register_sitemap("annual_reports", AnnualReportSitemap)
        register_check("messages", message_findings, indicator="互动交流：留言答复")
        register_demo_loader("oversight", "gongkai.oversight.demo.load_oversight_demo", order=60)
