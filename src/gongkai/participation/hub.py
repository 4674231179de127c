"""The participation hub (/participate/): each area (consultations, events, projects …)
registers a section here from its plugin's `register()`; the hub page lists them in order.
The hub knows no area, so an area can be added or left out without touching the page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class HubItem:
    title: str
    url: str
    note: str = ""  # e.g. "征求意见截止 2026年12月20日", "剩余名额 12"


@dataclass(frozen=True)
class HubSection:
    key: str
    title: str
    url_name: str  # the area's public list page
    order: int = 50
    description: str = ""
    #: (site) -> the few current items to show (open consultations, upcoming events …)
    items: Callable = field(default=lambda site: [])


hub_sections: list[HubSection] = []


def add_section(section: HubSection) -> None:
    """Register (or replace, by key) a hub section; called from a plugin's register()."""
    hub_sections[:] = [s for s in hub_sections if s.key != section.key]
    hub_sections.append(section)
    hub_sections.sort(key=lambda s: s.order)
