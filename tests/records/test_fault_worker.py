"""Issue 16 (faults): a worker killed mid-task, for real. Real `gongkai db_worker` processes on
the test's PostgreSQL database, file-based e-mail in a temp dir, SIGKILL twice at points made
deterministic by row locks the test holds (the worker blocks on a real lock, no test hook):

1. the scheduled-publication task has published record A and waits for record B's row: kill;
2. the rerun publishes B, then A's subscriber-mail task has mailed the first subscriber and
   waits for the second one's mail claim (an uncommitted SentMail row of the test): kill.

After each kill the abandoned task is requeued (`gongkai jobs run core.requeue_tasks`, lease 0)
and a new worker runs it again. In the end: every task finished, exactly one e-mail per
publication and subscriber, each record published once (one 索引号, one publication audit
event), no address in the audit log or in the mail claims.
PostgreSQL pass only (row locks a second process waits on; SQLite locks the whole file). The
same reruns in one process, on either database, are checked first."""

import email
import email.policy
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.utils import timezone

from gongkai.core.mail import digest
from gongkai.core.models import AuditEvent, SentMail
from gongkai.records import workflow
from gongkai.records.models import Record, State, Subscription

from .conftest import approved

postgres_only = pytest.mark.skipif(
    not os.environ.get("GONGKAI_DATABASE_URL", "").startswith("postgres"),
    reason="PostgreSQL pass only (GONGKAI_DATABASE_URL is not postgres)",
)

GONGKAI = Path(sys.executable).parent / "gongkai"
ADDRESSES = ["first.reader@example.com", "second.reader@example.com"]


def _db() -> dict:
    db = settings.DATABASES["default"]
    return {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "password": db["PASSWORD"],
        "dbname": db["NAME"],
    }


def _env(var: Path, **extra) -> dict:
    db = _db()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGKAI_")}
    env.update(
        GONGKAI_DATABASE_URL=(
            f"postgres://{db['user']}:{db['password']}@{db['host']}:{db['port']}/{db['dbname']}"
        ),
        GONGKAI_VAR_DIR=str(var),  # e-mail goes to var/mail (file backend: no EMAIL_HOST)
        GONGKAI_SECRET_KEY=settings.SECRET_KEY,  # the mail claims' keys are keyed with it
        GONGKAI_TASK_BACKEND="database",
        **extra,
    )
    return env


