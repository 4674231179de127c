"""The rules of events (政府开放日, 公众列席, 听证会) as plain functions; the views, the API, the
jobs and the demo call these.

Capacity is the database's: every confirmation takes a place with one conditional UPDATE of
`Event.confirmed_count` (only while it is below capacity minus the reserved places), inside a
lock on the event row (select_for_update; SQLite takes the write lock at BEGIN IMMEDIATE), and
a check constraint refuses any overfull row whatever the code. Registrations are one per
person and event by a unique constraint. Cancelling a confirmed place moves the first person
of the waiting list up in the same transaction; people hear of it after the commit."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from gongkai.core import permissions
from gongkai.core.audit import record_event
from gongkai.core.mail import send_once
from gongkai.core.models import AuditEventType, Organisation
from gongkai.core.sites import absolute_url, touch_site
from gongkai.core.uploads import SuspiciousFile, accept_by_content
from gongkai.foi.rules import TRACKING_ALPHABET, normalise_code

from . import event_draw
from .accounts import require_person
from .models import (
    Event,
    EventState,
    PublicAccount,
    Registration,
    RegistrationState,
    Selection,
)
from .rules import RuleError, plain_text

logger = logging.getLogger(__name__)

#: Staff who organise an organisation's events: its editors and reviewers, the office admin.
ORGANISER_ROLES = permissions.WRITE_ROLES
MAX_STATEMENT = 300
MAX_REASON = 300
MAX_MINUTES = 20000
MAX_MINUTES_PDF = 20 * 1024 * 1024
CODE_LENGTH = 8
#: staff are warned when the public places are this full, and again when none are left
#: (anchors.md, Decidim meetings: admins warned at 50% full)
WARN_SHARE = 0.5
#: states that hold (or wait for) a place
ACTIVE = (RegistrationState.PENDING, RegistrationState.CONFIRMED, RegistrationState.WAITING)


# --------------------------------------------------------------------------- events


EDITABLE = (
    "kind",
    "title",
    "description",
    "place",
    "starts_at",
    "ends_at",
    "opens_at",
    "closes_at",
    "capacity",
    "reserved",
    "selection",
)


def _clean(fields: dict) -> dict:
    data = dict(fields)
    data["title"] = plain_text(data.get("title", ""), limit=200, multiline=False)
    data["place"] = plain_text(data.get("place", ""), limit=200, multiline=False)
    data["description"] = plain_text(data.get("description", ""), limit=5000)
    if not data["title"] or not data["place"]:
        raise RuleError("请填写活动名称和地点。")
    if data["ends_at"] < data["starts_at"]:
        raise RuleError("结束时间不能早于开始时间。")
    if data["closes_at"] <= data["opens_at"]:
        raise RuleError("报名截止时间应晚于报名开始时间。")
    if data["closes_at"] > data["starts_at"]:
        raise RuleError("报名应在活动开始前截止。")
    if data["capacity"] < 1:
        raise RuleError("总名额至少为 1。")
    if data["reserved"] > data["capacity"]:
        raise RuleError("预留名额不能多于总名额。")
    return data


def create_event(actor, *, organisation: Organisation, **fields) -> Event:
    """A new event (a draft until published). Its draw seed is drawn now and only its hash is
    shown until the draw, so the seed is fixed before anyone applies."""
    permissions.require(actor, "发布该机构的活动", organisation, ORGANISER_ROLES)
    data = _clean({k: fields[k] for k in EDITABLE if k in fields})
    seed = event_draw.new_seed()
    with transaction.atomic():
        event = Event.objects.create(
            site=organisation.site,
            organisation=organisation,
            draw_seed=seed,
            draw_seed_hash=event_draw.seed_hash(seed),
            created_by=permissions.user_of(actor),
            **data,
        )
        record_event(
            AuditEventType.OBJECT_CREATED,
            actor=actor,
            obj=event,
            after={"kind": event.kind, "capacity": event.capacity, "reserved": event.reserved},
            message="新建公众参与活动",
        )
    return event


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update().select_related("site", "organisation").get(pk=event.pk)


def update_event(actor, event: Event, **fields) -> Event:
    """Change an event. The places may not shrink below those already confirmed, and once
    people have applied the way of selection and the draw's deadline stay as announced."""
    permissions.require(actor, "修改该活动", event, ORGANISER_ROLES)
    with transaction.atomic():
        current = _locked(event)
        data = _clean({k: fields.get(k, getattr(current, k)) for k in EDITABLE})
        if current.application_count:
            if data["selection"] != current.selection:
                raise RuleError("已有人报名，不能再更改确定方式。")
        if current.drawn_at and data["closes_at"] != current.closes_at:
            raise RuleError("已抽签，报名截止时间不能再更改。")
        if data["capacity"] - data["reserved"] < current.confirmed_count:
            raise RuleError(
                f"已确认 {current.confirmed_count} 人，公众名额（总名额减预留名额）不能少于此数。"
            )
        before = {k: str(getattr(current, k)) for k in ("capacity", "reserved", "selection")}
        for k, v in data.items():
            setattr(current, k, v)
        current.save()
        record_event(
            AuditEventType.OBJECT_CHANGED,
            actor=actor,
            obj=current,
            before=before,
            after={k: str(getattr(current, k)) for k in ("capacity", "reserved", "selection")},
            message="修改公众参与活动",
        )
        touch_site(current.site)
        if current.selection == Selection.FIRST_COME or current.drawn_at:
            _fill_from_waiting(current)  # more places: the waiting list moves up
    return current


