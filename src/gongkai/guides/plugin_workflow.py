"""Plugs the guide workflow's staff pages into core: the staff navigation link and the
workbench panel."""


def register() -> None:
    from gongkai.core.extensions import NavLink, add_nav, staff_nav, workbench_panels

    from .panels import workbench_panel

    add_nav(staff_nav, NavLink("办事服务", "guides_staff:items", order=30))
    if workbench_panel not in workbench_panels:
        workbench_panels.append(workbench_panel)
