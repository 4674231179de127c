from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "gongkai.catalogue"
    label = "catalogue"
    verbose_name = _("标准目录")

    def ready(self):
        from gongkai.core import extensions
        from gongkai.core.extensions import NavLink

        from . import indexing, panels, sitemaps

        extensions.add_nav(extensions.public_nav, NavLink("标准目录", "catalogue:index", order=20))
        extensions.add_nav(
            extensions.staff_nav, NavLink("标准目录", "catalogue_staff:index", order=20)
        )
        if panels.duties_panel not in extensions.workbench_panels:
            extensions.workbench_panels.append(panels.duties_panel)
        if panels.home_section not in extensions.home_sections:
            extensions.home_sections.append(panels.home_section)
        indexing.register()
        extensions.register_sitemap("catalogue", sitemaps.CatalogueSitemap)
        from gongkai.core.demo import register_demo_loader

        register_demo_loader("catalogue", "gongkai.catalogue.demo.load_catalogue_demo", order=20)
