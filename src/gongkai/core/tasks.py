import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django_tasks import task


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
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        return 0
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    lease = settings.TASK_LEASE if lease is None else lease
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=timezone.now() - lease
    ).update(status=TaskResultStatus.READY, started_at=None)
