"""Jobs that run by themselves: scheduled publication, reminders, retention.

Core knows no domain app: apps register their periodic jobs in AppConfig.ready() with
`register(name, func, every=… | daily_at=…)`. `run_due()` runs every job whose time has come,
once: a JobRun row per job holds `next_due_at`, and a run is claimed by a conditional UPDATE
that moves it forward, so two schedulers, or a cron pass beside one, never both run it.

`gongkai run` starts `gongkai jobs scheduler` (a loop calling run_due); in production the
scheduler runs as its own service, or a timer/cron calls `gongkai jobs run-due` (deploy/).
A job that was missed while nothing ran (the machine was off) runs once at the next pass."""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import close_old_connections
from django.db.models import F
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    func: Callable[[], object]
    description: str
    every: timedelta | None = None
    daily_at: time | None = None  # local time (settings.TIME_ZONE)

    def first_due(self, now: datetime) -> datetime:
        """A new job: interval jobs run at once; a daily job at today's time (at once if that
        has passed, so a job registered at noon does not wait for tomorrow)."""
        if self.every is not None:
            return now
        return self._at(timezone.localtime(now).date())

    def next_due(self, now: datetime) -> datetime:
        if self.every is not None:
            return now + self.every
        today = timezone.localtime(now).date()
        candidate = self._at(today)
        return candidate if candidate > now else self._at(today + timedelta(days=1))

    def _at(self, day) -> datetime:
        return timezone.make_aware(datetime.combine(day, self.daily_at))

    def schedule_text(self) -> str:
        if self.every is not None:
            seconds = int(self.every.total_seconds())
            if seconds % 3600 == 0:
                return f"每 {seconds // 3600} 小时"
            if seconds % 60 == 0:
                return f"每 {seconds // 60} 分钟"
            return f"每 {seconds} 秒"
        return f"每天 {self.daily_at:%H:%M}"


JOBS: dict[str, Job] = {}


def register(
    name: str,
    func: Callable[[], object],
    *,
    description: str,
    every: timedelta | None = None,
    daily_at: time | None = None,
) -> Job:
    """Register (or replace, so ready() may run twice) a periodic job."""
    if (every is None) == (daily_at is None):
        raise ValueError("a job runs either every interval or daily at a time")
    if every is not None and every <= timedelta(0):
        raise ValueError("the interval must be positive")
    job = Job(name, func, description, every, daily_at)
    JOBS[name] = job
    return job


@dataclass
class Outcome:
    name: str
    ok: bool
    result: str


def _row(job: Job, now: datetime):
    from .models import JobRun

    row, _created = JobRun.objects.get_or_create(
        name=job.name, defaults={"next_due_at": job.first_due(now)}
    )
    return row


def claim(job: Job, row, now: datetime) -> bool:
    """Take this run of `job` if no one else has: compare-and-set on next_due_at."""
    from .models import JobRun

    return bool(
        JobRun.objects.filter(pk=row.pk, next_due_at=row.next_due_at).update(
            next_due_at=job.next_due(now), last_started_at=now, runs=F("runs") + 1
        )
    )


def execute(job: Job, row_pk: int) -> Outcome:
    """Run a claimed job and record how it went. A failure is logged and recorded, never raised:
    one broken job must not stop the others."""
    from .models import JobRun

    try:
        result = job.func()
        outcome = Outcome(job.name, True, "" if result is None else str(result)[:300])
    except Exception as exc:
        logger.exception("job %s failed", job.name)
        outcome = Outcome(job.name, False, f"{exc.__class__.__name__}: {exc}"[:300])
    JobRun.objects.filter(pk=row_pk).update(
        last_finished_at=timezone.now(), last_ok=outcome.ok, last_result=outcome.result
    )
    return outcome


def run_due(now: datetime | None = None) -> list[Outcome]:
    """Run every registered job that is due, each at most once. Returns what ran."""
    now = now or timezone.now()
    outcomes = []
    for job in list(JOBS.values()):
        row = _row(job, now)
        if row.next_due_at <= now and claim(job, row, now):
            outcomes.append(execute(job, row.pk))
    return outcomes


def run_now(name: str) -> Outcome:
    """Run one job at once (`gongkai jobs run NAME`), whatever its schedule; its next run moves
    on as after a scheduled one."""
    from .models import JobRun

    job = JOBS[name]
    now = timezone.now()
    row = _row(job, now)
    JobRun.objects.filter(pk=row.pk).update(
        next_due_at=job.next_due(now), last_started_at=now, runs=F("runs") + 1
    )
    return execute(job, row.pk)


def scheduler_loop(
    tick: float = 30.0,
    stop: threading.Event | None = None,
    report: Callable[[Outcome], None] | None = None,
) -> None:
    """Call run_due every `tick` seconds until `stop` is set. A pass that fails (the database
    is away for a moment) is logged and the loop goes on."""
    stop = stop or threading.Event()
    while not stop.is_set():
        close_old_connections()
        try:
            for outcome in run_due():
                if report:
                    report(outcome)
        except Exception:
            logger.exception("scheduler pass failed")
        finally:
            close_old_connections()
        stop.wait(tick)
