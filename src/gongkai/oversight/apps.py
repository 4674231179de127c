from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "gongkai.oversight"
    label = "oversight"
    verbose_name = _("监督考核")

    def ready(self) -> None:
        from gongkai.core.demo import register_demo_loader
        from gongkai.core.extensions import (
            NavLink,
            add_nav,
            register_sitemap,
            staff_nav,
            workbench_panels,
        )

        from . import figures  # noqa: F401 - registers the dashboard's own figures
        from .dashboard import workbench_panel as dashboard_panel
        from .sitemaps import AnnualReportSitemap
        from .views import workbench_panel

        if workbench_panel not in workbench_panels:
            workbench_panels.append(workbench_panel)
        if dashboard_panel not in workbench_panels:
            workbench_panels.append(dashboard_panel)
        add_nav(staff_nav, NavLink("公开监测", "oversight_staff:dashboard", order=60))
        register_sitemap("annual_reports", AnnualReportSitemap)
        register_demo_loader("oversight", "gongkai.oversight.demo.load_oversight_demo", order=60)
