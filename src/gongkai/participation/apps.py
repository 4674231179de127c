from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "gongkai.participation"
    label = "participation"
    verbose_name = _("公众参与")

    def ready(self) -> None:
        from importlib import import_module

        from gongkai.core.demo import register_demo_loader
        from gongkai.core.extensions import (
            NavLink,
            add_nav,
            public_nav,
            staff_nav,
            workbench_panels,
        )

        from .staff_views import workbench_panel

        # one public link to the hub (/participate/), which lists every area, 咨询留言 included
        add_nav(public_nav, NavLink("公众参与", "participation:index", order=45))
        add_nav(staff_nav, NavLink("留言与评价", "participation_staff:messages", order=45))
        if workbench_panel not in workbench_panels:
            workbench_panels.append(workbench_panel)
        register_demo_loader(
            "participation", "gongkai.participation.demo.load_participation_demo", order=55
        )
        # Each area registers what it plugs in (navigation, hub section, demo loader, jobs,
        # workbench panels) from its own module, listed here.
        for module in PLUGINS:
            import_module(f"{self.name}.{module}").register()


#: Modules of this app with a `register()`, in the order they register.
PLUGINS: list[str] = [
    "plugin_accounts",
    "plugin_consultations",
    "plugin_events",
    "plugin_projects",
    "plugin_progress",
    "plugin_funds",
    "plugin_hub",
]
