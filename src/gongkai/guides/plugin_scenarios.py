"""情景导航 and 一件事: the staff navigation link and the demo loader (order 62, after the
demo guides at 60 whose items the demo scenarios use)."""


def register() -> None:
    from gongkai.core.demo import register_demo_loader

    register_demo_loader(
        "guides_scenarios", "gongkai.guides.demo_scenarios.load_scenarios_demo", order=62
    )