def publish_event(actor, event: Event) -> Event:
    permissions.require(actor, "发布该活动", event, ORGANISER_ROLES)
    with transaction.atomic():
        current = _locked(event)
        if current.state != EventState.DRAFT:
            raise RuleError("该活动已发布或已取消。")
        current.state = EventState.PUBLISHED
        current.save(update_fields=["state", "updated_at"])
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=current,
            before={"state": EventState.DRAFT},
            after={"state": current.state},
            message="发布公众参与活动",
        )
        touch_site(current.site)
    return current


def public_events(site):
    return Event.objects.filter(site=site, state=EventState.PUBLISHED).select_related(
        "organisation"
    )


def window_open(event: Event, now=None) -> bool:
    now = now or timezone.now()
    return event.state == EventState.PUBLISHED and event.opens_at <= now < event.closes_at


def show_seed(event: Event) -> bool:
    """The seed is published once the draw has been made, never before."""
    return event.drawn_at is not None


# --------------------------------------------------------------------------- places


def _take_place(event_pk: int) -> bool:
    """One public place, if any is left: a conditional UPDATE that cannot overfill."""
    return bool(
        Event.objects.filter(pk=event_pk, confirmed_count__lt=F("capacity") - F("reserved")).update(
            confirmed_count=F("confirmed_count") + 1
        )
    )


def _release_place(event_pk: int) -> None:
    Event.objects.filter(pk=event_pk, confirmed_count__gt=0).update(
        confirmed_count=F("confirmed_count") - 1
    )


def _fill_from_waiting(event: Event) -> list[Registration]:
    """Confirm people from the head of the waiting list while places are free (inside the
    caller's transaction and lock on the event)."""
    moved = []
    for registration in event.registrations.filter(state=RegistrationState.WAITING).order_by(
        "rank", "id"
    ):
        if not _take_place(event.pk):
            break
        registration.state = RegistrationState.CONFIRMED
        registration.save(update_fields=["state", "updated_at"])
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=permissions.SYSTEM,
            obj=registration,
            site=event.site,
            before={"state": RegistrationState.WAITING},
            after={"state": RegistrationState.CONFIRMED},
            message="候补递补为已确认",
        )
        _tell(registration, "候补递补成功", "有人取消报名，您已由候补递补为正式参加人员。")
        moved.append(registration)
    _warn_staff(event)
    return moved


