from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidesConfig(AppConfig):
    name = "gongkai.guides"
    label = "guides"
    verbose_name = _("办事服务")

    def ready(self) -> None:
        # Each part of the app registers what it plugs in (navigation, demo loaders, search
        # sources, oversight figures and checks) from its own module, listed here.
        from importlib import import_module

        for module in PLUGINS:
            plugin = import_module(f"{self.name}.{module}")
            plugin.register()


#: Modules of this app with a `register()` that plugs them into core, portal, search and
#: oversight, in the order they register.
PLUGINS: list[str] = [
    "plugin_workflow",
    "plugin_io",
    "plugin_hall",
    "plugin_scenarios",
    "plugin_portal",
]
