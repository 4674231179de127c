"""The hub's own section: 咨询留言 (the existing messages pages), with the latest answers."""

from __future__ import annotations

from django.urls import reverse


def _items(site):
    from . import selectors
    from .hub import HubItem
    from .rules import public_text

    return [
        HubItem(
            public_text(m.subject),
            reverse("participation:message", args=[m.pk]),
            f"{m.organisation.name} 已答复",
        )
        for m in selectors.published_messages(site).select_related("organisation")[:3]
    ]


def register() -> None:
    from .hub import HubSection, add_section

    add_section(
        HubSection(
            key="messages",
            title="咨询留言",
            url_name="participation:messages",
            order=60,
            description="向各机构提出咨询，按工作日期限答复，答复公开（个人信息隐去）；各页面均可评价和纠错。",
            items=_items,
        )
    )
