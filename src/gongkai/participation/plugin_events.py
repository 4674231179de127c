"""What events plug into the platform: the staff navigation link, the hub section with the
upcoming events, the demo loader, and the jobs (reminders the day before, draws at close)."""

from __future__ import annotations

from datetime import time, timedelta


def _hub_items(site):
    from django.urls import reverse
    from django.utils import timezone

    from . import events as rules
    from .hub import HubItem

    items = []
    upcoming = rules.public_events(site).filter(ends_at__gte=timezone.now())
    for event in upcoming.order_by("starts_at", "id")[:5]:
        note = f"{timezone.localtime(event.starts_at):%Y年%m月%d日} · {event.get_kind_display()}"
        if event.selection == "first_come":
            note += f" · 剩余名额 {event.places_left}"
        items.append(HubItem(event.title, reverse("events:detail", args=[event.pk]), note))
    return items


def register() -> None:
    from gongkai.core import jobs
    from gongkai.core.demo import register_demo_loader
    from gongkai.core.extensions import NavLink, add_nav, staff_nav

    from .hub import HubSection, add_section

    add_nav(staff_nav, NavLink("开放日与列席", "events_staff:list", order=47))
    add_section(
        HubSection(
            key="events",
            title="开放日与列席",
            url_name="events:list",
            order=20,
            description="报名参加政府开放日、列席政府会议、旁听听证会。",
            items=_hub_items,
        )
    )
    register_demo_loader(
        "participation_events", "gongkai.participation.event_demo.load_events_demo", order=58
    )
    jobs.register(
        "participation.event_reminders",
        _reminders,
        daily_at=time(9, 0),
        description="活动前一天提醒已确认的参加人",
    )
    jobs.register(
        "participation.event_draws",
        _draws,
        every=timedelta(minutes=10),
        description="报名截止的活动公开抽签",
    )


def _reminders() -> int:
    from .events import send_reminders

    return send_reminders()


def _draws() -> int:
    from .events import run_due_draws

    return run_due_draws()
