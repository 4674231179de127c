from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "gongkai.portal"
    label = "portal"
    verbose_name = _("门户")

    def ready(self) -> None:
        from gongkai.core.demo import register_demo_loader
        from gongkai.core.extensions import register_sitemap, workbench_panels

        from . import indexing, sitemaps
        from .staff_views import workbench_panel

        register_demo_loader("portal", "gongkai.portal.demo.load_portal_demo", order=10)
        register_demo_loader("gazette", "gongkai.portal.demo.load_gazette_demo", order=50)
        indexing.register()
        register_sitemap("sections", sitemaps.sections_sitemap)
        register_sitemap("organisations", sitemaps.OrganisationSitemap)
        register_sitemap("gazette", sitemaps.GazetteSitemap)
        if workbench_panel not in workbench_panels:
            workbench_panels.append(workbench_panel)
