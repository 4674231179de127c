"""Background work for records (Django Tasks): scheduled publication, subscriber emails,
deadline reminders. `gongkai records publish-due|remind` run the same functions."""

from django_tasks import task


@task()
def publish_due_records() -> int:
    """Every few minutes: publish approved records whose scheduled time has come."""
    from gongkai.core.permissions import SYSTEM

    from .workflow import publish_due

    return len(publish_due(actor=SYSTEM))


@task()
def send_subscriber_emails(record_pk: int) -> int:
    """After a publication: email the confirmed subscribers of the record's catalogue item."""
    from .notify import email_subscribers

    return email_subscribers(record_pk)


@task()
def remind_due_duties() -> int:
    """Daily: remind organisations of records and periods due within three working days."""
    from .notify import remind

    return remind()