def _worker(var: Path, name: str, *extra: str) -> subprocess.Popen:
    log = open(var / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
    command = [str(GONGKAI), "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"]
    return subprocess.Popen(
        [*command, "--worker-id", name, *extra],
        env=_env(var),
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _wait(what: str, check, seconds: float = 40, process: subprocess.Popen | None = None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the worker exited ({process.returncode}) before {what}")
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _waiting_on_lock(watch: psycopg.Connection) -> bool:
    row = watch.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock'"
    ).fetchone()
    return row[0] > 0


def _kill(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
    assert process.returncode == -signal.SIGKILL


def _requeue(var: Path) -> str:
    done = subprocess.run(
        [str(GONGKAI), "jobs", "run", "core.requeue_tasks"],
        env=_env(var, GONGKAI_TASK_LEASE_SECONDS="0"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _mails(var: Path) -> list[tuple[str, str]]:
    """(subject, recipient) of every message the file backend wrote."""
    found = []
    for path in sorted((var / "mail").glob("*.log")):
        for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if raw.strip():
                message = email.message_from_bytes(raw, policy=email.policy.default)
                found.append((str(message["Subject"]).strip(), str(message["To"])))
    return found


def _tasks():
    from django_tasks_db.models import DBTaskResult

    return {
        t.task_path.rsplit(".", 1)[1] + str(t.args_kwargs["args"]): t
        for t in DBTaskResult.objects.all()
    }


def test_rerun_in_process_publishes_and_mails_nothing_twice(
    db, mailoutbox, editor, reviewer, housing, leaf, yingjiang
):
    from django.core import mail

    from gongkai.core.permissions import SYSTEM
    from gongkai.records import notify

    record = approved(editor, reviewer, housing, leaf)
    workflow.publish(reviewer, record, at=timezone.now() + timedelta(minutes=5))
    Subscription.objects.create(
        site=yingjiang, email=ADDRESSES[0], catalogue_item=leaf, confirmed_at=timezone.now()
    )
    stale = Record.objects.get(pk=record.pk)  # read before the first run committed
    later = timezone.now() + timedelta(minutes=10)
    assert [r.pk for r in workflow.publish_due(later, actor=SYSTEM)] == [record.pk]
    assert workflow.publish_due(later, actor=SYSTEM) == []  # the rerun finds nothing to do
    with pytest.raises(workflow.WorkflowError, match="已由他人或定时任务发布"):
        workflow.publish(reviewer, stale)  # the UPDATE's state guard, told in Chinese
    assert notify.email_subscribers(record.pk) == 1
    assert notify.email_subscribers(record.pk) == 0  # the task's rerun
    assert len(mail.outbox) == 1
    publications = AuditEvent.objects.filter(
        object_id=str(record.pk), message__startswith="发布（索引号"
    )
    assert publications.count() == 1


@postgres_only
def test_killed_worker_reruns_without_duplicate_mail_or_publication(
    transactional_db, tmp_path, editor, reviewer, housing, leaf, yingjiang
):
    from gongkai.records.tasks import publish_due_records

    if not GONGKAI.exists():
        pytest.fail(f"{GONGKAI} is missing")
    var = tmp_path / "var"
    var.mkdir()
    now = timezone.now()
    a = approved(editor, reviewer, housing, leaf, title="甲：第一条定时发布的通知")
    b = approved(editor, reviewer, housing, leaf, title="乙：第二条定时发布的通知")
    for offset, record in [(2, a), (1, b)]:
        workflow.publish(reviewer, record, at=now + timedelta(minutes=5))
        Record.objects.filter(pk=record.pk).update(scheduled_at=now - timedelta(minutes=offset))
    subs = [
        Subscription.objects.create(
            site=yingjiang, email=address, catalogue_item=leaf, confirmed_at=now
        )
        for address in ADDRESSES
    ]

    watch = psycopg.connect(**_db(), autocommit=True)
    hold_b = psycopg.connect(**_db())
    hold_mail = psycopg.connect(**_db())
    workers = []
    try:
        # 1. The publication task publishes A, then waits for B's row: killed there.
        hold_b.execute("SELECT id FROM records_record WHERE id = %s FOR UPDATE", [b.pk])
        publish_due_records.enqueue()
        workers.append(_worker(var, "worker-1"))
        _wait(
            "A published and the worker waiting on B",
            lambda: (
                Record.objects.get(pk=a.pk).state == State.PUBLISHED and _waiting_on_lock(watch)
            ),
            process=workers[-1],
        )
        # Before the next worker runs A's subscriber mail: hold the second subscriber's claim.
        a.refresh_from_db()
        key = f"records.subscriber:{a.pk}:{a.published_at.isoformat()}:{subs[1].pk}"
        hold_mail.execute(
            "INSERT INTO core_sentmail (key, purpose, state, claimed_at) VALUES (%s, %s, %s, now())",
            [digest(key, [ADDRESSES[1]]), "test.hold", "sending"],
        )
        _kill(workers[-1])
        hold_b.rollback()
        assert Record.objects.get(pk=b.pk).state == State.APPROVED
        tasks = _tasks()
        assert tasks["publish_due_records[]"].status == "RUNNING"  # abandoned by the dead worker
        # the mail task of A committed with A's publication (an outbox), so it is not lost
        assert tasks[f"send_subscriber_emails[{a.pk}]"].status == "READY"
        assert _mails(var) == []

        # 2. Rerun: B is published (A is not again); A's mail reaches the first subscriber,
        # then waits on the second one's claim: killed there.
        _requeue(var)
        workers.append(_worker(var, "worker-2"))
        _wait(
            "the first mail of A sent and the worker waiting on the second",
            lambda: len(_mails(var)) == 1 and _waiting_on_lock(watch),
            process=workers[-1],
        )
        assert Record.objects.get(pk=b.pk).state == State.PUBLISHED
        _kill(workers[-1])
        hold_mail.rollback()

        # 3. Rerun again, to the end.
        _requeue(var)
        workers.append(_worker(var, "worker-3", "--batch"))
        assert workers[-1].wait(60) == 0, (var / "worker-3.log").read_text()
    finally:
        for process in workers:
            if process.poll() is None:
                process.kill()
                process.wait(10)
        for connection in (watch, hold_b, hold_mail):
            connection.close()

    tasks = _tasks()
    assert {t.status for t in tasks.values()} == {"SUCCESSFUL"}, tasks
    assert tasks["publish_due_records[]"].worker_ids == ["worker-1", "worker-2"]
    assert tasks[f"send_subscriber_emails[{a.pk}]"].worker_ids == ["worker-2", "worker-3"]
    mails = _mails(var)
    expected = sorted(
        (f"新信息：{record.title}", address) for record in (a, b) for address in ADDRESSES
    )
    assert sorted(mails) == expected  # one per publication and subscriber, none twice
    assert SentMail.objects.filter(state=SentMail.State.SENT).count() == 4
    assert not SentMail.objects.exclude(state=SentMail.State.SENT).exists()

    numbers = set()
    for record in (a, b):
        record.refresh_from_db()
        assert record.state == State.PUBLISHED and record.index_number
        numbers.add(record.index_number)
        publications = AuditEvent.objects.filter(
            object_id=str(record.pk), message__startswith="发布（索引号"
        )
        assert publications.count() == 1, list(publications.values_list("message", flat=True))
    assert len(numbers) == 2

    # no address in the audit log nor in the claims
    for event in AuditEvent.objects.all():
        text = f"{event.message} {event.before} {event.after} {event.object_repr}"
        assert not any(address in text for address in ADDRESSES)
    for claim in SentMail.objects.all():
        assert not any(address in f"{claim.key} {claim.purpose}" for address in ADDRESSES)
