"""民生实事项目 (solicitation to the vote results) plugged into the platform: the staff link,
the hub section and the demo loader."""

from __future__ import annotations


def _hub_items(site):
    from django.urls import reverse

    from . import projects
    from .hub import HubItem

    items = []
    for programme in projects.public_programmes(site).order_by("-year")[:2]:
        note = programme.get_phase_display()
        if projects.solicitation_open(programme) and programme.solicitation_closes_on:
            note = f"正在征集，截止 {programme.solicitation_closes_on:%Y年%m月%d日}"
        items.append(
            HubItem(programme.title, reverse("projects:programme", args=[programme.year]), note)
        )
    return items


def register() -> None:
    from gongkai.core.demo import register_demo_loader
    from gongkai.core.extensions import NavLink, add_nav, staff_nav

    from .hub import HubSection, add_section

    add_nav(staff_nav, NavLink("民生实事项目", "projects_staff:index", order=48))
    add_section(
        HubSection(
            key="projects",
            title="民生实事项目",
            url_name="projects:programmes",
            order=30,
            description="公开征集项目建议，人大代表票决确定，全程公开实施和测评。",
            items=_hub_items,
        )
    )
    register_demo_loader(
        "projects_vote", "gongkai.participation.demo_projects_vote.load_projects_vote_demo", 57
    )
