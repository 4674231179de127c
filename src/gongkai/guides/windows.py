"""综合窗口 (一窗受理): the windows of the service hall, the business each accepts and their
hours, and the figures the public page and oversight show (seed 001: “八类综合窗口252项业务
全部纳入一窗受理”), computed from the rows, never typed.

Only the office admin (公开办管理员) manages windows: a window belongs to the hall of the
whole site, not to one department."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from gongkai.core import permissions
from gongkai.core.audit import record_event, snapshot
from gongkai.core.models import AuditEventType, Role, Site
from gongkai.core.sites import touch_site

from .models import CaseStatistic, ItemStatus, ServiceItem, Window, WindowKind

#: who manages the hall's windows, the certificate library and the case statistics
HALL_ROLES = (Role.OFFICE_ADMIN,)
WINDOW_FIELDS = ["number", "name", "kind", "address", "hours", "phone", "is_active"]


class WindowError(ValueError):
    """A refused change, with a Chinese message for the user."""


def admin_sites(user) -> QuerySet[Site]:
    """The sites whose hall `user` manages (office admin; the superuser every site)."""
    organisations = permissions.organisations_for(user, HALL_ROLES)
    return Site.objects.filter(organisations__in=organisations).distinct()


def comprehensive_windows(site: Site) -> QuerySet[Window]:
    """The open 综合窗口 of the site: a closed window accepts nothing."""
    return Window.objects.filter(site=site, kind=WindowKind.COMPREHENSIVE, is_active=True)


def accepted_items(site: Site) -> QuerySet[ServiceItem]:
    """The distinct items some open comprehensive window accepts (cancelled items are no
    business any more)."""
    return (
        ServiceItem.objects.filter(site=site, windows__in=comprehensive_windows(site))
        .exclude(status=ItemStatus.CANCELLED)
        .distinct()
    )


@dataclass(frozen=True)
class WindowCounts:
    windows: int
    business: int

    def sentence(self) -> str:
        return f"{self.windows} 类综合窗口、{self.business} 项业务纳入“一窗受理”"


def window_counts(site: Site) -> WindowCounts:
    """N 类综合窗口、N 项业务: open comprehensive windows, and the distinct items they accept
    (an item accepted at two windows is one kind of business)."""
    return WindowCounts(comprehensive_windows(site).count(), accepted_items(site).count())


def public_windows(site: Site) -> QuerySet[Window]:
    return (
        Window.objects.filter(site=site, is_active=True)
        .prefetch_related("items__organisation")
        .order_by("number")
    )


def save_window(actor, site: Site, data: dict, items, window: Window | None = None) -> Window:
    """Create or change a window and the items it accepts (items of its own site only)."""
    permissions.require(actor, "管理综合窗口", site, HALL_ROLES)
    item_list = list(items)
    if any(item.site_id != site.pk for item in item_list):
        raise WindowError("只能选择本站点的办事事项。")
    number = (data.get("number") or "").strip()
    clash = Window.objects.filter(site=site, number=number)
    if window is not None:
        clash = clash.exclude(pk=window.pk)
    if clash.exists():
        raise WindowError(f"窗口号“{number}”已被使用。")
    with transaction.atomic():
        created = window is None
        before = None if created else snapshot(window, WINDOW_FIELDS)
        before_items = [] if created else sorted(window.items.values_list("pk", flat=True))
        window = window or Window(site=site)
        for name in WINDOW_FIELDS:
            if name in data:
                setattr(window, name, data[name])
        window.number = number
        window.save()
        window.items.set(item_list)
        after = {**snapshot(window, WINDOW_FIELDS), "items": sorted(i.pk for i in item_list)}
        if before is not None:
            before["items"] = before_items
        record_event(
            AuditEventType.OBJECT_CREATED if created else AuditEventType.OBJECT_CHANGED,
            actor=actor,
            obj=window,
            before=before,
            after=after,
            site=site,
        )
        transaction.on_commit(lambda: touch_site(site))
    return window


def delete_window(actor, window: Window) -> None:
    """A window with published case statistics is closed (停用), not deleted: the statistics
    name it, and what was published is not silently removed."""
    permissions.require(actor, "管理综合窗口", window.site, HALL_ROLES)
    if CaseStatistic.objects.filter(window=window).exists():
        raise WindowError("该窗口已有办件统计，不能删除；如已撤并，请改为停用。")
    site = window.site
    with transaction.atomic():
        record_event(
            AuditEventType.OBJECT_DELETED,
            actor=actor,
            obj=window,
            before=snapshot(window, WINDOW_FIELDS),
            site=site,
        )
        window.delete()
        transaction.on_commit(lambda: touch_site(site))
