from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "gongkai.portal"
    label = "portal"
    verbose_name = _("门户")

    def ready(self) -> None:
        from gongkai.core.demo import register_demo_loader

        from . import indexing

        register_demo_loader("portal", "gongkai.portal.demo.load_portal_demo", order=10)
        register_demo_loader("gazette", "gongkai.portal.demo.load_gazette_demo", order=50)
        indexing.register()
