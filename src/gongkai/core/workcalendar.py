"""Working days and deadlines (工作日与答复期限).

Rules (regulations.md, "Counting working days"; 《政府信息公开条例》第二十六条、第三十条、
第三十三条):

* The day of receipt (or formation) is not counted; a period of N working days ends on the
  Nth working day after it.
* Working days follow the State Council's yearly holiday notice, adjusted weekend workdays
  (调休上班) included. A year with a `WorkCalendar` row is *official*: Monday–Friday are
  working days except its `CalendarDay` holidays, Saturday and Sunday are days off except its
  `CalendarDay` workdays. A year without a row is *provisional*: weekends plus the statutory
  days of 《全国年节及纪念日放假办法》 (core.holidays); results touching it are marked
  provisional and change once the notice is loaded.
* Pauses (third-party consultation) and restarts (correction) are events; the due date is
  always derived from the events (`due_date_from_events`) and comes with its explanation.

The calendar rows are read lazily into a per-process cache (`forget_calendar()` clears it;
core.signals calls it whenever a WorkCalendar or CalendarDay is saved or deleted, and the
cache is re-read after `CACHE_SECONDS` so other processes catch up). If the database has no
WorkCalendar rows at all — or its tables do not exist yet — the data built into the
chinese-calendar package is used instead, and years beyond its range stay provisional.
Nothing here raises because a year lacks data.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from .holidays import revision_for, statutory_holidays

logger = logging.getLogger(__name__)

CACHE_SECONDS = 300
WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")

#: chinese_calendar's Holiday values (English) → the names stored in CalendarDay.name.
PACKAGE_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}

#: ClockEvent kinds accepted by `due_date_from_events`.
EVENT_KINDS = ("start", "pause", "resume", "restart", "extension", "correction-asked")
#: 《条例》第三十三条第二款: one extension of at most 20 working days.
MAX_EXTENSION_DAYS = 20


# --------------------------------------------------------------------------- data types


@dataclass(frozen=True)
class DayStatus:
    """Whether one date is a working day, and why (reason in Chinese, e.g. "周六",
    "春节（法定节假日）", "调休上班（春节）"). `provisional` is True when the date's year has no
    official data; `name` is the holiday's name when there is one."""

    date: date
    is_workday: bool
    reason: str
    provisional: bool = False
    name: str = ""

    def __str__(self) -> str:
        if self.reason in WEEKDAY_NAMES:
            return f"{self.date.isoformat()} {self.reason}"
        return f"{fmt_date(self.date)}{self.reason}"


@dataclass(frozen=True)
class DueDate:
    """A computed due date with its explanation.

    `date` is None when the clock is paused at the end of the events (`paused` is True) or was
    never started. `provisional` is True if any day examined fell in a year without official
    data (those years are in `provisional_years`). `skipped` lists the non-working days passed
    over while counting; `steps` are the explanation lines; `days` is the whole period in
    working days (extension included) and `start` the date the current clock started from.
    """

    date: date | None
    provisional: bool
    skipped: list[DayStatus] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    paused: bool = False
    start: date | None = None
    days: int = 0
    provisional_years: tuple[int, ...] = ()

    def explain(self) -> str:
        """The explanation as multi-line Chinese text, with a 暂定 note if provisional."""
        lines = list(self.steps)
        if self.paused and not any("计时暂停中" in line for line in lines):
            lines.append("计时暂停中，恢复计时后才能确定到期日。")
        if self.provisional:
            years = "、".join(f"{y} 年" for y in self.provisional_years) or "有关年份"
            lines.append(
                f"暂定：{years}的国务院节假日安排通知尚未载入，按周末和《全国年节及纪念日放假办法》"
                "规定的法定节假日计算，未计入调休；通知载入后到期日可能变化。"
            )
        return "\n".join(lines)


@dataclass
class ClockEvent:
    """One event on a reply clock. `kind` is one of EVENT_KINDS; `days` is used by "start"
    (the period, if not the default) and "extension" (the working days added); `note` is
    shown in the explanation (e.g. "第三方征求意见")."""

    kind: str
    date: date
    days: int = 0
    note: str = ""


