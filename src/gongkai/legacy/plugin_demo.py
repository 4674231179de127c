"""The demo's old-site import (legacy/demo.py), after the records and catalogue demos."""


def register() -> None:
    from gongkai.core.demo import register_demo_loader

    register_demo_loader("legacy", "gongkai.legacy.demo.load_legacy_demo", order=90)
