"""Text messages (短信) through one pluggable sender.

`send_sms(phone, text)` calls the callable named by settings.SMS_SENDER (a dotted path to
`f(phone, text)`, environment GONGKAI_SMS_SENDER): the county's SMS gateway in production,
`console_sender` in the demo (the text, verification codes included, is printed in the
terminal of `make run`), `outbox_sender` in tests. The older FOI_SMS_SENDER is read when
SMS_SENDER is empty. Without any sender the message is only logged, with the number masked."""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

#: what `outbox_sender` has sent, oldest first: (phone, text)
outbox: list[tuple[str, str]] = []


def sender_path() -> str:
    return getattr(settings, "SMS_SENDER", "") or getattr(settings, "FOI_SMS_SENDER", "")


def can_send() -> bool:
    """Is a sender configured? Without one a code sent by SMS would reach nobody."""
    return bool(sender_path())


def masked(phone: str) -> str:
    digits = "".join(c for c in phone if c.isdigit())
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else "****"


def send_sms(phone: str, text: str) -> None:
    path = sender_path()
    if not path:
        logger.info("短信（未配置发送通道，仅记录）%s", masked(phone))
        return
    import_string(path)(phone, text)


def console_sender(phone: str, text: str) -> None:
    """The demo's gateway: the message on the terminal (stderr), so a person trying the demo
    can read the verification code there."""
    print(f"[短信] 发往 {phone}：{text}", file=sys.stderr, flush=True)


def outbox_sender(phone: str, text: str) -> None:
    """Tests' gateway: kept in `outbox` in memory (like Django's locmem mail outbox)."""
    outbox.append((phone, text))
