"""The rules of messages, ratings and error reports as plain functions; views, the admin and
the demo call these. Every change checks its actor through core.permissions and writes an
audit event that names the object and the step, never what the person wrote or who they are."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.html import strip_tags

from gongkai.core import permissions
from gongkai.core.audit import record_event
from gongkai.core.masking import mask_personal_text
from gongkai.core.models import AuditEventType, Organisation, Site
from gongkai.core.sites import openness_office
from gongkai.core.workcalendar import DueDate, add_working_days, count_working_days
from gongkai.foi.rules import mask_name, new_tracking_code, normalise_code, same_phone

from .models import (
    ErrorReport,
    FeedbackState,
    Message,
    MessageState,
    MessageTransfer,
    ParticipationSettings,
    Rating,
)

#: Staff who answer for an organisation: its editors and reviewers, and the office admin.
HANDLER_ROLES = permissions.WRITE_ROLES
#: website-indicators.md, 互动交流: valid messages unanswered for more than 3 months are a veto.
VETO_MONTHS = 3
#: Size limits of what the public may send (characters).
MAX_SUBJECT = 100
MAX_QUESTION = 2000
MAX_COMMENT = 500
MAX_DESCRIPTION = 1000
#: A rating needs someone to look at it when it says something or scores this low.
LOW_SCORE = 2


class RuleError(ValueError):
    """Input that breaks a rule; the message is Chinese and shown as is."""


# --------------------------------------------------------------------------- text


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def plain_text(value: str, *, limit: int, multiline: bool = True) -> str:
    """What the public typed, as plain text: tags removed (nothing they send is ever HTML),
    control and direction-override characters dropped, line ends unified, trimmed. Longer
    than `limit` characters is refused rather than cut, so nobody's words are lost silently."""
    text = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    text = strip_tags(text)
    text = _CONTROL.sub("", text)
    if not multiline:
        text = " ".join(text.split())
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if len(text) > limit:
        raise RuleError(f"内容过长（{len(text)} 字），请不超过 {limit} 字。")
    return text


def public_text(value: str) -> str:
    """Text the public wrote, as a public page shows it: personal numbers masked."""
    return mask_personal_text(value)


def public_name(name: str) -> str:
    return mask_name(name)


# --------------------------------------------------------------------------- deadlines


def reply_period(site: Site) -> int:
    return ParticipationSettings.for_site(site).reply_days


def due_date(site: Site, received_on: date) -> DueDate:
    """The reply deadline: the site's reply period in working days after the day of receipt
    (the day itself not counted, as regulations.md "Counting working days" has it)."""
    return add_working_days(received_on, reply_period(site))


@dataclass(frozen=True)
class Urgency:
    """How a pending message stands: `level` is "ok", "amber" (the deadline is near) or "red"
    (past it); `days_left` counts working days after today up to the deadline."""

    level: str
    label: str
    days_left: int


def amber_days(site: Site) -> int:
    return ParticipationSettings.for_site(site).amber_days


def amber_until(site: Site, today: date) -> date:
    """Pending messages due on or before this date (and not yet late) are amber."""
    return add_working_days(today, amber_days(site)).date


def urgency(
    message: Message, today: date | None = None, amber_days: int | None = None
) -> Urgency | None:
    """None for an answered or closed message; amber when `amber_days` working days or fewer
    are left (the site's setting unless given), red once the deadline has passed."""
    if message.state != MessageState.PENDING:
        return None
    today = today or timezone.localdate()
    if today > message.due_on:
        late = count_working_days(message.due_on, today)
        return Urgency("red", f"已超期 {late} 个工作日", -late)
    left = count_working_days(today, message.due_on)
    if amber_days is None:
        amber_days = ParticipationSettings.for_site(message.site).amber_days
    if left <= amber_days:
        return Urgency("amber", f"剩余 {left} 个工作日" if left else "今日到期", left)
    return Urgency("ok", f"剩余 {left} 个工作日", left)