def _new_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(CODE_LENGTH))


def _new_public_id() -> str:
    return secrets.token_hex(4).upper()


# --------------------------------------------------------------------------- applying


def apply(event: Event, actor, statement: str = "") -> Registration:
    """A verified person applies. First come first served: confirmed while public places are
    left, else on the waiting list in order of application; approval and draw: pending until
    staff decide or the draw is made."""
    account = require_person(actor, "报名参加活动")
    statement = plain_text(statement, limit=MAX_STATEMENT)
    try:
        with transaction.atomic():
            current = _locked(event)
            if not window_open(current):
                raise RuleError("现在不在报名时间内。")
            existing = Registration.objects.filter(event=current, account=account).first()
            if existing is not None and existing.state != RegistrationState.CANCELLED:
                raise RuleError("您已报名该活动，每人只能报名一次。")
            Event.objects.filter(pk=current.pk).update(application_count=F("application_count") + 1)
            rank = current.application_count + 1
            state = RegistrationState.PENDING
            if current.selection == Selection.FIRST_COME:
                state = (
                    RegistrationState.CONFIRMED
                    if _take_place(current.pk)
                    else RegistrationState.WAITING
                )
            registration = existing or Registration(event=current, account=account)
            registration.statement = statement
            registration.state = state
            registration.rank = rank
            registration.reject_reason = ""
            if existing is None:
                registration.public_id = _new_public_id()
                registration.code = _new_code()
            registration.save()
            record_event(
                AuditEventType.OBJECT_CREATED,
                actor=actor,
                obj=registration,
                site=current.site,
                after={"event": current.pk, "state": state},
                message="活动报名",
            )
            touch_site(current.site)  # the places left shown on public pages
            if state == RegistrationState.CONFIRMED:
                current.refresh_from_db(fields=["confirmed_count"])
                _warn_staff(current)
    except IntegrityError:
        # the unique constraint: the same person in two tabs at the same instant
        raise RuleError("您已报名该活动，每人只能报名一次。") from None
    return registration


def cancel(registration: Registration, actor) -> Registration:
    """The person withdraws (before the event starts). A confirmed place goes to the first
    person waiting, in the same transaction."""
    account = require_person(actor, "取消报名")
    with transaction.atomic():
        event = _locked(registration.event)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.account_id != account.pk:
            raise permissions.PermissionDenied("只能取消本人的报名。")
        if current.state not in ACTIVE:
            raise RuleError("该报名已取消或未通过，无需再取消。")
        if timezone.now() >= event.starts_at:
            raise RuleError("活动已开始，不能再取消报名。")
        before = current.state
        current.state = RegistrationState.CANCELLED
        current.save(update_fields=["state", "updated_at"])
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=current,
            site=event.site,
            before={"state": before},
            after={"state": current.state},
            message="取消活动报名",
        )
        touch_site(event.site)
        if before == RegistrationState.CONFIRMED:
            _release_place(event.pk)
            _fill_from_waiting(event)
    return current


# --------------------------------------------------------------------------- staff decisions


def approve(registration: Registration, actor) -> Registration:
    """Staff approval (selection by approval): confirmed if a public place is left."""
    permissions.require(actor, "审核该活动报名", registration.event, ORGANISER_ROLES)
    with transaction.atomic():
        event = _locked(registration.event)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if event.selection != Selection.APPROVAL:
            raise RuleError("该活动不是审核制，报名按规则自动确定。")
        if current.state != RegistrationState.PENDING:
            raise RuleError("只有待审核的报名可以通过。")
        if not _take_place(event.pk):
            raise RuleError("公众名额已满，不能再通过。")
        current.state = RegistrationState.CONFIRMED
        current.save(update_fields=["state", "updated_at"])
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=current,
            site=event.site,
            before={"state": RegistrationState.PENDING},
            after={"state": current.state},
            message="活动报名审核通过",
        )
        touch_site(event.site)
        _tell(current, "报名已通过", f"您报名的“{event.title}”已审核通过。")
        event.refresh_from_db(fields=["confirmed_count"])
        _warn_staff(event)
    return current