@dataclass(frozen=True)
class YearCalendar:
    """One year's arrangement for display: `official` years list their CalendarDay entries,
    provisional ones the statutory holidays. `origin` is "database" or "package" (the
    chinese-calendar fallback used when the database holds no calendar)."""

    year: int
    official: bool
    source: str
    notice: str
    days: list[DayStatus]
    origin: str


class CalendarImportError(ValueError):
    """A calendar CSV that cannot be imported; `errors` holds (line number, message) pairs."""

    def __init__(self, message: str, errors: list[tuple[int, str]] | None = None):
        self.errors = errors or []
        if self.errors:
            message = "\n".join([message, *(f"第 {line} 行：{text}" for line, text in self.errors)])
        super().__init__(message)


# --------------------------------------------------------------------------- the cache


@dataclass(frozen=True)
class _YearInfo:
    source: str
    notice: str


@dataclass
class _Calendar:
    years: dict[int, _YearInfo]
    days: dict[date, tuple[bool, str]]
    origin: str
    loaded_at: float


_lock = threading.RLock()
_cache: _Calendar | None = None


def forget_calendar() -> None:
    """Drop the cached calendar rows; the next computation reads them again."""
    global _cache
    with _lock:
        _cache = None


def _calendar() -> _Calendar:
    global _cache
    cal = _cache
    if cal is not None and time.monotonic() - cal.loaded_at < CACHE_SECONDS:
        return cal
    with _lock:
        cal = _cache
        if cal is None or time.monotonic() - cal.loaded_at >= CACHE_SECONDS:
            try:
                cal = _load_from_database() or _load_from_package()
            except _DatabaseUnavailable:
                # Not cached: the next call tries the database again.
                return _load_from_package()
            _cache = cal
        return cal


class _DatabaseUnavailable(Exception):
    pass


def _load_from_database() -> _Calendar | None:
    """The WorkCalendar/CalendarDay rows, or None if there are none.

    Raises _DatabaseUnavailable if they cannot be read (no database, tables not migrated yet,
    Django not set up)."""
    try:
        from django.db import connection, transaction

        from .models import CalendarDay, WorkCalendar

        def read() -> _Calendar | None:
            years = {
                year: _YearInfo(source, notice)
                for year, source, notice in WorkCalendar.objects.values_list(
                    "year", "source", "notice"
                )
            }
            if not years:
                return None
            days = {
                d: (is_workday, name)
                for d, is_workday, name in CalendarDay.objects.values_list(
                    "date", "is_workday", "name"
                )
                if d.year in years
            }
            return _Calendar(years, days, "database", time.monotonic())

        if connection.in_atomic_block:
            # A savepoint, so a missing table does not break the caller's transaction.
            with transaction.atomic():
                return read()
        return read()
    except Exception as exc:  # no database, no tables, no app registry: use the package data
        logger.debug("工作日历表不可用，改用 chinese-calendar 数据包：%s", exc)
        raise _DatabaseUnavailable(str(exc)) from exc


def _package_version() -> str:
    try:
        from importlib.metadata import version

        return version("chinesecalendar")
    except Exception:
        return ""


def package_notice() -> str:
    """The WorkCalendar.notice written for years seeded from chinese-calendar."""
    version = _package_version()
    return f"chinese-calendar {version} 数据包".replace("  ", " ")


def package_days() -> dict[int, dict[date, tuple[bool, str]]]:
    """chinese-calendar's data as {year: {date: (is_workday, 中文名称)}}, or {} without it."""
    try:
        import chinese_calendar
    except ImportError:
        return {}
    result: dict[int, dict[date, tuple[bool, str]]] = {}
    for source, is_workday in (
        (chinese_calendar.holidays, False),
        (chinese_calendar.workdays, True),
    ):
        for d, english in source.items():
            name = PACKAGE_HOLIDAY_NAMES.get(str(english), str(english))[:30]
            result.setdefault(d.year, {})[d] = (is_workday, name)
    return result


