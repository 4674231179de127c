"""Emails: subscriptions to catalogue items (精准推送, double opt-in, signed unsubscribe links)
and reminders to organisations before a publication duty falls due (《条例》第二十六条)."""

from __future__ import annotations

import logging
from datetime import date

from django.core import signing
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gongkai.core.audit import record_event
from gongkai.core.mail import send_once
from gongkai.core.models import AuditEventType, Membership, Role
from gongkai.core.sites import absolute_url
from gongkai.core.workcalendar import document_date

from .models import Record, Subscription

logger = logging.getLogger(__name__)
SALT = "gongkai.records.subscription"
CONFIRM_MAX_AGE = 7 * 86400


def make_token(subscription: Subscription, action: str) -> str:
    return signing.dumps({"id": subscription.pk, "a": action}, salt=SALT, compress=True)


def read_token(token: str, action: str, max_age: int | None = None) -> Subscription | None:
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    if data.get("a") != action:
        return None
    return Subscription.objects.filter(pk=data.get("id")).select_related("site").first()


def subscribe(site, email: str, item) -> Subscription:
    """Create (or re-open) a subscription and send the confirmation link. Nothing is sent to
    the address until it is confirmed, so nobody can subscribe someone else."""
    email = email.strip().lower()
    sub, _ = Subscription.objects.get_or_create(
        email=email, catalogue_item=item, defaults={"site": site}
    )
    if sub.unsubscribed_at is not None:
        sub.unsubscribed_at = None
        sub.confirmed_at = None
        sub.save(update_fields=["unsubscribed_at", "confirmed_at"])
    if sub.confirmed_at is None:
        link = absolute_url(
            site, reverse("records:subscription_confirm", args=[make_token(sub, "c")])
        )
        body = (
            f"您好：\n\n有人用本邮箱订阅了{site.name}“{item.name}”栏目的新信息。"
            f"如确是您本人，请在 7 天内打开下面的链接确认：\n{link}\n\n"
            "如不是您本人操作，请忽略本邮件，您不会收到任何推送。"
        )
        pk = sub.pk
        transaction.on_commit(
            lambda: _send(f"请确认订阅：{item.name}", body, [email], f"subscription {pk}")
        )
    return sub


def confirm(token: str) -> Subscription | None:
    sub = read_token(token, "c", CONFIRM_MAX_AGE)
    if sub is not None and sub.confirmed_at is None:
        sub.confirmed_at = timezone.now()
        sub.save(update_fields=["confirmed_at"])
    return sub


def unsubscribe(token: str) -> Subscription | None:
    sub = read_token(token, "u")
    if sub is not None and sub.unsubscribed_at is None:
        sub.unsubscribed_at = timezone.now()
        sub.save(update_fields=["unsubscribed_at"])
    return sub


def _send(subject: str, body: str, to: list[str], what: str, once: str = "") -> bool:
    """Send, logging a failure. `once` (a key for core.mail.send_once) makes a task's mail
    go out once however often the task reruns; False then also means "sent before"."""
    try:
        if once:
            return send_once(once, EmailMessage(subject, body, None, to))
        send_mail(subject, body, None, to)
        return True
    except Exception:  # noqa: BLE001 - mail trouble must not break publishing
        logger.exception("邮件发送失败：%s", what)
        return False


def enqueue_subscriber_emails(record_pk: int) -> None:
    """For a publication in progress: queue the subscriber emails with it (core.tasks.
    enqueue_with_commit), so a worker killed just after publishing loses none."""
    from gongkai.core.tasks import enqueue_with_commit

    from .tasks import send_subscriber_emails

    if not Subscription.objects.filter(
        catalogue_item__records__pk=record_pk, confirmed_at__isnull=False
    ).exists():
        return
    enqueue_with_commit(
        send_subscriber_emails, record_pk, fallback=lambda: email_subscribers(record_pk)
    )


def email_subscribers(record_pk: int) -> int:
    record = Record.objects.select_related("site", "catalogue_item").get(pk=record_pk)
    url = absolute_url(record.site, record.get_absolute_url())
    published = record.published_at.isoformat() if record.published_at else ""
    sent = 0
    subs = Subscription.objects.filter(
        catalogue_item=record.catalogue_item, confirmed_at__isnull=False, unsubscribed_at=None
    ).order_by("pk")
    for sub in subs:
        unsubscribe_url = absolute_url(
            record.site, reverse("records:unsubscribe", args=[make_token(sub, "u")])
        )
        body = (
            f"{record.site.name}“{record.catalogue_item.name}”栏目发布了新信息：\n\n"
            f"{record.title}\n{url}\n\n"
            f"不想再收到此类邮件？退订：{unsubscribe_url}"
        )
        sent += _send(
            f"新信息：{record.title}",
            body,
            [sub.email],
            f"subscription {sub.pk}",
            # one mail per publication and subscriber, however often the task runs
            once=f"records.subscriber:{record.pk}:{published}:{sub.pk}",
        )
    return sent


def remind(today: date | None = None) -> int:
    """Email each organisation's editors about duties falling due within three working days.
    Each record or slot is reminded at most once a day."""
    from .deadlines import reminders_due

    today = today or timezone.localdate()
    records, slots = reminders_due(today)
    sent = 0
    for item in [*records.select_related("organisation"), *slots.select_related("organisation")]:
        title = item.title if isinstance(item, Record) else f"{item.catalogue_item} {item.label}"
        recipients = sorted(
            set(
                Membership.objects.filter(
                    organisation=item.organisation, role__in=[Role.EDITOR, Role.REVIEWER]
                )
                .exclude(user__email="")
                .values_list("user__email", flat=True)
            )
        )
        if not recipients:
            continue
        body = (
            f"{item.organisation.name}：\n\n“{title}”应于 {document_date(item.due_date)} 前公开"
            f"（{(item.due_explanation or '').splitlines()[0] if item.due_explanation else ''}）。"
            "\n请及时起草、送审并发布。"
        )
        once = f"records.reminder:{item._meta.label_lower}:{item.pk}:{today.isoformat()}"
        if _send(f"公开期限提醒：{title}", body, recipients, f"reminder {item.pk}", once):
            sent += 1
            type(item).objects.filter(pk=item.pk).update(reminded_on=today)
            record_event(
                AuditEventType.OBJECT_CHANGED,
                obj=item,
                site=item.site,
                message=f"发送公开期限提醒给 {len(recipients)} 人",
            )
    return sent
