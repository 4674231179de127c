"""Background work for requests."""

from django_tasks import task


@task()
def remind_due_requests() -> int:
    """Daily: remind handlers of requests due within three days or overdue."""
    from .notify import remind_handlers

    return remind_handlers()
