"""Channel-ready versions of a record for each channel its leaf requires (公开渠道和载体,
《政府信息公开条例》第二十三条、第二十四条), and when it went out there.

- 政府网站: the portal page itself, delivered at publication;
- 两微一端: a WeChat article (HTML with inline styles: the WeChat editor drops stylesheets)
  and a short text with the link for Weibo/Toutiao;
- 公示栏 (village and community notice boards): an A4 PDF notice made with WeasyPrint;
- anything else: plain text, marked delivered by hand.
Undelivered rows are what oversight counts as records that missed a required channel."""

from __future__ import annotations

import html

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from gongkai.core import permissions
from gongkai.core.audit import record_event
from gongkai.core.html import html_to_text
from gongkai.core.models import AuditEventType
from gongkai.core.pdf import html_to_pdf

from .models import ChannelDelivery, Record, State

SHORT_LIMIT = 140
INLINE = {
    "h1": "font-size:22px;font-weight:bold;text-align:center;margin:16px 0;color:#1f2328;",
    "p": "font-size:16px;line-height:1.8;margin:0 0 12px;text-indent:2em;color:#1f2328;",
    "meta": "font-size:13px;color:#4a4f57;text-align:center;margin:0 0 16px;",
    "foot": "font-size:13px;color:#4a4f57;margin-top:24px;border-top:1px solid #d0d4da;"
    "padding-top:8px;",
}


def format_for(channel_name: str) -> str:
    if channel_name == "政府网站":
        return "web"
    if channel_name == "两微一端":
        return "wechat"
    if "公示栏" in channel_name:
        return "notice_pdf"
    return "text"


def public_url(record: Record) -> str:
    from gongkai.core.sites import absolute_url

    return absolute_url(record.site, record.get_absolute_url())


def wechat_html(record: Record) -> str:
    """A WeChat public-account article: every style inline, no scripts, no classes."""
    paragraphs = [p for p in html_to_text(record.body).split("\n") if p.strip()]
    published = timezone.localtime(record.published_at) if record.published_at else None
    parts = [
        f'<section style="padding:8px 4px;">'
        f'<h1 style="{INLINE["h1"]}">{html.escape(record.title)}</h1>',
        f'<p style="{INLINE["meta"]}">{html.escape(record.organisation.name)}'
        + (f" {published:%Y-%m-%d}" if published else "")
        + "</p>",
        *(f'<p style="{INLINE["p"]}">{html.escape(p.strip())}</p>' for p in paragraphs),
        f'<p style="{INLINE["foot"]}">原文链接：{html.escape(public_url(record))}'
        + (f"<br>索引号：{html.escape(record.index_number)}" if record.index_number else "")
        + "</p></section>",
    ]
    return "\n".join(parts)


def short_text(record: Record) -> str:
    """Weibo/Toutiao: 【title】summary… link, within SHORT_LIMIT characters before the link."""
    summary = record.summary or html_to_text(record.body).replace("\n", " ")
    head = f"【{record.title}】"
    room = SHORT_LIMIT - len(head)
    if len(summary) > room:
        summary = summary[: max(room - 1, 0)] + "…"
    return f"{head}{summary} {public_url(record)}"


def plain_text(record: Record) -> str:
    return f"{record.title}\n\n{html_to_text(record.body)}\n\n{record.organisation.name}"


def prepare_deliveries(record: Record, actor=None) -> list[ChannelDelivery]:
    """Create the channel versions the leaf requires (called at publication). The portal
    counts as delivered at once; the others wait until staff mark them sent."""
    made = []
    for channel in record.catalogue_item.channels.all():
        fmt = format_for(channel.name)
        delivery, created = ChannelDelivery.objects.get_or_create(
            record=record, channel=channel, defaults={"format": fmt}
        )
        delivery.content = {
            "web": public_url(record) if fmt == "web" else "",
            "wechat": wechat_html(record) + "\n<!-- 短文本 -->\n" + short_text(record)
            if fmt == "wechat"
            else "",
            "notice_pdf": "",
            "text": plain_text(record) if fmt == "text" else "",
        }[fmt]
        if fmt == "web" and delivery.delivered_at is None:
            delivery.delivered_at = record.published_at
            delivery.delivered_by = permissions.user_of(actor)
            delivery.note = "发布即上网"
        delivery.save()
        made.append(delivery)
    return made


def mark_delivered(actor, delivery: ChannelDelivery, note: str = "") -> None:
    from .workflow import PUBLISH_ROLES, _require

    _require(actor, delivery.record.organisation, PUBLISH_ROLES, "登记渠道发布")
    delivery.delivered_at = timezone.now()
    delivery.delivered_by = actor
    delivery.note = note[:200]
    delivery.save()
    record_event(
        AuditEventType.OBJECT_CHANGED,
        actor=actor,
        obj=delivery.record,
        message=f"已通过“{delivery.channel.name}”发布" + (f"：{note}" if note else ""),
    )


def missed_deliveries(site) -> QuerySet[ChannelDelivery]:
    """Published records not yet sent out on a channel their leaf requires."""
    return ChannelDelivery.objects.filter(
        record__site=site, record__state=State.PUBLISHED, delivered_at__isnull=True
    ).select_related("record", "channel")


def notice_pdf(record: Record) -> bytes:
    """An A4 notice for village and community notice boards (公示栏)."""
    paragraphs = [p for p in html_to_text(record.body).split("\n") if p.strip()]
    document = render_to_string(
        "records/notice_pdf.html",
        {"record": record, "paragraphs": paragraphs, "url": public_url(record)},
    )
    return html_to_pdf(document, "公示栏 PDF")
