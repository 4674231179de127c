"""Periodic jobs run by themselves (core.jobs): the registry, the once-only claim, the scheduler
loop and `gongkai run`, which starts it."""

import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time as clock
from datetime import datetime, time, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.utils import timezone

from gongkai.core import jobs
from gongkai.core.management.commands.run import Command as RunCommand
from gongkai.core.models import JobRun
from gongkai.records import workflow
from gongkai.records.models import State
from tests.conftest import org, user
from tests.records.conftest import approved, make_leaf

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def test_job():
    """A job of our own in the real registry, removed afterwards."""
    calls = []
    job = jobs.register(
        "test.count",
        lambda: calls.append(1) or len(calls),
        every=timedelta(hours=1),
        description="测试",
    )
    yield job, calls
    jobs.JOBS.pop("test.count", None)


def test_apps_register_the_periodic_jobs():
    assert {
        "records.publish_due",
        "records.remind",
        "records.slots",
        "foi.remind",
        "foi.retention",
    } <= set(jobs.JOBS)
    assert jobs.JOBS["records.publish_due"].every <= timedelta(minutes=1)


def test_register_wants_one_schedule():
    with pytest.raises(ValueError):
        jobs.register("x", print, description="x")
    with pytest.raises(ValueError):
        jobs.register("x", print, every=timedelta(0), description="x")
    assert "x" not in jobs.JOBS


def test_daily_job_next_due_is_the_next_occurrence():
    job = jobs.Job("d", print, "d", daily_at=time(8, 0))
    morning = timezone.make_aware(datetime(2026, 12, 1, 7, 59))
    noon = timezone.make_aware(datetime(2026, 12, 1, 12, 0))
    assert timezone.localtime(job.next_due(morning)) == timezone.make_aware(
        datetime(2026, 12, 1, 8, 0)
    )
    assert timezone.localtime(job.next_due(noon)) == timezone.make_aware(
        datetime(2026, 12, 2, 8, 0)
    )
    # A job first seen at noon has missed today's 08:00: it runs at once, not tomorrow.
    assert job.first_due(noon) <= noon


@pytest.mark.django_db
def test_a_due_job_runs_once_per_period(test_job):
    job, calls = test_job
    now = timezone.now()
    jobs.run_due(now)
    jobs.run_due(now + timedelta(minutes=5))
    assert calls == [1]
    jobs.run_due(now + timedelta(hours=1, seconds=1))
    assert calls == [1, 1]
    row = JobRun.objects.get(name="test.count")
    assert row.runs == 2 and row.last_ok is True and row.last_result == "2"


@pytest.mark.django_db
def test_two_schedulers_cannot_both_claim_a_run(test_job):
    """Two processes read the same due row; only the first conditional UPDATE takes it."""
    job, _calls = test_job
    now = timezone.now()
    first_view = jobs._row(job, now)
    second_view = JobRun.objects.get(pk=first_view.pk)
    assert jobs.claim(job, first_view, now) is True
    assert jobs.claim(job, second_view, now) is False
    assert JobRun.objects.get(pk=first_view.pk).runs == 1


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_does_not_stop_the_others(test_job):
    _job, calls = test_job

    def broken():
        raise RuntimeError("数据库暂时不可用")

    jobs.register("test.broken", broken, every=timedelta(hours=1), description="坏")
    try:
        outcomes = {o.name: o for o in jobs.run_due()}
    finally:
        jobs.JOBS.pop("test.broken")
    assert outcomes["test.broken"].ok is False and calls == [1]
    row = JobRun.objects.get(name="test.broken")
    assert row.last_ok is False and "RuntimeError" in row.last_result


@pytest.mark.django_db
def test_jobs_command(test_job):
    out = StringIO()
    call_command("jobs", "run", "test.count", stdout=out)
    assert "test.count 完成 1" in out.getvalue()
    call_command("jobs", "list", stdout=out)
    assert "已运行 1 次，上次成功" in out.getvalue()
    with pytest.raises(CommandError, match="没有名为“nope”的定时任务"):
        call_command("jobs", "run", "nope")


def test_gongkai_run_starts_the_scheduler():
    options = {"no_worker": False, "no_scheduler": False, "workers": 2}
    argvs = [argv for _label, argv in RunCommand.commands(options, "127.0.0.1:8000")]
    assert any(argv[-2:] == ["jobs", "scheduler"] for argv in argvs)
    off = RunCommand.commands({**options, "no_scheduler": True}, "127.0.0.1:8000")
    assert not any("scheduler" in argv for _label, argv in off)