def reject(registration: Registration, actor, reason: str) -> Registration:
    """Staff refusal, always with a reason the person is told (approval or waiting)."""
    permissions.require(actor, "审核该活动报名", registration.event, ORGANISER_ROLES)
    reason = plain_text(reason, limit=MAX_REASON, multiline=False)
    if not reason:
        raise RuleError("请填写不通过的理由。")
    with transaction.atomic():
        event = _locked(registration.event)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if event.selection != Selection.APPROVAL:
            raise RuleError("该活动不是审核制，报名按规则自动确定。")
        if current.state != RegistrationState.PENDING:
            raise RuleError("只有待审核的报名可以不通过。")
        current.state = RegistrationState.REJECTED
        current.reject_reason = reason
        current.save(update_fields=["state", "reject_reason", "updated_at"])
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=current,
            site=event.site,
            before={"state": RegistrationState.PENDING},
            after={"state": current.state},
            message="活动报名审核未通过",
        )
        _tell(current, "报名未通过", f"您报名的“{event.title}”未通过审核，理由：{reason}")
    return current


def run_draw(event: Event, actor, now=None) -> list[str]:
    """The draw, once, after applications close: the pending applicants' public ids are
    ordered by the published rule (event_draw.draw_order); the first as many as there are
    public places are confirmed, the others wait in that order. The seed becomes public."""
    permissions.require(actor, "为该活动抽签", event, ORGANISER_ROLES)
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked(event)
        if current.selection != Selection.DRAW:
            raise RuleError("该活动不采用抽签方式。")
        if current.drawn_at is not None:
            raise RuleError("该活动已抽签，不能重抽。")
        if now < current.closes_at:
            raise RuleError("报名截止后才能抽签。")
        pending = {
            r.public_id: r for r in current.registrations.filter(state=RegistrationState.PENDING)
        }
        order = event_draw.draw_order(current.draw_seed, list(pending))
        for n, public_id in enumerate(order, 1):
            registration = pending[public_id]
            registration.rank = n
            registration.state = (
                RegistrationState.CONFIRMED
                if _take_place(current.pk)
                else RegistrationState.WAITING
            )
            registration.save(update_fields=["rank", "state", "updated_at"])
            if registration.state == RegistrationState.CONFIRMED:
                _tell(registration, "抽签入选", f"您在“{current.title}”的公开抽签中入选。")
            else:
                _tell(
                    registration,
                    "抽签结果：候补",
                    f"您在“{current.title}”的抽签中为候补第 {n - current.public_places} 位，"
                    "有人取消时将自动递补。",
                )
        current.drawn_at = now
        current.draw_entrants = sorted(order)
        current.save(update_fields=["drawn_at", "draw_entrants", "updated_at"])
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=current,
            after={"drawn": len(order), "seed_hash": current.draw_seed_hash},
            message="活动报名公开抽签",
        )
        touch_site(current.site)
        current.refresh_from_db(fields=["confirmed_count"])
        _warn_staff(current)
    return order


def run_due_draws(now=None) -> int:
    """The daily-and-hourly job: every draw event whose applications have closed is drawn,
    so the moment of the draw is the announced deadline, not anyone's choice."""
    now = now or timezone.now()
    done = 0
    for event in Event.objects.filter(
        state=EventState.PUBLISHED,
        selection=Selection.DRAW,
        drawn_at__isnull=True,
        closes_at__lte=now,
    ):
        try:
            run_draw(event, permissions.SYSTEM, now=now)
            done += 1
        except RuleError:
            continue
    return done


# --------------------------------------------------------------------------- check-in


