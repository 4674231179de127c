"""`gongkai foi`: the reply clock of a request on the command line, and housekeeping.

    gongkai foi due --received DATE [--event KIND:DATE[:DAYS] ...]
    gongkai foi remind                  email handlers about requests due soon or overdue
    gongkai foi retention [--apply]     closed cases past the site's retention period

`due` prints the due date (YYYY-MM-DD) on its first line, then the explanation; event kinds are
correction-asked, correction-received, pause, resume and extension (extension:DATE or
extension:DATE:DAYS, 20 days by default). The rules are those of foi.rules and
core.workcalendar (《政府信息公开条例》第三十条、第三十三条). Bad input: a Chinese message and a
non-zero exit.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gongkai.core.management.commands.calendar import parse_date
from gongkai.core.workcalendar import ClockEvent, due_date_from_events

from ...rules import MAX_EXTENSION_DAYS, REPLY_DAYS

EVENT_KINDS = {
    "correction-asked": "correction-asked",
    "correction-received": "restart",
    "pause": "pause",
    "resume": "resume",
    "extension": "extension",
}


def parse_event(text: str) -> ClockEvent:
    parts = text.strip().split(":")
    kind = parts[0].strip().lower()
    if kind not in EVENT_KINDS:
        raise CommandError(
            f"事件“{text}”的类型“{parts[0]}”无效，应为 {'、'.join(EVENT_KINDS)} 之一，"
            "格式 KIND:YYYY-MM-DD。"
        )
    if len(parts) < 2 or not parts[1].strip():
        raise CommandError(f"事件“{text}”缺少日期，格式应为 {kind}:YYYY-MM-DD。")
    allowed = 3 if kind == "extension" else 2
    if len(parts) > allowed:
        raise CommandError(
            f"事件“{text}”格式不对，应为 {kind}:YYYY-MM-DD"
            + ("[:天数]。" if kind == "extension" else "。")
        )
    on = parse_date(parts[1])
    days = 0
    if kind == "extension":
        days = MAX_EXTENSION_DAYS
        if len(parts) == 3:
            try:
                days = int(parts[2])
            except ValueError:
                raise CommandError(
                    f"延长的工作日数“{parts[2]}”无效，应为 1 至 20 的整数。"
                ) from None
            if not 1 <= days <= MAX_EXTENSION_DAYS:
                raise CommandError(
                    f"延长的期限应为 1 至 {MAX_EXTENSION_DAYS} 个工作日（《条例》第三十三条第二款），"
                    f"不能是 {days} 个。"
                )
    return ClockEvent(EVENT_KINDS[kind], on, days=days)


class Command(BaseCommand):
    help = "依申请公开：计算答复期限（due）、到期提醒（remind）、保存期限处理（retention）。"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", title="子命令", metavar="{due,remind,retention}")
        sub.required = True
        due = sub.add_parser("due", help="按事件计算答复期限")
        due.add_argument("--received", required=True, help="收到申请的日期，YYYY-MM-DD")
        due.add_argument(
            "--event",
            action="append",
            default=[],
            metavar="KIND:DATE[:DAYS]",
            help="correction-asked、correction-received、pause、resume、extension（可多次）",
        )
        sub.add_parser("remind", help="向经办人发送到期提醒邮件")
        retention = sub.add_parser("retention", help="列出超过保存年限的已归档申请")
        retention.add_argument("--apply", action="store_true", help="匿名化这些申请的个人信息")

    def handle(self, *args, **options):
        action = options["action"]
        if action == "due":
            self.due(options["received"], options["event"])
        elif action == "remind":
            from ...notify import remind_handlers

            self.stdout.write(f"已发送 {remind_handlers()} 封到期提醒邮件。")
        elif action == "retention":
            self.retention(options["apply"])

    def due(self, received: str, event_texts: list[str]) -> None:
        start = parse_date(received)
        events = [ClockEvent("start", start)] + [parse_event(t) for t in event_texts]
        for event in events[1:]:
            if event.date < start:
                raise CommandError(f"事件日期 {event.date} 早于收到申请的日期 {start}。")
        try:
            result = due_date_from_events(events, days=REPLY_DAYS)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if result.date is not None:
            self.stdout.write(result.date.isoformat())
        else:
            self.stdout.write("计时暂停中")
        self.stdout.write(result.explain())

    def retention(self, apply: bool) -> None:
        from gongkai.core.permissions import SYSTEM

        from ...models import FoiRequest, FoiSettings, State
        from ...workflow import anonymise

        today = timezone.localdate()
        count = 0
        for request in FoiRequest.objects.filter(
            state=State.CLOSED, anonymised=False
        ).select_related("site"):
            years = FoiSettings.for_site(request.site).retention_years
            if request.closed_on and request.closed_on + timedelta(days=365 * years) < today:
                count += 1
                self.stdout.write(
                    f"{request.site.name} {request.serial} 归档于 {request.closed_on}"
                )
                if apply:
                    anonymise(request, SYSTEM)
        verb = "已匿名化" if apply else "超过保存年限"
        self.stdout.write(f"{verb} {count} 件。")
