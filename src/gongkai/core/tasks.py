import time

from django.core.cache import cache
from django_tasks import task


@task()
def ping() -> float:
    """Proves a worker is alive; /healthz reads when it last ran."""
    now = time.time()
    cache.set("gongkai:worker:last-pong", now, 3600)
    return now
