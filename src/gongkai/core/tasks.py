import logging
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def ping() -> float:
    """Proves a worker is alive; /healthz reads when it last ran."""
    now = time.time()
    cache.set("gongkai:worker:last-pong", now, 3600)
    return now


def requeue_abandoned(lease: timedelta | None = None) -> int:
    """Put back in the queue the database tasks whose worker died (SIGKILL, power cut): the
    database worker marks a task 运行中 when it takes it and nothing ever clears that if the
    process is gone. A task running longer than the lease (settings.TASK_LEASE) counts as
    abandoned and runs again, so tasks are delivered at least once and must be idempotent
    (mail through core.mail.send_once; publication guarded by the record's state). Returns
    how many were requeued. The rq backend has its own registry of abandoned jobs."""
    if not database_backend():
        return 0
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    lease = settings.TASK_LEASE if lease is None else lease
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=timezone.now() - lease
    ).update(status=TaskResultStatus.READY, started_at=None)


def database_backend() -> bool:
    return settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


def enqueue_with_commit(task_, *args, fallback: Callable[[], object] | None = None) -> None:
    """Queue `task_` for the transaction in progress: it runs only if that commits, and is not
    lost when the process dies just after the commit. With the database backend the task row
    is written inside the transaction (an outbox: both commit or neither); other backends (rq)
    are queued at commit, and `fallback` runs inline if the queue cannot be reached."""
    if database_backend() and transaction.get_connection().in_atomic_block:
        task_.enqueue(*args)
        return

    def at_commit():
        try:
            task_.enqueue(*args)
        except Exception:  # noqa: BLE001 - the step stands; the work runs inline instead
            logger.exception("无法加入任务队列：%s", task_.name)
            if fallback is not None:
                fallback()

    transaction.on_commit(at_commit)