def check_in(event: Event, code: str, actor) -> Registration:
    """At the door: the code must belong to this event, hold a confirmed place and not have
    been used; the check-in is one conditional UPDATE, so a code works once."""
    permissions.require(actor, "为该活动签到", event, ORGANISER_ROLES)
    code = normalise_code(code)
    if not code:
        raise RuleError("请输入签到码。")
    registration = Registration.objects.filter(code=code).select_related("event").first()
    if registration is None:
        raise RuleError("签到码无效：没有这个签到码，请核对后重新输入。")
    if registration.event_id != event.pk:
        raise RuleError(f"该签到码属于另一场活动（{registration.event.title}），不能在此签到。")
    if registration.state == RegistrationState.WAITING:
        raise RuleError("该签到码在候补名单中，尚未获得名额，不能签到入场。")
    if registration.state != RegistrationState.CONFIRMED:
        raise RuleError(f"该报名状态为“{registration.get_state_display()}”，不能签到入场。")
    if registration.checked_in_at is not None:
        raise RuleError(
            f"该签到码已于 {timezone.localtime(registration.checked_in_at):%H:%M} 签到，不能重复使用。"
        )
    with transaction.atomic():
        now = timezone.now()
        done = Registration.objects.filter(
            pk=registration.pk, checked_in_at__isnull=True, state=RegistrationState.CONFIRMED
        ).update(checked_in_at=now)
        if not done:
            raise RuleError("该签到码刚刚已签到，不能重复使用。")
        registration.checked_in_at = now
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=registration,
            site=event.site,
            after={"checked_in": True},
            message="活动签到",
        )
    return registration


# --------------------------------------------------------------------------- afterwards


@dataclass(frozen=True)
class Figures:
    """Attendance figures, counted from the registrations (never typed in)."""

    applied: int
    confirmed: int
    waiting: int
    cancelled: int
    rejected: int
    checked_in: int


def figures(event: Event) -> Figures:
    c = event.registrations.aggregate(
        applied=Count("id"),
        confirmed=Count("id", filter=Q(state=RegistrationState.CONFIRMED)),
        waiting=Count("id", filter=Q(state=RegistrationState.WAITING)),
        cancelled=Count("id", filter=Q(state=RegistrationState.CANCELLED)),
        rejected=Count("id", filter=Q(state=RegistrationState.REJECTED)),
        checked_in=Count("id", filter=Q(checked_in_at__isnull=False)),
    )
    return Figures(**c)


def publish_minutes(event: Event, actor, *, text: str, pdf: tuple[str, bytes] | None = None):
    """纪要 after the event: text, and a PDF judged by its content. Publishing shows the
    minutes and the attendance figures on the public page."""
    permissions.require(actor, "发布该活动的纪要", event, ORGANISER_ROLES)
    text = plain_text(text, limit=MAX_MINUTES)
    if not text:
        raise RuleError("请填写纪要内容。")
    if pdf is not None:
        try:
            accept_by_content(
                pdf[0], pdf[1], kinds=("pdf",), purpose="会议纪要", max_bytes=MAX_MINUTES_PDF
            )
        except SuspiciousFile as exc:
            raise RuleError(str(exc)) from None
    with transaction.atomic():
        current = _locked(event)
        if current.state != EventState.PUBLISHED:
            raise RuleError("只有已发布的活动可以发布纪要。")
        if timezone.now() < current.ends_at:
            raise RuleError("活动结束后才能发布纪要和参加情况。")
        current.minutes = text
        if pdf is not None:
            current.minutes_pdf.save(
                f"event-{current.pk}-minutes.pdf", ContentFile(pdf[1]), save=False
            )
        first = current.minutes_published_at is None
        current.minutes_published_at = current.minutes_published_at or timezone.now()
        current.save()
        record_event(
            AuditEventType.STATE_CHANGED if first else AuditEventType.OBJECT_CHANGED,
            actor=actor,
            obj=current,
            after={"minutes": True, "pdf": bool(current.minutes_pdf)},
            message="发布活动纪要和参加情况",
        )
        touch_site(current.site)
    return current


