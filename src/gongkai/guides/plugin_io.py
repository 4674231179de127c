"""Import/export, the lists and the demo guides plug in here: the demo loader "guides" (order
60: after the catalogue it links to, before the windows, scenarios and FAQ built on it) and
the staff navigation link."""


def register() -> None:
    from gongkai.core.demo import register_demo_loader
    from gongkai.core.extensions import NavLink, add_nav, staff_nav

    register_demo_loader("guides", "gongkai.guides.demo.load_guides_demo", order=60)
    add_nav(staff_nav, NavLink("办事指南导入导出", "guides_staff:io_import", order=47))
