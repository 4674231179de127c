"""`gongkai calendar`: working-day due dates and the holiday calendar.

    gongkai calendar due START N            the Nth working day after START, then how
    gongkai calendar import FILE [--notice]  load a year's official notice from a CSV
    gongkai calendar seed [YEAR ...]         create years from the chinese-calendar package
    gongkai calendar show YEAR               a year's holidays and adjusted workdays

Counting follows regulations.md "Counting working days" (see core.workcalendar). Bad input
ends with a Chinese message on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import re
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from gongkai.core.workcalendar import (
    CalendarImportError,
    add_working_days,
    calendar_year,
    import_calendar_csv,
    provisional_rule,
    seed_from_package,
)

_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
MAX_DAYS = 3650


def parse_date(value: str) -> date:
    match = _DATE_RE.match(value.strip())
    try:
        if not match:
            raise ValueError
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise CommandError(f"日期“{value}”无效，应为 YYYY-MM-DD，例如 2026-04-30。") from None


def parse_days(value: str) -> int:
    try:
        n = int(value.strip())
    except ValueError:
        raise CommandError(f"工作日数“{value}”无效，应为不小于 0 的整数。") from None
    if n < 0:
        raise CommandError(f"工作日数不能为负数（得到 {n}）。")
    if n > MAX_DAYS:
        raise CommandError(f"工作日数不能超过 {MAX_DAYS}（得到 {n}）。")
    return n


def parse_year(value: str) -> int:
    try:
        year = int(value.strip())
    except ValueError:
        raise CommandError(f"年份“{value}”无效，应为四位数字，例如 2026。") from None
    if not 1 <= year <= 9999:
        raise CommandError(f"年份“{value}”超出范围（1–9999）。")
    return year


class Command(BaseCommand):
    help = "工作日历：计算到期日（due）、导入官方节假日通知（import）、从数据包初始化（seed）、查看某年安排（show）。"
    # `due` must work before the database is migrated; the checks add nothing here.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", title="子命令", metavar="{due,import,seed,show}")
        sub.required = True

        due = sub.add_parser("due", help="START 之后第 N 个工作日（START 当日不计入）")
        due.add_argument("start", help="起算日，YYYY-MM-DD")
        due.add_argument("n", help="工作日数")

        imp = sub.add_parser("import", help="从 CSV（表头 date,type,name）导入某年的官方安排")
        imp.add_argument("file", help="CSV 文件路径")
        imp.add_argument("--notice", default="", help="依据的通知，如 国办发明电〔2025〕7号")

        seed = sub.add_parser("seed", help="从 chinese-calendar 数据包创建尚未载入的年份")
        seed.add_argument("years", nargs="*", help="只载入这些年份（默认全部）")

        show = sub.add_parser("show", help="列出某年的节假日和调休上班日")
        show.add_argument("year", help="年份，如 2026")

    def handle(self, *args, **options):
        action = options["action"]
        if action == "due":
            self.due(options["start"], options["n"])
        elif action == "import":
            self.import_file(options["file"], options["notice"])
        elif action == "seed":
            self.seed(options["years"])
        elif action == "show":
            self.show(options["year"])
        else:  # argparse rejects other values; kept for call_command misuse
            raise CommandError(f"未知的子命令“{action}”。")

    def due(self, start_text: str, n_text: str) -> None:
        start, n = parse_date(start_text), parse_days(n_text)
        try:
            result = add_working_days(start, n)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(result.date.isoformat())
        self.stdout.write(result.explain())

    def import_file(self, path: str, notice: str) -> None:
        try:
            calendar = import_calendar_csv(path, notice=notice)
        except CalendarImportError as exc:
            raise CommandError(str(exc)) from None
        except DatabaseError as exc:
            raise CommandError(f"无法写入数据库（是否已运行 gongkai migrate？）：{exc}") from None
        info = calendar_year(calendar.year)
        holidays = sum(1 for day in info.days if not day.is_workday)
        workdays = sum(1 for day in info.days if day.is_workday)
        self.stdout.write(
            self.style.SUCCESS(
                f"已导入 {calendar.year} 年官方工作日历：放假 {holidays} 天，调休上班 {workdays} 天"
                + (f"（依据：{calendar.notice}）" if calendar.notice else "")
                + "。"
            )
        )

    def seed(self, year_texts: list[str]) -> None:
        years = [parse_year(text) for text in year_texts] or None
        try:
            created = seed_from_package(years)
        except DatabaseError as exc:
            raise CommandError(f"无法写入数据库（是否已运行 gongkai migrate？）：{exc}") from None
        if created:
            self.stdout.write(
                self.style.SUCCESS(f"已从 chinese-calendar 数据包载入 {created} 个年份的工作日历。")
            )
        else:
            self.stdout.write("没有需要载入的年份（已载入的年份和官方数据不会被覆盖）。")

    def show(self, year_text: str) -> None:
        year = parse_year(year_text)
        info = calendar_year(year)
        if info.official:
            source = (
                "管理员录入的官方通知" if info.source == "official" else "chinese-calendar 数据包"
            )
            line = f"{year} 年：正式安排（来源：{source}"
            if info.notice:
                line += f"；依据：{info.notice}"
            line += "）"
            if info.origin == "package":
                line += "。数据库中没有工作日历，使用数据包内置数据"
            self.stdout.write(line + "。")
        else:
            self.stdout.write(f"{year} 年：暂定。{provisional_rule(year)}")
        if not info.days:
            self.stdout.write("（没有节假日或调休上班日）")
        for day in info.days:
            kind = "上班" if day.is_workday else "放假"
            self.stdout.write(f"{day.date.isoformat()} {_weekday(day.date)} {kind} {day.reason}")
        holidays = sum(1 for day in info.days if not day.is_workday)
        workdays = sum(1 for day in info.days if day.is_workday)
        self.stdout.write(
            f"以上放假 {holidays} 天、调休上班 {workdays} 天；其余日期周一至周五上班，周六、周日休息。"
        )


def _weekday(d: date) -> str:
    return "周" + "一二三四五六日"[d.weekday()]
