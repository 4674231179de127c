"""互动交流 indicators from the participation domain (website-indicators.md): valid messages
left unanswered for more than 3 months are a veto item ("Poor interaction"); a message past
the site's own reply deadline costs points. Closed messages (advertising, duplicates, closed
with a note) are not "valid" and do not count. Read-only: participation never imports this."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from gongkai.core.models import Site
from gongkai.participation import selectors
from gongkai.participation.rules import VETO_MONTHS, veto_day

from .checks import FindingDraft
from .models import Severity

#: 互动交流 deductions are a few points per item on the provincial sheets; one point per
#: overdue message, the indicator's cap is the sheet's business.
OVERDUE_POINTS = Decimal("1")


def message_findings(site: Site, today: date | None = None) -> Iterator[FindingDraft]:
    today = today or timezone.localdate()
    veto = list(selectors.veto_messages(site, today))
    veto_ids = {m.pk for m in veto}
    for message in veto:
        yield FindingDraft(
            key=f"message:{message.pk}",
            title=f"{message.organisation.name}留言 {message.serial} 超过 {VETO_MONTHS} 个月未答复",
            severity=Severity.VETO,
            organisation=message.organisation,
            detail=(
                f"收到日期 {message.received_on:%Y-%m-%d}，答复期限 {message.due_on:%Y-%m-%d}，"
                f"至今未答复（有效留言超过 3 个月未答复为单项否决项）。"
            ),
            item_url=reverse("participation_staff:message", args=[message.pk]),
        )
    for message in selectors.overdue_messages(site, today):
        if message.pk in veto_ids:
            continue
        yield FindingDraft(
            key=f"message:{message.pk}",
            title=f"{message.organisation.name}留言 {message.serial} 超过答复期限未答复",
            severity=Severity.DEDUCTION,
            points=OVERDUE_POINTS,
            organisation=message.organisation,
            detail=f"答复期限 {message.due_on:%Y-%m-%d}，至今未答复。",
            item_url=reverse("participation_staff:message", args=[message.pk]),
            # the day it becomes a veto: 3 months after receipt
            due_on=veto_day(message.received_on),
        )
