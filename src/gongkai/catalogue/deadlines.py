"""公开时限 as structured data (`DeadlineRule`) and a parser for the free text catalogues use.

The default rule is 《政府信息公开条例》第二十六条: publish within 20 working days of the
information being formed or changed, unless a law sets another limit. Catalogues write it in
many ways (信息形成或者变更之日起20个工作日内, 二十个工作日, 自…之日起7日内, 实时, 及时公开,
每季度, 停水24小时前, 长期公开, 同上 …). What the parser cannot read is kept with kind
``unparsed`` and listed for the office admin, never dropped."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta

from .text import clean_text, cn_numbers_to_digits

KINDS = {
    "working_days": "工作日内",
    "natural_days": "自然日内",
    "before_event": "事前",
    "periodic": "定期",
    "realtime": "实时",
    "immediate": "及时",
    "long_term": "长期",
    "on_request": "依申请",
    "unparsed": "未识别",
}
PERIODS = {"monthly": "每月", "quarterly": "每季度", "half_yearly": "每半年", "yearly": "每年"}


@dataclass(frozen=True)
class DeadlineRule:
    """One time limit. `days`/`hours` are the amount, `event` what the period runs from (or
    what it precedes, for before_event; the date qualifier for periodic), `original` the text
    as written in the catalogue."""

    kind: str
    days: int | None = None
    hours: int | None = None
    event: str = ""
    period: str = ""
    original: str = ""

    @property
    def parsed(self) -> bool:
        return self.kind != "unparsed"

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("original")
        return {k: v for k, v in data.items() if v not in (None, "")}

    @classmethod
    def from_dict(cls, data: dict | None, original: str = "") -> DeadlineRule:
        data = data or {}
        if data.get("kind") not in KINDS:
            return cls("unparsed", original=original)
        fields = {k: data.get(k) for k in ("days", "hours")}
        return cls(
            data["kind"],
            event=data.get("event", ""),
            period=data.get("period", ""),
            original=original,
            **fields,
        )

    def describe(self) -> str:
        """A short Chinese description, e.g. 信息形成或者变更之日起20个工作日内."""
        k = self.kind
        if k == "working_days":
            return f"{self.event or '信息形成或者变更'}之日起{self.days}个工作日内"
        if k == "natural_days":
            return f"{self.event or '信息形成或者变更'}之日起{self.days}日内"
        if k == "before_event":
            amount = f"{self.hours}小时" if self.hours else f"{self.days}日"
            return f"{self.event or '事项发生'}{amount}前"
        if k == "periodic":
            return PERIODS.get(self.period, "定期") + (f"（{self.event}）" if self.event else "")
        if k == "realtime":
            return "实时公开"
        if k == "immediate":
            return "及时公开"
        if k == "long_term":
            return "长期公开"
        if k == "on_request":
            return "依申请公开"
        return f"未识别：{self.original}" if self.original else "未填写"

    def due_date(self, formation_date: date):
        """The due date for information formed on `formation_date`, for day-counted rules.

        Working days follow the State Council calendar (gongkai.core.workcalendar; the day of
        formation is not counted, 《条例》第二十六条). Returns a DueDate, or None when the rule
        is not counted in days from formation."""
        from gongkai.core.workcalendar import DueDate, add_working_days, fmt_date

        if self.kind == "working_days" and self.days is not None:
            return add_working_days(formation_date, self.days)
        if self.kind == "natural_days" and self.days is not None:
            due = formation_date + timedelta(days=self.days)
            steps = [
                f"起算日 {fmt_date(formation_date)}，当日不计入；期限 {self.days} 日（自然日）。",
                f"到期日 {fmt_date(due)}。",
            ]
            return DueDate(
                date=due, provisional=False, steps=steps, start=formation_date, days=self.days
            )
        return None


_LAW_CLAUSE = re.compile(
    r"[，,；;。]?\s*(?:法律|法规|法律、?法规)[^，,；;。]*另有规定的?[^，,；;。]*[。]?"
)
_WORKING = re.compile(r"(\d+)\s*个?工作日")
_NATURAL = re.compile(r"(\d+)\s*(?:个)?(?:自然日|日|天)(?!前)")
_HOURS = re.compile(r"(\d+)\s*(?:个)?小时")
_BEFORE = re.compile(r"^(.*?)(?:提前)?(\d+)\s*(个工作日|个?自然日|日|天|个?小时)(?:以)?前")
_BEFORE_AFTER = re.compile(r"^(.+?)前\s*(\d+)\s*(个工作日|个?自然日|日|天|个?小时)")
_CALENDAR_DATE = [
    ("monthly", re.compile(r"次月")),
    ("quarterly", re.compile(r"次季度?|下季度?")),
    ("yearly", re.compile(r"次年|下一?年|\d+\s*月\s*(?:\d+\s*日|底|末)(?:之)?前")),
]
_ADVANCE = re.compile(r"提前\s*(\d+)\s*(个工作日|个?自然日|日|天|个?小时)")
_FROM_EVENT = re.compile(r"^(?:自|从|在|于)?(.+?)(?:之日起|之日后|之日|起|后)")
_PERIODIC = [
    ("monthly", re.compile(r"每月|按月|逐月|月度")),
    ("quarterly", re.compile(r"每季度?|按季度?|季度")),
    ("half_yearly", re.compile(r"每半年|半年度?")),
    ("yearly", re.compile(r"每年度?|按年度?|年度(?:公开|更新)|逐年")),
]
_REALTIME = re.compile(r"实时|即时")
_IMMEDIATE = re.compile(r"及时|立即|第一时间|随时|即刻")
_LONG_TERM = re.compile(r"长期|常态化|持续公开|常年")
_ON_REQUEST = re.compile(r"依申请|申请人申请")
_SAME_AS_ABOVE = re.compile(r"^同上[。.]?$")
#: no real 公开时限 counts more than six digits of days; longer runs are garbage that would
#: make the unanchored `(\d+)…` patterns quadratic (20,000 digits took minutes) and int()
#: raise past Python's 4,300-digit limit
_LONG_NUMBER = re.compile(r"\d{7,}")


def _event(prefix: str) -> str:
    prefix = prefix.strip("，,；;。 ")
    match = _FROM_EVENT.match(prefix)
    text = match.group(1) if match else prefix
    return text.strip("，,；;。 自从在于")


def parse_deadline(text: str | None, previous: DeadlineRule | None = None) -> DeadlineRule:
    """Parse a 公开时限 cell into a DeadlineRule; kind "unparsed" if it cannot be read.

    `previous` is the rule of the row above, which 同上 repeats."""
    original = clean_text(text or "")
    if not original:
        return DeadlineRule("unparsed", original="")
    if _SAME_AS_ABOVE.match(original):
        if previous is None:
            return DeadlineRule("unparsed", original=original)
        return previous
    s = cn_numbers_to_digits(original).replace("\n", "")
    if _LONG_NUMBER.search(s):
        return DeadlineRule("unparsed", original=original)
    s = _LAW_CLAUSE.sub("", s).strip("，,；;。 ")

    for period, pattern in _PERIODIC:
        match = pattern.search(s)
        if match:
            qualifier = s[match.end() :].strip("，,；;。 （）()")
            qualifier = re.sub(r"^(?:公开|更新|发布)", "", qualifier).strip("，,；;。 （）()")
            return DeadlineRule("periodic", period=period, event=qualifier, original=original)

    for period, pattern in _CALENDAR_DATE:
        if pattern.search(s):
            return DeadlineRule("periodic", period=period, event=s, original=original)

    match = _BEFORE_AFTER.search(s)
    if match:
        amount, unit = int(match.group(2)), match.group(3)
        event = match.group(1).strip("，,；;。 在于")
        if "小时" in unit:
            return DeadlineRule("before_event", hours=amount, event=event, original=original)
        return DeadlineRule("before_event", days=amount, event=event, original=original)
    match = _BEFORE.search(s)
    if match:
        amount, unit = int(match.group(2)), match.group(3)
        event = match.group(1).strip("，,；;。 在于")
        if "小时" in unit:
            return DeadlineRule("before_event", hours=amount, event=event, original=original)
        return DeadlineRule("before_event", days=amount, event=event, original=original)
    match = _ADVANCE.search(s)
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        event = re.sub(r"(?:提前|公开|公告|发布)$", "", s[: match.start()]).strip("，,；;。 在于")
        if "小时" in unit:
            return DeadlineRule("before_event", hours=amount, event=event, original=original)
        return DeadlineRule("before_event", days=amount, event=event, original=original)

    match = _WORKING.search(s)
    if match:
        return DeadlineRule(
            "working_days",
            days=int(match.group(1)),
            event=_event(s[: match.start()]),
            original=original,
        )
    match = _NATURAL.search(s)
    if match:
        return DeadlineRule(
            "natural_days",
            days=int(match.group(1)),
            event=_event(s[: match.start()]),
            original=original,
        )
    match = _HOURS.search(s)
    if match:
        hours = int(match.group(1))
        return DeadlineRule(
            "natural_days",
            days=max(1, -(-hours // 24)),
            hours=hours,
            event=_event(s[: match.start()]),
            original=original,
        )
    if _REALTIME.search(s):
        return DeadlineRule("realtime", original=original)
    if _IMMEDIATE.search(s):
        return DeadlineRule("immediate", original=original)
    if _LONG_TERM.search(s):
        return DeadlineRule("long_term", original=original)
    if _ON_REQUEST.search(s):
        return DeadlineRule("on_request", original=original)
    return DeadlineRule("unparsed", original=original)


def with_original(rule: DeadlineRule, original: str) -> DeadlineRule:
    return replace(rule, original=original)
