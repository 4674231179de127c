"""core.mail.send_once and the task helpers it relies on (issue 16: a rerun sends no mail twice).
The real kill test is tests/records/test_fault_worker.py (PostgreSQL pass)."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from gongkai.core import jobs
from gongkai.core.mail import digest, send_once
from gongkai.core.models import SentMail
from gongkai.core.tasks import enqueue_with_commit, ping, requeue_abandoned


def message(to="Reader@Example.com"):
    return EmailMessage("新信息", "正文", None, [to])


def test_sends_once_per_key_and_recipients(db, mailoutbox):
    assert send_once("records.subscriber:1:2", message()) is True
    assert send_once("records.subscriber:1:2", message("reader@example.com ")) is False
    assert len(mail.outbox) == 1
    assert send_once("records.subscriber:1:2", message("other@example.com")) is True
    assert send_once("records.subscriber:1:3", message()) is True
    assert len(mail.outbox) == 3
    claim = SentMail.objects.get(key=digest("records.subscriber:1:2", ["reader@example.com"]))
    assert (
        claim.state == SentMail.State.SENT
        and claim.sent_at
        and claim.purpose == "records.subscriber"
    )
    # no address stored in clear
    for row in SentMail.objects.values():
        assert "example.com" not in str(row)


def test_a_failed_send_frees_the_key(db, mailoutbox, monkeypatch):
    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        send_once("foi.remind:1:2026-12-02", message())
    assert not SentMail.objects.exists()
    monkeypatch.undo()
    assert send_once("foi.remind:1:2026-12-02", message()) is True
    assert len(mail.outbox) == 1


def test_a_claim_left_sending_is_not_sent_again(db, mailoutbox):
    """At most once: a process that died between claim and mark may have sent it."""
    key = "events.reminder:7"
    SentMail.objects.create(
        key=digest(key, ["reader@example.com"]), purpose="events", state=SentMail.State.SENDING
    )
    assert send_once(key, message()) is False
    assert mail.outbox == []
    assert SentMail.objects.get().state == SentMail.State.SENDING


def test_abandoned_database_tasks_are_requeued_after_the_lease(db, settings):
    settings.TASK_LEASE = timedelta(minutes=15)
    old, fresh = ping.enqueue(), ping.enqueue()
    DBTaskResult.objects.filter(pk=old.id).update(
        status="RUNNING", started_at=timezone.now() - timedelta(minutes=16)
    )
    DBTaskResult.objects.filter(pk=fresh.id).update(status="RUNNING", started_at=timezone.now())
    assert "core.requeue_tasks" in jobs.JOBS
    assert requeue_abandoned() == 1
    assert DBTaskResult.objects.get(pk=old.id).status == "READY"
    assert DBTaskResult.objects.get(pk=fresh.id).status == "RUNNING"


def test_enqueue_with_commit_is_part_of_the_transaction(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_with_commit(ping)
        assert DBTaskResult.objects.count() == 1
        raise RuntimeError("rolled back")
    assert DBTaskResult.objects.count() == 0
    with transaction.atomic():
        enqueue_with_commit(ping)
    assert DBTaskResult.objects.count() == 1
