"""The public side of 办事服务 (issue 13 points 6, 7 and 9) plugged into the portal: the
navigation link, guides and FAQ as search sources, the demo FAQ, and new page-cache keys
when what the public pages show changes (portal.caching keys pages on the site's
content_changed_at)."""

from django.db.models.signals import post_delete, post_save

from gongkai.records.models import State

_receivers = []  # signals hold receivers weakly


def _public_site(instance):
    """The site whose public pages show `instance`, or None when they do not (a draft)."""
    from .models import Condition, Guide, Material, Step

    if isinstance(instance, Condition | Material | Step):
        instance = instance.guide
    if isinstance(instance, Guide):
        if instance.state not in (State.PUBLISHED, State.WITHDRAWN):
            return None
        return instance.item.site
    return instance.site


def _changed(sender, instance, **kwargs):
    from gongkai.core.sites import touch_site

    try:
        site = _public_site(instance)
    except Exception:  # noqa: BLE001 - a cascade already removed the parent: its own delete touched
        return
    if site is not None:
        touch_site(site)


def register() -> None:
    from datetime import time

    from gongkai.core import jobs
    from gongkai.core.demo import register_demo_loader
    from gongkai.core.extensions import NavLink, add_nav, public_nav, register_sitemap

    from . import indexing, models
    from .portal_sitemaps import ServicesSitemap

    add_nav(public_nav, NavLink("办事服务", "guides:landing", order=42))
    indexing.register()
    register_sitemap("services", ServicesSitemap)
    register_demo_loader("guides_faq", "gongkai.guides.demo_faq.load_faq_demo", order=63)
    jobs.register(
        "guides.take_effect",
        indexing.take_effect,
        daily_at=time(0, 5),
        description="办事指南新版本生效：更新检索索引和公开页面",
    )
    watched = [
        models.ServiceItem,
        models.Guide,
        models.Condition,
        models.Material,
        models.Step,
        models.Window,
        models.Bundle,
        models.LifeEvent,
        models.Faq,
    ]
    if _changed not in _receivers:
        _receivers.append(_changed)
    for model in watched:
        uid = f"guides-portal-touch-{model.__name__}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + "-delete")
