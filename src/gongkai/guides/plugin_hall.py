"""The service hall part of 办事服务 (综合窗口, 一库共享, 办件公示, open data): plugs its
workbench panel and demo loader into core (guides.apps.PLUGINS)."""


def register() -> None:
    from gongkai.core.demo import register_demo_loader
    from gongkai.core.extensions import workbench_panels

    from .hall_staff_views import workbench_panel

    if workbench_panel not in workbench_panels:
        workbench_panels.append(workbench_panel)
    register_demo_loader("guides_hall", "gongkai.guides.demo_hall.load_hall_demo", order=61)