@lru_cache(maxsize=1)
def _package_calendar() -> tuple[dict[int, _YearInfo], dict[date, tuple[bool, str]]]:
    data = package_days()
    notice = package_notice()
    years = {year: _YearInfo("package", notice) for year in data}
    days = {d: entry for entries in data.values() for d, entry in entries.items()}
    return years, days


def _load_from_package() -> _Calendar:
    years, days = _package_calendar()
    return _Calendar(years, days, "package", time.monotonic())


# --------------------------------------------------------------------------- single days


def fmt_date(d: date) -> str:
    """2026-05-01（周五）."""
    return f"{d.isoformat()}（{WEEKDAY_NAMES[d.weekday()]}）"


def document_date(d: date) -> str:
    """2026年12月1日: the 成文日期 form of GB/T 9704-2012 (7.3.5.1), full year in Arabic
    numerals, month and day without leading zeros (strftime's %m/%d would write 12月01日)."""
    return f"{d.year}年{d.month}月{d.day}日"


def _as_date(value: date) -> date:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            try:
                from django.utils import timezone

                value = timezone.localtime(value)
            except Exception:  # settings not configured: keep the value's own zone
                logger.debug("localtime unavailable", exc_info=True)
        return value.date()
    if not isinstance(value, date):
        raise TypeError(f"需要日期，得到 {value!r}")
    return value


@lru_cache(maxsize=512)
def _statutory_map(year: int) -> dict[date, str]:
    return statutory_holidays(year)


def _status(cal: _Calendar, d: date) -> DayStatus:
    weekend = d.weekday() >= 5
    weekday = WEEKDAY_NAMES[d.weekday()]
    statutory = _statutory_map(d.year).get(d)
    if d.year not in cal.years:
        if statutory:
            return DayStatus(d, False, f"{statutory}（法定节假日）", True, statutory)
        if weekend:
            return DayStatus(d, False, weekday, True)
        return DayStatus(d, True, "工作日", True)
    entry = cal.days.get(d)
    if entry is not None:
        is_workday, name = entry
        if is_workday:
            if not weekend:
                return DayStatus(d, True, "工作日", False, name)
            return DayStatus(d, True, f"调休上班（{name}）" if name else "调休上班", False, name)
        if statutory and name and name in statutory:
            reason = f"{name}（法定节假日）"
        elif statutory:
            reason = f"{statutory}（法定节假日）"
        elif weekend:
            reason = f"{name}假期（{weekday}）" if name else weekday
        else:
            reason = f"{name}假期（调休放假）" if name else "放假"
        return DayStatus(d, False, reason, False, name)
    if weekend:
        return DayStatus(d, False, weekday)
    return DayStatus(d, True, "工作日")


def day_status(d: date) -> DayStatus:
    """Whether `d` is a working day under the official calendar (or, for a year without one,
    weekends plus the statutory holidays of 《全国年节及纪念日放假办法》, provisional)."""
    return _status(_calendar(), _as_date(d))


def is_workday(d: date) -> bool:
    return day_status(d).is_workday


def is_official_year(year: int) -> bool:
    """True if the year's holiday notice is loaded (a WorkCalendar row, or the package data)."""
    return year in _calendar().years


# --------------------------------------------------------------------------- counting


def _next_day(d: date) -> date:
    try:
        return d + timedelta(days=1)
    except OverflowError:
        raise ValueError("日期超出可计算的范围（公元 9999 年以后）。") from None


