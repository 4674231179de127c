"""Import/export, the lists and the demo guides plug in here: the demo loader "guides" (order
60: after the catalogue it links to, before the windows, scenarios and FAQ built on it) and
the staff navigation link."""


def register() -> None:
    from gongkai.core.demo import register_demo_loader

    register_demo_loader("guides", "gongkai.guides.demo.load_guides_demo", order=60)