def months_later(day: date, months: int) -> date:
    """The same day `months` calendar months later (earlier if negative); the month's last
    day when it is shorter (31 May − 3 months = 28 or 29 February)."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def months_ago(today: date, months: int) -> date:
    return months_later(today, -months)


def veto_day(received_on: date) -> date:
    """The first day a message still unanswered counts as over 3 months (a veto item)."""
    return months_later(received_on, VETO_MONTHS) + timedelta(days=1)


# --------------------------------------------------------------------------- messages


def message_organisations(site: Site):
    """Organisations a message may be addressed to: the site's active ones."""
    return Organisation.objects.filter(site=site, is_active=True).order_by("path")


def _unique_code() -> str:
    while True:
        code = new_tracking_code()
        if not Message.objects.filter(tracking_code=code).exists():
            return code


def submit_message(
    site: Site,
    *,
    organisation: Organisation,
    subject: str,
    question: str,
    name: str,
    phone: str = "",
    email: str = "",
    publish: bool = True,
    received_on: date | None = None,
    actor=permissions.PUBLIC,
) -> Message:
    """A question from the public; its deadline is fixed now from the site's reply period."""
    permissions.require(actor, "提交留言", organisation, public=True)
    if organisation.site_id != site.pk or not organisation.is_active:
        raise RuleError("请选择本站的机构。")
    subject = plain_text(subject, limit=MAX_SUBJECT, multiline=False)
    question = plain_text(question, limit=MAX_QUESTION)
    name = plain_text(name, limit=50, multiline=False)
    if not subject or not question or not name:
        raise RuleError("请填写标题、留言内容和姓名。")
    if not phone.strip() and not email.strip():
        raise RuleError("请至少填写联系电话或电子邮箱中的一项，以便查询和联系。")
    received_on = received_on or timezone.localdate()
    with transaction.atomic():
        message = Message.objects.create(
            site=site,
            organisation=organisation,
            tracking_code=_unique_code(),
            subject=subject,
            question=question,
            name=name,
            phone=plain_text(phone, limit=30, multiline=False),
            email=email.strip(),
            publish=publish,
            received_on=received_on,
            due_on=due_date(site, received_on).date,
        )
        record_event(
            AuditEventType.OBJECT_CREATED,
            actor=actor,
            obj=message,
            after={"organisation": organisation.pk, "due_on": message.due_on.isoformat()},
            message="收到咨询留言",
        )
    return message


def _locked(message: Message) -> Message:
    return (
        Message.objects.select_for_update()
        .select_related("organisation", "site")
        .get(pk=message.pk)
    )


def reply(message: Message, text: str, *, actor, published: bool = True) -> Message:
    """The organisation's answer. It is published with the question when the asker agreed and
    staff do not withhold it."""
    permissions.require(actor, "答复该留言", message, HANDLER_ROLES)
    text = plain_text(text, limit=5000)
    if not text:
        raise RuleError("请填写答复内容。")
    with transaction.atomic():
        current = _locked(message)
        permissions.require(actor, "答复该留言", current, HANDLER_ROLES)
        if current.state != MessageState.PENDING:
            raise RuleError("该留言已答复或已关闭。")
        current.reply = text
        current.state = MessageState.ANSWERED
        current.replied_at = timezone.now()
        current.replied_by = permissions.user_of(actor)
        current.published = bool(published and current.publish)
        current.save()
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=current,
            before={"state": MessageState.PENDING},
            after={"state": current.state, "published": current.published},
            message="答复咨询留言",
        )
    return current


