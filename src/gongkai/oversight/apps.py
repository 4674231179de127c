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

        from . import (
            figures,  # noqa: F401 - registers the dashboard's own figures
            figures_participation,
        )
        from .checks import register_check
        from .dashboard import workbench_panel as dashboard_panel
        from .indicators_participation import message_findings
        from .sitemaps import AnnualReportSitemap
        from .views import workbench_panel

        if workbench_panel not in workbench_panels:
            workbench_panels.append(workbench_panel)
        if dashboard_panel not in workbench_panels:
            workbench_panels.append(dashboard_panel)
        add_nav(staff_nav, NavLink("公开监测", "oversight_staff:dashboard", order=60))
        register_sitemap("annual_reports", AnnualReportSitemap)
        register_check("messages", message_findings, indicator="互动交流：留言答复")
        figures_participation.register()
        register_demo_loader("oversight", "gongkai.oversight.demo.load_oversight_demo", order=60)

        # --- work plan and acceptance package ---
        from gongkai.core.extensions import NavLink, add_nav, disclosure_links, staff_nav

        from .acceptance import register_parts

        register_parts()
        from .plan_views import plan_panel
        from .sitemaps import WorkPlanSitemap

        register_sitemap("work_plans", WorkPlanSitemap)

        if plan_panel not in workbench_panels:
            workbench_panels.append(plan_panel)
        add_nav(staff_nav, NavLink("工作方案", "oversight_staff:plan_list", order=70))
        add_nav(disclosure_links, NavLink("工作方案", "oversight_plan:list", order=80))
        register_demo_loader("oversight_plan", "gongkai.oversight.demo.load_plan_demo", order=61)

        # --- links (issue 12 point 2)
        from django.db.models.signals import post_migrate

        from .checks import register_check
        from .linkcheck.domains import seed_after_migrate
        from .links import INDICATOR, link_findings

        register_check(
            "links",
            link_findings,
            indicator=INDICATOR,
            description=_("已发布信息正文、附件中的失效链接和指向赌博等可疑网站的链接"),
        )
        post_migrate.connect(seed_after_migrate, sender=self, dispatch_uid="oversight-domains")
        self._inspections_ready()

    def _inspections_ready(self) -> None:
        """自查督查 and 第三方评估: navigation, acceptance-package parts and the demo."""
        from gongkai.core.demo import register_demo_loader
        from gongkai.core.extensions import NavLink, add_nav, staff_nav, workbench_panels

        from . import evaluation, inspections
        from .package import register_package_part

        if inspections.workbench_panel not in workbench_panels:
            workbench_panels.append(inspections.workbench_panel)
        add_nav(staff_nav, NavLink("督查整改", "oversight_staff:inspection_list", order=60))
        add_nav(staff_nav, NavLink("第三方评估", "oversight_staff:evaluation_index", order=61))
        register_package_part(
            "07-自查督查报告及整改情况.docx",
            "自查督查报告及整改情况",
            inspections.package_reports,
            order=70,
        )
        register_package_part(
            "08-第三方评估结果.xlsx", "第三方评估结果", evaluation.results_xlsx, order=80
        )
        register_demo_loader(
            "oversight_inspections", "gongkai.oversight.demo.load_inspection_demo", order=61
        )

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
