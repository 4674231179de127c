from datetime import time

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """监督考核: oversight reads the domain apps (they never import it) and plugs into core's
    registries here: checks, dashboard figures, acceptance-package parts, panels, navigation,
    sitemaps, demo loaders and the nightly check."""

    name = "gongkai.oversight"
    label = "oversight"
    verbose_name = _("监督考核")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from gongkai.core import jobs
        from gongkai.core.demo import register_demo_loader
        from gongkai.core.extensions import (
            NavLink,
            add_nav,
            disclosure_links,
            register_sitemap,
            staff_nav,
            workbench_panels,
        )

        from . import (
            acceptance,
            dashboard,
            evaluation,
            figures,
            figures_guides,
            figures_participation,
            inspections,
            views,
        )
        from .checks import register_check, run_all_sites
        from .indicators import register_all
        from .indicators_participation import message_findings
        from .linkcheck.domains import seed_after_migrate
        from .links import INDICATOR, link_findings
        from .package import register_package_part
        from .plan_views import plan_panel
        from .sitemaps import AnnualReportSitemap, SitesOverviewSitemap, WorkPlanSitemap

        # the self-measured inspection indicators, run nightly (国办秘函〔2019〕19号)
        register_all()
        register_check(
            "links",
            link_findings,
            indicator=INDICATOR,
            description=_("已发布信息正文、附件中的失效链接和指向赌博等可疑网站的链接"),
        )
        register_check("messages", message_findings, indicator="互动交流：留言答复")
        jobs.register(
            "oversight_checks",
            run_all_sites,
            description="网站检查指标自动检查（栏目更新、错敏词、个人信息泄露、链接、留言、公开指南）",
            daily_at=time(2, 30),
        )
        post_migrate.connect(seed_after_migrate, sender=self, dispatch_uid="oversight-domains")

        # the dashboard's figures beyond its own (figures.py registers those on import)
        figures_participation.register()
        figures_guides.register()

        # the acceptance package (验收材料)
        acceptance.register_parts()
        register_package_part(
            figures.FIGURES_PACKAGE_FILE,
            "公开覆盖率、发布时效等监测数据",
            figures.figures_xlsx,
            order=20,
        )
        register_package_part(
            "07-自查督查报告及整改情况.docx",
            "自查督查报告及整改情况",
            inspections.package_reports,
            order=70,
        )
        register_package_part(
            "08-第三方评估结果.xlsx", "第三方评估结果", evaluation.results_xlsx, order=80
        )

        for panel in (
            views.workbench_panel,
            dashboard.workbench_panel,
            inspections.workbench_panel,
            plan_panel,
        ):
            if panel not in workbench_panels:
                workbench_panels.append(panel)
        add_nav(staff_nav, NavLink("公开监测", "oversight_staff:dashboard", order=60))
        add_nav(staff_nav, NavLink("督查整改", "oversight_staff:inspection_list", order=61))
        add_nav(staff_nav, NavLink("第三方评估", "oversight_staff:evaluation_index", order=62))
        add_nav(staff_nav, NavLink("工作方案", "oversight_staff:plan_list", order=70))
        add_nav(disclosure_links, NavLink("工作方案", "oversight_plan:list", order=80))

        register_sitemap("annual_reports", AnnualReportSitemap)
        register_sitemap("work_plans", WorkPlanSitemap)
        register_sitemap("sites_overview", SitesOverviewSitemap)

        register_demo_loader("oversight", "gongkai.oversight.demo.load_oversight_demo", order=60)
        register_demo_loader("oversight_plan", "gongkai.oversight.demo.load_plan_demo", order=61)
        register_demo_loader(
            "oversight_inspections", "gongkai.oversight.demo.load_inspection_demo", order=62
        )
        register_demo_loader("oversight_checks", "gongkai.oversight.demo.run_demo_checks", order=99)