@pytest.mark.django_db(transaction=True)
def test_scheduler_loop_publishes_a_scheduled_record(yingjiang):
    """The real loop in a thread of its own (its own database connection), with a fast tick:
    a record scheduled for 10:00 (here: a second from now) is published once that time has
    come, one scheduled for tomorrow is not."""
    housing = org(yingjiang, "区住房和城乡建设局")
    editor, reviewer = user("yj_editor"), user("yj_reviewer")
    leaf = make_leaf(yingjiang, organisations=[housing])
    due = approved(editor, reviewer, housing, leaf, title="定时发布：十点整")
    later = approved(editor, reviewer, housing, leaf, title="定时发布：明天")
    at = timezone.now() + timedelta(seconds=1)
    workflow.publish(reviewer, due, at=at)
    workflow.publish(reviewer, later, at=at + timedelta(days=1))
    due.refresh_from_db()
    assert due.state == State.APPROVED and due.scheduled_at == at
    clock.sleep(max(0.0, (at - timezone.now()).total_seconds()))  # now it is 10:00

    stop = threading.Event()

    def loop():
        from django.db import connection

        try:
            jobs.scheduler_loop(tick=0.2, stop=stop)
        finally:
            connection.close()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        deadline = clock.monotonic() + 30
        while clock.monotonic() < deadline:
            try:
                due.refresh_from_db()
            except OperationalError:
                # the in-memory SQLite test database is shared-cache: a read while the loop's
                # connection writes the table is refused ("table is locked"), not queued
                clock.sleep(0.2)
                continue
            if due.state == State.PUBLISHED:
                break
            clock.sleep(0.2)
    finally:
        stop.set()
        thread.join(10)
    assert due.state == State.PUBLISHED, "定时信息到点后没有被调度程序发布"
    assert due.published_at >= at and due.index_number
    later.refresh_from_db()
    assert later.state == State.APPROVED


SETUP = r"""
import django
django.setup()
from datetime import timedelta
from django.utils import timezone
from gongkai.core.demo import load_demo
from gongkai.core.models import Site
from gongkai.records import workflow
from tests.conftest import org, user
from tests.records.conftest import approved, make_leaf

load_demo()
site = Site.objects.get(slug="yingjiang")
housing = org(site, "区住房和城乡建设局")
record = approved(user("yj_editor"), user("yj_reviewer"), housing,
                  make_leaf(site, organisations=[housing]), title="十点整定时发布")
at = timezone.now() + timedelta(seconds=1)
workflow.publish(user("yj_reviewer"), record, at=at)
print(record.pk, at.timestamp())
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gongkai_run_publishes_a_scheduled_record_by_itself(tmp_path):
    """End to end: schedule a record, start `gongkai run` as an operator would, and nobody runs
    another command; the record is published when its time comes. It runs on a SQLite file of
    its own whatever database the suite uses (GONGKAI_* variables are not passed on)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGKAI_", "DJANGO_"))}
    env.update(
        GONGKAI_VAR_DIR=str(tmp_path / "var"),
        GONGKAI_JOBS_TICK="0.5",
        DJANGO_SETTINGS_MODULE="gongkai.settings",
    )
    gongkai = [sys.executable, "-m", "gongkai.cli"]
    subprocess.run([*gongkai, "migrate", "-v0"], env=env, check=True, timeout=300)
    made = subprocess.run(
        [sys.executable, "-c", SETUP],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    pk, at = made.stdout.split()[-2:]
    clock.sleep(max(0.0, float(at) - clock.time()))  # its time has come: nobody acts on it
    database = tmp_path / "var" / "gongkai.sqlite3"

    def state() -> str:
        with sqlite3.connect(database, timeout=10) as db:
            return db.execute(
                "SELECT state FROM records_record WHERE id = ?", (int(pk),)
            ).fetchone()[0]

    assert state() == "approved"
    run = subprocess.Popen(
        [*gongkai, "run", "--no-worker", "--workers", "1", "--port", str(_free_port())],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = clock.monotonic() + 60
        while clock.monotonic() < deadline and state() != "published" and run.poll() is None:
            clock.sleep(0.5)
        assert state() == "published", run.stderr.read() if run.poll() is not None else ""
    finally:
        run.terminate()
        run.wait(30)


def test_deploy_files_call_real_job_commands():
    """The systemd units and the cron file name subcommands and options that exist."""
    import shlex

    from gongkai.core.management.commands.jobs import Command as JobsCommand

    parser = JobsCommand().create_parser("gongkai", "jobs")
    calls = []
    for path in (REPO / "deploy").rglob("*"):
        if path.is_file() and path.name != "nginx.conf":
            for line in path.read_text().splitlines():
                if "gongkai jobs " in line and not line.lstrip().startswith("#"):
                    words = shlex.split(line.split("gongkai jobs ", 1)[1].split(">")[0])
                    parser.parse_args(words)
                    calls.append(words[0])
    assert {"scheduler", "run-due"} <= set(calls)


def test_every_registered_job_runs_on_the_demo_without_failing(demo):
    """Each job the apps register, run once on the demo data as the scheduler would: a job
    that calls a service the wrong way fails here, not at 01:00 on a server."""
    from gongkai.core import jobs

    assert jobs.JOBS
    outcomes = [jobs.run_now(name) for name in sorted(jobs.JOBS)]
    failed = [(o.name, o.result) for o in outcomes if not o.ok]
    assert not failed, failed