class _Trace:
    """Walks the calendar, collecting skipped days, explanation lines and provisional years."""

    def __init__(self, cal: _Calendar):
        self.cal = cal
        self.skipped: list[DayStatus] = []
        self.steps: list[str] = []
        self.provisional_years: set[int] = set()

    def status(self, d: date) -> DayStatus:
        st = _status(self.cal, d)
        if st.provisional:
            self.provisional_years.add(d.year)
        return st

    def advance(self, anchor: date, n: int, offset: int = 0, indent: str = "") -> date:
        """The nth working day after `anchor`, recording every day passed over."""
        d, counted = anchor, 0
        while counted < n:
            d = _next_day(d)
            st = self.status(d)
            if st.is_workday:
                counted += 1
                if st.reason != "工作日":
                    self.steps.append(f"{indent}{st}，计为第 {offset + counted} 个工作日")
            else:
                self.skipped.append(st)
                self.steps.append(f"{indent}跳过 {st}")
        return d

    def count_until(
        self, anchor: date, end: date, limit: int, offset: int
    ) -> tuple[int, date | None]:
        """Count working days after `anchor` through `end`, stopping at `limit`.

        Returns (count, the day the limit was reached or None)."""
        if limit <= 0:
            return 0, anchor
        d, counted = anchor, 0
        while d < end:
            d = _next_day(d)
            st = self.status(d)
            if st.is_workday:
                counted += 1
                if st.reason != "工作日":
                    self.steps.append(f"  {st}，计为第 {offset + counted} 个工作日")
                if counted == limit:
                    return counted, d
            else:
                self.skipped.append(st)
                self.steps.append(f"  跳过 {st}")
        return counted, None

    def count_quietly(self, anchor: date, end: date) -> int:
        counted, d = 0, anchor
        while d < end:
            d = _next_day(d)
            if self.status(d).is_workday:
                counted += 1
        return counted

    def peek(self, anchor: date, n: int) -> date:
        d, counted = anchor, 0
        while counted < n:
            d = _next_day(d)
            if _status(self.cal, d).is_workday:
                counted += 1
        return d

    def result(self, due: date | None, **kwargs) -> DueDate:
        years = tuple(sorted(self.provisional_years))
        return DueDate(
            date=due,
            provisional=bool(years),
            skipped=list(self.skipped),
            steps=list(self.steps),
            provisional_years=years,
            **kwargs,
        )


def add_working_days(start: date, n: int) -> DueDate:
    """The Nth working day after `start` (the day of `start` itself is not counted).

    regulations.md "Counting working days": the day of receipt or formation is not counted and
    the period ends on the Nth working day after it (《条例》第二十六条、第三十三条). n = 0
    gives `start` itself. Raises ValueError only for a negative n or a date past year 9999.
    """
    start = _as_date(start)
    if n < 0:
        raise ValueError("工作日数不能为负数。")
    trace = _Trace(_calendar())
    if n == 0:
        trace.steps.append(f"起算日 {fmt_date(start)}；期限为 0 个工作日，到期日即起算日。")
        return trace.result(start, start=start, days=0)
    trace.steps.append(f"起算日 {fmt_date(start)}，当日不计入；期限 {n} 个工作日。")
    due = trace.advance(start, n)
    trace.steps.append(f"到期日 {fmt_date(due)}，即起算日后第 {n} 个工作日。")
    return trace.result(due, start=start, days=n)