def transfer(message: Message, to: Organisation, reason: str, *, actor) -> Message:
    """转办 to the organisation that should answer; the deadline stays what it was."""
    permissions.require(actor, "转办该留言", message, HANDLER_ROLES)
    reason = plain_text(reason, limit=300, multiline=False)
    if not reason:
        raise RuleError("请填写转办理由。")
    with transaction.atomic():
        current = _locked(message)
        permissions.require(actor, "转办该留言", current, HANDLER_ROLES)
        if current.state != MessageState.PENDING:
            raise RuleError("只有待答复的留言可以转办。")
        if to.site_id != current.site_id or not to.is_active:
            raise RuleError("只能转办给本站的机构。")
        if to.pk == current.organisation_id:
            raise RuleError("该留言已由此机构答复，无需转办。")
        old = current.organisation
        MessageTransfer.objects.create(
            message=current,
            from_organisation=old,
            to_organisation=to,
            reason=reason,
            transferred_by=permissions.user_of(actor),
        )
        current.organisation = to
        current.save(update_fields=["organisation", "updated_at"])
        record_event(
            AuditEventType.OBJECT_CHANGED,
            actor=actor,
            obj=current,
            before={"organisation": old.pk},
            after={"organisation": to.pk},
            message="转办咨询留言",
        )
    return current


def close(message: Message, note: str, *, actor) -> Message:
    """Close without an answer (advertising, abuse, a duplicate): only with a note, which says
    why; a closed message no longer counts as unanswered, so the office admin reviews these."""
    permissions.require(actor, "关闭该留言", message, HANDLER_ROLES)
    note = plain_text(note, limit=500, multiline=False)
    if not note:
        raise RuleError("请填写关闭说明（例如：重复留言、与政务无关的广告）。")
    with transaction.atomic():
        current = _locked(message)
        permissions.require(actor, "关闭该留言", current, HANDLER_ROLES)
        if current.state != MessageState.PENDING:
            raise RuleError("该留言已答复或已关闭。")
        current.state = MessageState.CLOSED
        current.close_note = note
        current.save(update_fields=["state", "close_note", "updated_at"])
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=current,
            before={"state": MessageState.PENDING},
            after={"state": current.state},
            message="关闭咨询留言（不予答复）",
        )
    return current


def find_tracked(site: Site, code: str, contact: str) -> Message | None:
    """The message with this code whose phone or e-mail is `contact`; no hint what was wrong."""
    code = normalise_code(code)
    found = Message.objects.filter(site=site, tracking_code=code).first() if code else None
    if found is None:
        return None
    contact = (contact or "").strip()
    if found.phone and same_phone(contact, found.phone):
        return found
    if found.email and contact and contact.lower() == found.email.lower():
        return found
    return None


# --------------------------------------------------------------------------- pages


@dataclass(frozen=True)
class PageTarget:
    """The public page a rating or report is about, and who answers for it."""

    path: str
    title: str
    organisation: Organisation | None


def page_target(site: Site, path: str) -> PageTarget:
    """Resolve a page address of this site to the organisation responsible for it: a record's
    page → the record's organisation; a service guide (/services/items/…) → the item's
    organisation, an organisation's service page → that organisation; a published reply → the
    organisation that replied; any other public page → the site's office. Only paths of
    this platform are accepted (no other host, no staff pages), so nobody can file reports
    about arbitrary addresses."""
    path = (path or "").strip()
    if path.startswith(("http://", "https://")):
        path = urlsplit(path).path or "/"
    if not path.startswith("/") or path.startswith("//") or len(path) > 300:
        raise RuleError("页面地址不正确。")
    path = path.split("#", 1)[0].split("?", 1)[0]
    try:
        match = resolve(path)
    except Resolver404:
        raise RuleError("页面地址不正确。") from None
    if path.startswith(("/staff/", "/admin/", "/api/")):
        raise RuleError("页面地址不正确。")
    if match.view_name == "records:detail":
        from gongkai.records.models import Record
        from gongkai.records.selectors import PUBLIC_STATES

        record = (
            Record.objects.filter(
                site=site,
                index_number=match.kwargs.get("index_number"),
                state__in=PUBLIC_STATES,
            )
            .select_related("organisation")
            .first()
        )
        if record is not None:
            return PageTarget(path, record.title[:300], record.organisation)
    if match.view_name == "guides:item":  # a service guide → the item's organisation
        from gongkai.guides.models import ItemStatus, ServiceItem

        item = (
            ServiceItem.objects.filter(site=site, code=match.kwargs.get("code"))
            .exclude(status=ItemStatus.CANCELLED)
            .select_related("organisation")
            .first()
        )
        if item is not None and item.organisation.is_active:
            return PageTarget(path, f"办事指南：{item.name}"[:300], item.organisation)
    if match.view_name == "guides:organisation":  # an organisation's list of services
        organisation = Organisation.objects.filter(
            site=site, pk=match.kwargs.get("pk"), is_active=True
        ).first()
        if organisation is not None:
            return PageTarget(path, f"{organisation.name}办事服务"[:300], organisation)
    if match.view_name == "participation:message":
        message = (
            Message.objects.filter(
                site=site, pk=match.kwargs.get("pk"), state=MessageState.ANSWERED, published=True
            )
            .select_related("organisation")
            .first()
        )
        if message is not None:  # a rating of a reply goes to the organisation that replied
            return PageTarget(path, f"咨询留言答复 {message.serial}", message.organisation)
    return PageTarget(path, "", openness_office(site))


