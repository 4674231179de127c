from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegacyConfig(AppConfig):
    name = "gongkai.legacy"
    label = "legacy"
    verbose_name = _("旧站迁移")

    def ready(self) -> None:
        # Each part of the app registers what it plugs in (bench, staff navigation, the
        # workbench panel) from its own module, listed here.
        from importlib import import_module

        for module in PLUGINS:
            plugin = import_module(f"{self.name}.{module}")
            plugin.register()


#: Modules of this app with a `register()` that plugs them into core and the portal.
PLUGINS: list[str] = ["plugin_bench", "plugin_staff", "plugin_demo"]