def count_working_days(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 if end <= start)."""
    start, end = _as_date(start), _as_date(end)
    if end <= start:
        return 0
    cal = _calendar()
    counted, d = 0, start
    while d < end:
        d = d + timedelta(days=1)
        if _status(cal, d).is_workday:
            counted += 1
    return counted


def due_date_from_events(events: list[ClockEvent], days: int = 20) -> DueDate:
    """Derive the reply due date from a request's clock events, explaining every step.

    Events are taken in date order (events on the same date keep their given order).
    `days` is the period (《条例》第三十三条: 20 working days) unless the start event's `days`
    is positive. The clock's state is the date counted up to (the anchor), the working days
    used and the period; the due date is the (period − used)th working day after the anchor.

    * "start" — the request is received (《条例》第三十一条 fixes the date); the clock starts
      and that day is not counted. A second start is ignored (noted).
    * "pause" — consultation of a third party or another organ (《条例》第三十二条、第三十三条
      第二款、第三十四条): working days up to and including the pause date are counted;
      the days after it are not, until "resume". If the period had already run out by the
      pause date, the pause changes nothing and the due date stays where it was.
    * "resume" — counting resumes the day after the resume date; the working days from the
      day after the pause through the resume date are not counted.
    * "correction-asked" — the applicant is told in writing to correct the request
      (《条例》第三十条): the clock stops (like a pause) until "restart". A notice later than
      7 working days after receipt, or a second notice, is flagged in the explanation.
    * "restart" — the corrected request is received (《条例》第三十条): the clock restarts
      from that date with the full period (the day itself not counted); anything used before
      is discarded and an extension granted before the restart lapses. A restart with no
      earlier start starts the clock.
    * "extension" — the office head approves an extension (《条例》第三十三条第二款): `days`
      working days (1–20) are added to the period. Only one extension is allowed: a second
      one, or `days` outside 1–20, raises ValueError. A late extension (after the due date)
      is applied but flagged.

    Inconsistent events (resume while not paused, pause before start, …) are ignored with a
    note. If the clock is paused (or awaiting correction) after the last event, the due date
    is unknown: the result has `date=None` and `paused=True`, and the explanation says
    "计时暂停中". With no start at all, `date` is None and `paused` False. Apart from the
    extension rules, an unknown kind and a negative `days`, nothing raises.
    """
    if days < 0:
        raise ValueError("期限的工作日数不能为负数。")
    for event in events:
        if event.kind not in EVENT_KINDS:
            raise ValueError(
                f"未知的计时事件类型“{event.kind}”，应为 {'、'.join(EVENT_KINDS)} 之一。"
            )
    extensions = [event for event in events if event.kind == "extension"]
    if len(extensions) > 1:
        raise ValueError("答复期限只能延长一次（《条例》第三十三条第二款），不能再次延长。")
    for event in extensions:
        if not 1 <= event.days <= MAX_EXTENSION_DAYS:
            raise ValueError(
                f"延长的期限应为 1 至 {MAX_EXTENSION_DAYS} 个工作日（《条例》第三十三条第二款），"
                f"不能是 {event.days} 个。"
            )

    ordered = [
        event for _, event in sorted(enumerate(events), key=lambda p: (_as_date(p[1].date), p[0]))
    ]
    trace = _Trace(_calendar())
    step = trace.steps.append

    state: str | None = None  # None, "running", "paused", "correction"
    anchor: date | None = None
    clock_start: date | None = None
    base = days
    period = used = 0
    extension_days = 0
    corrections = 0

    for event in ordered:
        d = _as_date(event.date)
        note = event.note.strip()
        when = d.isoformat()
        if event.kind == "start":
            if state is not None:
                step(f"{when} 忽略重复的开始计时（计时已于 {clock_start} 开始）。")
                continue
            base = event.days if event.days > 0 else days
            state, anchor, clock_start, period, used = "running", d, d, base, 0
            step(f"{when} {note or '收到申请'}，开始计时（当日不计入），期限 {base} 个工作日。")

        elif event.kind == "restart":
            if extension_days:
                step(f"{when} 重新计时，此前批准的 {extension_days} 个工作日延期随之失效。")
                extension_days = 0
            state, anchor, clock_start, period, used = "running", d, d, base, 0
            step(
                f"{when} {note or '收到补正后的申请'}，重新计时（《条例》第三十条：自收到补正的申请之日起计算，"
                f"当日不计入），期限 {base} 个工作日。"
            )

        elif event.kind == "pause":
            if state is None:
                step(f"{when} 忽略暂停计时：尚未开始计时。")
                continue
            if state != "running":
                step(f"{when} 忽略暂停计时：计时已经暂停。")
                continue
            what = note or "征求第三方或其他机关意见"
            counted, reached = trace.count_until(anchor, d, period - used, used)
            if reached is not None:
                used, anchor = period, reached
                step(f"{when} {what}：期限已于 {fmt_date(reached)}届满，暂停不改变到期日。")
                continue
            used += counted
            anchor, state = max(anchor, d), "paused"
            step(
                f"{when} {what}，暂停计时（《条例》第三十三条第二款：征求意见所需时间不计算在期限内）；"
                f"已用 {used} 个工作日，剩余 {period - used} 个。"
            )

        elif event.kind == "resume":
            if state == "correction":
                step(f"{when} 忽略恢复计时：正在等待申请人补正，收到补正后应记录为重新计时。")
                continue
            if state != "paused":
                step(f"{when} 忽略恢复计时：计时没有暂停。")
                continue
            not_counted = trace.count_quietly(anchor, d)
            anchor, state = max(anchor, d), "running"
            step(
                f"{when} {note + '，' if note else ''}恢复计时，已用 {used} 个工作日，剩余 {period - used} 个"
                f"（暂停期间的 {not_counted} 个工作日不计入）。"
            )

        elif event.kind == "correction-asked":
            if state is None:
                step(f"{when} 忽略补正通知：尚未开始计时。")
                continue
            corrections += 1
            if state == "correction" or corrections > 1:
                step(f"{when} 再次通知补正：《条例》第三十条要求一次性告知需要补正的事项。")
            if clock_start is not None and trace.count_quietly(clock_start, d) > 7:
                step(f"{when} 注意：补正通知晚于收到申请后 7 个工作日（《条例》第三十条）。")
            state = "correction"
            step(
                f"{when} {note or '书面通知申请人补正'}（《条例》第三十条），计时中止；"
                "自收到补正后的申请之日起重新计算期限。"
            )

        elif event.kind == "extension":
            if state is None:
                step(f"{when} 忽略延长期限：尚未开始计时。")
                continue
            if state == "running":
                old_due = trace.peek(anchor, period - used)
                if d > old_due:
                    step(f"{when} 注意：延长决定晚于原到期日 {fmt_date(old_due)}。")
            period += event.days
            extension_days = event.days
            step(
                f"{when} {note or '经机构负责人同意'}，延长答复期限 {event.days} 个工作日"
                f"（《条例》第三十三条第二款），期限共 {period} 个工作日。"
            )

    if state is None:
        step("尚未开始计时，无法确定到期日。")
        return trace.result(None, days=period)
    if state == "paused":
        step(
            f"计时暂停中：已用 {used} 个工作日，剩余 {period - used} 个，恢复计时后才能确定到期日。"
        )
        return trace.result(None, paused=True, start=clock_start, days=period)
    if state == "correction":
        step("计时暂停中：等待申请人补正，收到补正后重新计算期限。")
        return trace.result(None, paused=True, start=clock_start, days=period)
    remaining = period - used
    if remaining and (used or len(trace.steps) > 1):
        step(f"自 {anchor.isoformat()} 的次日起计算剩余 {remaining} 个工作日：")
    due = trace.advance(anchor, remaining, offset=used, indent="  ")
    step(f"到期日 {fmt_date(due)}，即期限 {period} 个工作日的最后一天。")
    return trace.result(due, start=clock_start, days=period)


# --------------------------------------------------------------------------- one year


def calendar_year(year: int) -> YearCalendar:
    """A year's arrangement: its CalendarDay entries if official, else its statutory days."""
    cal = _calendar()
    info = cal.years.get(year)
    if info is None:
        days = [_status(cal, d) for d in sorted(_statutory_map(year))]
        return YearCalendar(year, False, "", "", days, cal.origin)
    days = [_status(cal, d) for d in sorted(d for d in cal.days if d.year == year)]
    return YearCalendar(year, True, info.source, info.notice, days, cal.origin)