def _feedback_target(site: Site, path: str) -> PageTarget:
    target = page_target(site, path)
    if target.organisation is None:
        raise RuleError("本站尚未设置负责处理的机构，请通过页面底部的联系方式反映。")
    return target


def submit_rating(site: Site, *, page: str, score: int, comment: str = "") -> Rating:
    """A visitor's 1–5 rating of a page. One that says nothing and scores well needs no
    handling and is recorded closed; the others wait on the organisation's workbench."""
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise RuleError("请选择 1 到 5 分。")
    comment = plain_text(comment, limit=MAX_COMMENT)
    target = _feedback_target(site, page)
    needs_handling = bool(comment) or score <= LOW_SCORE
    with transaction.atomic():
        rating = Rating.objects.create(
            site=site,
            organisation=target.organisation,
            page_path=target.path,
            page_title=target.title,
            score=score,
            comment=comment,
            state=FeedbackState.OPEN if needs_handling else FeedbackState.CLOSED,
        )
        record_event(
            AuditEventType.OBJECT_CREATED,
            actor=permissions.PUBLIC,
            obj=rating,
            after={"score": score, "page_path": target.path},
            message="收到满意度评价",
        )
    return rating


def submit_error_report(
    site: Site, *, page: str, description: str, contact: str = ""
) -> ErrorReport:
    description = plain_text(description, limit=MAX_DESCRIPTION)
    if not description:
        raise RuleError("请描述发现的错误。")
    contact = plain_text(contact, limit=100, multiline=False)
    target = _feedback_target(site, page)
    with transaction.atomic():
        report = ErrorReport.objects.create(
            site=site,
            organisation=target.organisation,
            page_path=target.path,
            page_title=target.title,
            description=description,
            contact=contact,
        )
        record_event(
            AuditEventType.OBJECT_CREATED,
            actor=permissions.PUBLIC,
            obj=report,
            after={"page_path": target.path},
            message="收到网站纠错",
        )
    return report


def handle_feedback(item: Rating | ErrorReport, *, state: str, note: str, actor):
    """Answer or close a rating or an error report; both need a note saying what was done."""
    what = "处理该评价" if isinstance(item, Rating) else "处理该纠错"
    permissions.require(actor, what, item, HANDLER_ROLES)
    if state not in (FeedbackState.ANSWERED, FeedbackState.CLOSED):
        raise RuleError("请选择“已答复”或“关闭”。")
    note = plain_text(note, limit=1000)
    if not note:
        raise RuleError("请填写处理说明。")
    model = type(item)
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=item.pk)
        permissions.require(actor, what, current, HANDLER_ROLES)
        if current.state != FeedbackState.OPEN:
            raise RuleError("该条已处理。")
        current.state = state
        current.note = note
        current.handled_by = permissions.user_of(actor)
        current.handled_at = timezone.now()
        current.save()
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=current,
            before={"state": FeedbackState.OPEN},
            after={"state": state},
            message="处理满意度评价" if model is Rating else "处理网站纠错",
        )
    return current