# --------------------------------------------------------------------------- telling people


def _tell(registration: Registration, subject: str, text: str, once: str = "") -> None:
    """E-mail and/or SMS to the person, after the commit; a lost message never undoes a step.
    `once` (a key for core.mail.send_once) keeps a job's e-mail from going out twice."""
    account_id = registration.account_id
    event = registration.event
    site_name = event.site.name
    link = absolute_url(event.site, reverse("events:mine", args=[event.pk]))

    def send():
        try:
            account = PublicAccount.objects.get(pk=account_id)
            body = f"{text}\n\n活动：{event.title}\n时间：{timezone.localtime(event.starts_at):%Y-%m-%d %H:%M}\n地点：{event.place}\n查看：{link}"
            if account.email:
                message = EmailMessage(f"【{site_name}】{subject}", body, None, [account.email])
                if once:
                    send_once(once, message)
                else:
                    message.send()
            if account.phone:
                _send_sms(account.phone, f"【{site_name}】{subject}：{event.title}。{link}")
        except Exception:  # noqa: BLE001 - logged, the step stands
            logger.exception("活动通知发送失败：报名 %s", registration.pk)

    transaction.on_commit(send)


def _send_sms(phone: str, text: str) -> None:
    """The platform's SMS sender: core.sms when present, else the one of 依申请公开."""
    try:
        from gongkai.core.sms import send_sms  # type: ignore[import-not-found]
    except ImportError:
        from gongkai.foi.notify import send_sms
    send_sms(phone, text)


def fill_level(event: Event) -> str:
    """ "full", "half" or "" — what the staff pages warn about."""
    if event.public_places and event.confirmed_count >= event.public_places:
        return "full"
    if event.public_places and event.confirmed_count >= event.public_places * WARN_SHARE:
        return "half"
    return ""


def _warn_staff(event: Event) -> None:
    """Tell the organisers once when half the public places are taken and once when none are
    left (the staff pages show the same warnings all the time)."""
    level = fill_level(event)
    field = {"half": "warned_half", "full": "warned_full"}.get(level)
    if field is None:
        return
    if not Event.objects.filter(pk=event.pk, **{field: False}).update(**{field: True}):
        return
    from gongkai.core.models import Membership

    emails = list(
        Membership.objects.filter(
            organisation=event.organisation, role__in=[str(r) for r in ORGANISER_ROLES]
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )
    what = "公众名额已满" if level == "full" else "公众名额已过半"
    text = f"“{event.title}”{what}：已确认 {event.confirmed_count} / {event.public_places} 人。"
    if emails:
        transaction.on_commit(lambda: _mail_quietly(f"【活动报名】{what}", text, emails))


def _mail_quietly(subject, text, to):
    try:
        send_mail(subject, text, None, to)
    except Exception:  # noqa: BLE001
        logger.exception("活动名额提醒发送失败")


def send_reminders(today: date | None = None) -> int:
    """The daily job: the day before an event, every confirmed person is reminded (once: the
    reminder is claimed by a conditional UPDATE of `reminded_at`)."""
    tomorrow = (today or timezone.localdate()) + timedelta(days=1)
    sent = 0
    due = Registration.objects.filter(
        state=RegistrationState.CONFIRMED,
        reminded_at__isnull=True,
        event__state=EventState.PUBLISHED,
        event__starts_at__date=tomorrow,
    ).select_related("event", "event__site")
    for registration in due:
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=registration.pk, reminded_at__isnull=True
            ).update(reminded_at=timezone.now())
            if claimed:
                _tell(
                    registration,
                    "活动提醒",
                    f"您报名的活动明天举行，请携带签到码 {registration.code_display} 准时参加。",
                    once=f"events.reminder:{registration.pk}",
                )
                sent += 1
    return sent