# --------------------------------------------------------------------------- loading rows


def seed_from_package(years: range | list[int] | None = None) -> int:
    """Create WorkCalendar(source='package') rows and their CalendarDay rows from the
    chinese-calendar package, for `years` (default: every year the package covers).

    Every entry the package gives is stored (holidays on weekends too, so their names show).
    Idempotent: a year that already has a WorkCalendar — from the package or an official
    import — is left untouched; years the package does not know are skipped (they stay
    provisional). Returns the number of years created.
    """
    from django.db import transaction

    from .audit import record_event
    from .models import AuditEventType, CalendarDay, WorkCalendar

    data = package_days()
    wanted = sorted(data) if years is None else sorted({int(y) for y in years})
    wanted = [y for y in wanted if y in data]
    if not wanted:
        return 0
    created: list[int] = []
    notice = package_notice()
    with transaction.atomic():
        existing = set(WorkCalendar.objects.filter(year__in=wanted).values_list("year", flat=True))
        taken = set(
            CalendarDay.objects.filter(date__year__in=wanted).values_list("date", flat=True)
        )
        for year in wanted:
            if year in existing:
                continue
            calendar = WorkCalendar.objects.create(year=year, source="package", notice=notice)
            CalendarDay.objects.bulk_create(
                CalendarDay(calendar=calendar, date=d, is_workday=is_workday, name=name)
                for d, (is_workday, name) in sorted(data[year].items())
                if d not in taken
            )
            created.append(year)
        if created:
            record_event(
                AuditEventType.CALENDAR_CHANGED,
                after={"source": "package", "notice": notice, "years": created},
                message=f"从 chinese-calendar 数据包载入 {len(created)} 个年份的工作日历："
                f"{_year_span(created)}",
            )
        transaction.on_commit(forget_calendar)
    forget_calendar()
    return len(created)


