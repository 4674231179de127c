"""When a record is due, whether it was on time, which periods are still missing, and who
needs reminding.

《政府信息公开条例》第二十六条: publish within 20 working days of the information being
formed or changed, unless a law sets another limit; the leaf's `DeadlineRule` says which
limit applies. The due date comes from the calendar engine with its explanation; timeliness
is stored at publication (0 = on time, otherwise N working days late)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from gongkai.catalogue.deadlines import PERIODS
from gongkai.catalogue.models import CatalogueItem
from gongkai.core import permissions
from gongkai.core.models import Role
from gongkai.core.workcalendar import add_working_days, count_working_days, fmt_date

from .models import ExpectedSlot, Record, State

OPEN_STATES = (State.DRAFT, State.SUBMITTED, State.RETURNED, State.APPROVED)
PERIODIC_DAYS = 20  # 《条例》第二十六条, counted from the end of the period


@dataclass
class Due:
    date: date | None
    explanation: str
    provisional: bool = False


def due_for(item: CatalogueItem, formed_on: date) -> Due:
    """The due date for information of `item` formed on `formed_on`, with the explanation."""
    rule = item.deadline_rule()
    head = f"公开时限：{rule.describe()}"
    if rule.original and rule.original != rule.describe():
        head += f"（目录原文：{rule.original}）"
    computed = rule.due_date(formed_on) if formed_on else None
    if computed is None or computed.date is None:
        if rule.kind == "unparsed":
            note = "目录的公开时限无法识别，按《条例》第二十六条的 20 个工作日计算。"
            computed = add_working_days(formed_on, 20)
            return Due(
                computed.date,
                "\n".join([head, note, computed.explain()]),
                computed.provisional,
            )
        return Due(None, f"{head}。该时限不按形成日期计算工作日，不设到期日。")
    return Due(computed.date, "\n".join([head, computed.explain()]), computed.provisional)


def apply_due(record: Record) -> None:
    due = due_for(record.catalogue_item, record.formed_on)
    record.due_date = due.date
    record.due_explanation = due.explanation
    record.due_provisional = due.provisional


def days_late(due: date | None, published_on: date) -> int:
    """Working days after the due date on which the record was published (0 = on time)."""
    if due is None or published_on <= due:
        return 0
    return count_working_days(due, published_on)


def timeliness_label(record: Record) -> str:
    if record.days_late is None:
        return ""
    if record.days_late == 0:
        return "按时发布"
    return f"超期 {record.days_late} 个工作日"


# --------------------------------------------------------------------------- periodic slots


def _periods(period: str, year: int) -> list[tuple[str, date, date]]:
    def end_of_month(y: int, m: int) -> date:
        return (date(y + (m == 12), m % 12 + 1, 1)) - timedelta(days=1)

    if period == "monthly":
        return [(f"{year}年{m}月", date(year, m, 1), end_of_month(year, m)) for m in range(1, 13)]
    if period == "quarterly":
        return [
            (f"{year}年第{q}季度", date(year, 3 * q - 2, 1), end_of_month(year, 3 * q))
            for q in range(1, 5)
        ]
    if period == "half_yearly":
        return [
            (f"{year}年上半年", date(year, 1, 1), date(year, 6, 30)),
            (f"{year}年下半年", date(year, 7, 1), date(year, 12, 31)),
        ]
    if period == "yearly":
        return [(f"{year}年度", date(year, 1, 1), date(year, 12, 31))]
    return []


def ensure_slots(site, year: int, *, actor) -> int:
    """Create the expected slots of `year` for every periodic leaf of `site` and each of its
    responsible organisations. Idempotent; returns the number created. A yearly job: the
    office admin or `permissions.SYSTEM`.

    The information of a period is formed when the period ends, so its slot is due
    PERIODIC_DAYS working days later (《条例》第二十六条)."""
    permissions.require(actor, "生成应公开期次", site, (Role.OFFICE_ADMIN,))
    created = 0
    leaves = CatalogueItem.objects.filter(
        site=site, numchild=0, is_retired=False, deadline__kind="periodic"
    )
    for item in leaves.prefetch_related("organisations"):
        rule = item.deadline_rule()
        for org in item.organisations.all():
            for label, start, end in _periods(rule.period, year):
                due = add_working_days(end, PERIODIC_DAYS)
                explanation = (
                    f"公开时限：{rule.describe()}。{label}的信息于 {fmt_date(end)}形成，"
                    f"按《条例》第二十六条自次日起 {PERIODIC_DAYS} 个工作日内公开。\n"
                    + due.explain()
                )
                _, made = ExpectedSlot.objects.get_or_create(
                    catalogue_item=item,
                    organisation=org,
                    period_start=start,
                    defaults={
                        "site": site,
                        "label": label,
                        "period_end": end,
                        "due_date": due.date,
                        "due_explanation": explanation,
                    },
                )
                created += made
    return created


def period_label(rule_period: str) -> str:
    return PERIODS.get(rule_period, "")


# --------------------------------------------------------------------------- duties


@dataclass
class Duty:
    """Something an organisation must publish: an unpublished record or an empty slot."""

    title: str
    organisation: str
    due_date: date
    overdue: bool
    url: str
    kind: str  # "record" | "slot"
    explanation: str = ""


def duties_for(organisations, today: date | None = None, horizon_days: int = 10) -> list[Duty]:
    """Due (within `horizon_days` working days) and overdue duties of the organisations."""
    from django.urls import reverse

    today = today or timezone.localdate()
    horizon = add_working_days(today, horizon_days).date or today + timedelta(days=14)
    duties: list[Duty] = []
    records = Record.objects.filter(
        organisation__in=organisations, state__in=OPEN_STATES, due_date__isnull=False
    ).filter(due_date__lte=horizon)
    for r in records.select_related("organisation"):
        duties.append(
            Duty(
                r.title,
                r.organisation.name,
                r.due_date,
                r.due_date < today,
                reverse("records_staff:detail", args=[r.pk]),
                "record",
                r.due_explanation,
            )
        )
    slots = (
        ExpectedSlot.objects.filter(organisation__in=organisations, due_date__lte=horizon)
        .exclude(records__state=State.PUBLISHED)
        .select_related("catalogue_item", "organisation")
    )
    for s in slots:
        duties.append(
            Duty(
                f"{s.catalogue_item.name}（{s.label}）",
                s.organisation.name,
                s.due_date,
                s.due_date < today,
                reverse("records_staff:new") + f"?item={s.catalogue_item_id}&slot={s.pk}",
                "slot",
                s.due_explanation,
            )
        )
    return sorted(duties, key=lambda d: (d.due_date, d.title))


def reminders_due(today: date | None = None):
    """Records and slots whose due date falls within their leaf's reminder window and that
    were not reminded today: (records, slots)."""
    today = today or timezone.localdate()
    window_end = add_working_days(today, 3).date
    records = (
        Record.objects.filter(state__in=OPEN_STATES, due_date__isnull=False)
        .filter(due_date__gte=today, due_date__lte=window_end)
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
    )
    slots = (
        ExpectedSlot.objects.filter(due_date__gte=today, due_date__lte=window_end)
        .exclude(records__state=State.PUBLISHED)
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
    )
    return records, slots
