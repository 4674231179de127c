"""Plugs the review queue into the staff pages: the navigation link and the workbench panel
"旧站迁移：N 条待确认" (shown on sites that have imported pages, to those who may confirm)."""

from __future__ import annotations


def workbench_panel(request):
    from gongkai.core.permissions import staff_site

    from . import review
    from .models import LegacyPage

    site = staff_site(request)
    if site is None or not review.may_review(request.user, site):
        return None
    if not LegacyPage.objects.filter(site=site).exists():
        return None
    pending = review.pending_pages(request.user, site)
    return (
        "legacy/staff/_panel.html",
        {
            "pending": pending.count(),
            "low": pending.filter(confidence__lt=review.classify.REVIEW_BELOW).count(),
        },
    )


def register() -> None:
    from gongkai.core.extensions import NavLink, add_nav, staff_nav, workbench_panels

    add_nav(staff_nav, NavLink("旧站迁移", "legacy_staff:index", order=75))
    if workbench_panel not in workbench_panels:
        workbench_panels.append(workbench_panel)