def _year_span(years: list[int]) -> str:
    if not years:
        return ""
    if years == list(range(years[0], years[-1] + 1)) and len(years) > 1:
        return f"{years[0]}–{years[-1]}"
    return "、".join(str(y) for y in years)


_HOLIDAY_TYPES = {"放假", "休", "休息", "holiday", "off"}
_WORKDAY_TYPES = {"上班", "班", "补班", "调休上班", "workday", "work"}
_HEADER_ALIASES = {
    "date": "date",
    "日期": "date",
    "type": "type",
    "类型": "type",
    "name": "name",
    "名称": "name",
}
_DATE_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")


def _read_text(path_or_file) -> str:
    if isinstance(path_or_file, str | os.PathLike):
        path = Path(path_or_file)
        try:
            raw: bytes | str = path.read_bytes()
        except FileNotFoundError:
            raise CalendarImportError(f"文件不存在：{path}") from None
        except OSError as exc:
            raise CalendarImportError(f"无法读取文件 {path}：{exc.strerror or exc}") from None
    else:
        raw = path_or_file.read()
    if isinstance(raw, bytes):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise CalendarImportError("无法识别文件编码，请另存为 UTF-8 编码的 CSV。")
    return raw.lstrip("\ufeff")


def _cell(cells: list[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def parse_calendar_csv(path_or_file) -> tuple[int, list[tuple[date, bool, str]]]:
    """Read and check a calendar CSV (header `date,type,name`; type 放假/holiday or
    上班/workday). Returns (year, [(date, is_workday, name)]); raises CalendarImportError
    listing every bad line. Rules: one year per file, no duplicate dates, a name (≤30 chars)
    on every row, and 上班 only on a Saturday or Sunday (a weekday is a working day anyway)."""
    text = _read_text(path_or_file)
    reader = csv.reader(io.StringIO(text))
    errors: list[tuple[int, str]] = []
    columns: dict[str, int] | None = None
    rows: list[tuple[int, date, bool, str]] = []
    seen: dict[date, int] = {}
    year: int | None = None
    try:
        records = [(reader.line_num, record) for record in reader]
    except csv.Error as exc:
        raise CalendarImportError(f"CSV 格式错误（第 {reader.line_num} 行）：{exc}") from None
    for line, record in records:
        cells = [cell.strip() for cell in record]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if columns is None:
            names = [_HEADER_ALIASES.get(cell.lower(), cell.lower()) for cell in cells]
            if not {"date", "type", "name"} <= set(names):
                raise CalendarImportError(
                    "表头应为 date,type,name（日期,类型,名称），未导入任何数据。",
                    [(line, f"表头是“{','.join(cells)}”")],
                )
            columns = {key: names.index(key) for key in ("date", "type", "name")}
            continue
        raw_date, raw_type, name = (_cell(cells, columns[key]) for key in ("date", "type", "name"))
        problems = []
        d = None
        match = _DATE_RE.match(raw_date)
        if match:
            try:
                d = date(*(int(part) for part in match.groups()))
            except ValueError:
                d = None
        if d is None:
            problems.append(f"日期“{raw_date}”无效，应为 YYYY-MM-DD")
        kind = raw_type.lower()
        if kind in _HOLIDAY_TYPES:
            is_workday = False
        elif kind in _WORKDAY_TYPES:
            is_workday = True
        else:
            is_workday = None
            problems.append(f"类型“{raw_type}”无效，应为 放假/holiday 或 上班/workday")
        if not name:
            problems.append("名称不能为空（如 春节、国庆节）")
        elif len(name) > 30:
            problems.append("名称不能超过 30 个字")
        if d is not None:
            if year is None:
                year = d.year
            elif d.year != year:
                problems.append(f"日期 {d} 不在 {year} 年内（一个文件只能包含一个年份）")
            if d in seen:
                problems.append(f"日期 {d} 与第 {seen[d]} 行重复")
            else:
                seen[d] = line
            if is_workday and d.weekday() < 5:
                problems.append(f"{fmt_date(d)} 本来就是工作日，不能标为调休上班")
        if problems:
            errors.append((line, "；".join(problems)))
        else:
            rows.append((line, d, is_workday, name))
    if columns is None:
        raise CalendarImportError("文件是空的：应有表头 date,type,name 和至少一行数据。")
    if errors:
        raise CalendarImportError("工作日历 CSV 有错误，未导入任何数据：", errors)
    if not rows:
        raise CalendarImportError("文件中没有数据行，未导入任何数据。")
    return year, [(d, is_workday, name) for _, d, is_workday, name in rows]


def _calendar_snapshot(calendar) -> dict:
    days = list(calendar.days.order_by("date").values_list("date", "is_workday", "name"))
    return {
        "year": calendar.year,
        "source": calendar.source,
        "notice": calendar.notice,
        "holidays": sum(1 for _, w, _ in days if not w),
        "workdays": sum(1 for _, w, _ in days if w),
        "days": [f"{d.isoformat()} {'上班' if w else '放假'} {n}" for d, w, n in days],
    }


def import_calendar_csv(path_or_file, notice: str = "", actor=None):
    """Load one year's official holiday notice from a CSV (header `date,type,name`).

    The year's CalendarDay rows are replaced in one transaction and its WorkCalendar becomes
    source='official', so the year is no longer provisional (regulations.md: "recompute when
    the notice is loaded"). A bad file raises CalendarImportError listing the line numbers,
    and nothing is written. Writes a CALENDAR_CHANGED audit event. Returns the WorkCalendar.
    """
    from django.db import transaction

    from .audit import record_event
    from .models import AuditEventType, CalendarDay, WorkCalendar

    notice = (notice or "").strip()
    if len(notice) > 200:
        raise CalendarImportError("依据通知的名称不能超过 200 个字。")
    year, rows = parse_calendar_csv(path_or_file)
    with transaction.atomic():
        calendar = WorkCalendar.objects.select_for_update().filter(year=year).first()
        before = _calendar_snapshot(calendar) if calendar is not None else None
        if calendar is None:
            calendar = WorkCalendar(year=year)
        if not notice and before is not None and before["source"] == "official":
            notice = calendar.notice
        calendar.source = "official"
        calendar.notice = notice
        calendar.save()
        CalendarDay.objects.filter(date__year=year).delete()
        CalendarDay.objects.filter(calendar=calendar).delete()
        CalendarDay.objects.bulk_create(
            CalendarDay(calendar=calendar, date=d, is_workday=is_workday, name=name)
            for d, is_workday, name in sorted(rows)
        )
        after = _calendar_snapshot(calendar)
        record_event(
            AuditEventType.CALENDAR_CHANGED,
            actor=actor,
            obj=calendar,
            before=before,
            after=after,
            message=f"导入 {year} 年官方工作日历{f'（{notice}）' if notice else ''}："
            f"放假 {after['holidays']} 天，调休上班 {after['workdays']} 天",
        )
        transaction.on_commit(forget_calendar)
    forget_calendar()
    return calendar


def provisional_rule(year: int) -> str:
    """One line saying how a provisional year is computed."""
    return (
        f"{year} 年的国务院节假日安排通知尚未载入：按周末和《全国年节及纪念日放假办法》"
        f"（{revision_for(year)}）规定的法定节假日暂定计算，不含调休。"
    )
