"""E-mail sent by background work, at most once per purpose and recipients (issue 16).

Tasks are delivered at least once: a worker killed mid-task leaves its task to be run again
(core.tasks.requeue_abandoned, or a second scheduler pass), and a rerun must not mail anyone
twice. `send_once(key, message)` claims the key in the database before sending:

1. INSERT a `SentMail` row (state 发送中) in its own transaction; the key is unique, so a rerun,
   or a second worker running the same task at the same time, fails the insert and sends
   nothing;
2. send the message;
3. mark the row 已发送.

The window between 1 and 3 cannot be closed: SMTP and the database do not commit together.
We choose AT-MOST-ONCE for the mail itself: a process killed after the claim and before the
mark leaves a 发送中 row, and the rerun does not send again, because it cannot know whether
the server took the message, and the issue wants no duplicate. That loses a mail only when a
kill falls in the milliseconds of one SMTP exchange; such rows stay visible (state 发送中, in
the admin's 已发送邮件 list) for staff to check. A send that raises (server down, refused) is
known not sent: its claim is removed so the next run tries again.

Call it outside a transaction (tasks run in autocommit): inside one, the claim only commits
with the caller's transaction, so a kill before that commit would let the rerun send again.
No address is stored: the key is an HMAC-SHA256 (keyed with SECRET_KEY, so an address cannot
be confirmed by hashing guesses) of the caller's key and the sorted recipients."""

from __future__ import annotations

import logging

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)


def digest(key: str, recipients: list[str]) -> str:
    """The stored key: the caller's key and the recipients, hashed (no address in clear)."""
    addresses = sorted({address.strip().lower() for address in recipients})
    value = "\n".join([key, *addresses])
    return salted_hmac("gongkai.core.mail", value, algorithm="sha256").hexdigest()


def send_once(key: str, message: EmailMessage) -> bool:
    """Send `message` unless a message with this key and these recipients was sent (or its
    sending began) before. `key` names the purpose and the occasion, without personal data,
    e.g. "records.subscriber:<record pk>:<subscription pk>"; the part before the first colon
    is stored as the purpose. Returns True when this call sent it. A send that fails raises,
    and the key is free again."""
    from .models import SentMail

    hashed = digest(key, message.recipients())
    try:
        with transaction.atomic():
            SentMail.objects.create(
                key=hashed, purpose=key.split(":", 1)[0][:100], state=SentMail.State.SENDING
            )
    except IntegrityError:
        logger.info("邮件已发送过，不再重复发送：%s", key)
        return False
    try:
        message.send()
    except Exception:  # known not sent; a kill (SystemExit) leaves the claim
        SentMail.objects.filter(key=hashed, state=SentMail.State.SENDING).delete()
        raise
    SentMail.objects.filter(key=hashed).update(state=SentMail.State.SENT, sent_at=timezone.now())
    return True
