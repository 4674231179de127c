"""Tables 三 and 四 of the annual report (国办公开办函〔2021〕30号), computed from the cases.

Counting rules, per year Y:

* 一、本年新收: received in Y;
* 二、上年结转: received before 1 January Y and not concluded (replied, abandoned or not processed
  for non-payment) before that day;
* 三、本年度办理结果: concluded in Y, by outcome — each request counts once, under its outcome;
* 四、结转下年度继续办理: received by 31 December Y and not concluded by then.

With these rules 一 + 二 = 三（七）+ 四 in every column, by construction. Requests closed as
registered by mistake (`void`) are not requests and are never counted.

Table 四 counts the appeals filed in Y or decided in Y, with their result as of 31 December Y
(undecided then: 尚未审结).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from gongkai.core.models import FOI_RECIPIENT_TYPES

from . import rules
from .models import Appeal, AppealKind, AppealResult, FoiRequest, OrgCategory

COLUMNS: list[tuple[str, str]] = (
    [("natural", "自然人")]
    + [(value, str(label)) for value, label in OrgCategory.choices]
    + [("total", "总计")]
)
COLUMN_KEYS = [key for key, _ in COLUMNS]


@dataclass
class Row:
    key: str
    label: str
    level: int
    values: dict[str, int] = field(default_factory=dict)

    @property
    def cells(self) -> list[int]:
        return [self.values[key] for key in COLUMN_KEYS]


@dataclass
class TableThree:
    year: int
    rows: list[Row]

    def row(self, key: str) -> Row:
        return next(row for row in self.rows if row.key == key)

    def check(self) -> dict[str, bool]:
        """一 + 二 = 三（七）+ 四, per column."""
        new, carried = self.row("new"), self.row("carried")
        total, forward = self.row("total"), self.row("forward")
        return {
            key: new.values[key] + carried.values[key] == total.values[key] + forward.values[key]
            for key in COLUMN_KEYS
        }

    @property
    def check_ok(self) -> bool:
        return all(self.check().values())


def requests_in_scope(site=None, organisations=None) -> QuerySet[FoiRequest]:
    """The counted requests of a site, or of some organisations (their own requests). Only
    requests to organs that receive them under the 条例 count (第二条、第五十四条): a case
    registered for a company or a villagers' committee is not a 政府信息公开 request."""
    qs = FoiRequest.objects.filter(void=False, organisation__legal_type__in=FOI_RECIPIENT_TYPES)
    if site is not None:
        qs = qs.filter(site=site)
    if organisations is not None:
        qs = qs.filter(organisation__in=organisations)
    return qs


def _empty() -> dict[str, int]:
    return dict.fromkeys(COLUMN_KEYS, 0)


def _add(values: dict[str, int], column: str) -> None:
    values[column] += 1
    values["total"] += 1


def _column_counts(grouped, measure: str, into: dict[str, int]) -> None:
    for group in grouped:
        if group[measure]:
            column = "natural" if group["applicant_kind"] == "natural" else group["org_category"]
            into[column] += group[measure]
            into["total"] += group[measure]


def table_three(requests: QuerySet[FoiRequest], year: int) -> TableThree:
    """One aggregate query (conditional counts grouped by applicant column and outcome), so a
    year of 100,000 requests is counted by the database, not in Python."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    new, carried, forward, total = _empty(), _empty(), _empty(), _empty()
    counted = Q(received_on__gte=start) | Q(replied_on__isnull=True) | Q(replied_on__gte=start)
    open_at_end = Q(replied_on__isnull=True) | Q(replied_on__gt=end)
    grouped = list(
        requests.filter(counted, void=False, received_on__lte=end)
        .order_by()
        .values("applicant_kind", "org_category", "outcome")
        .annotate(
            new=Count("pk", filter=Q(received_on__gte=start)),
            carried=Count("pk", filter=Q(received_on__lt=start)),
            concluded=Count("pk", filter=Q(replied_on__gte=start, replied_on__lte=end)),
            forward=Count("pk", filter=open_at_end),
        )
    )
    _column_counts(grouped, "new", new)
    _column_counts(grouped, "carried", carried)
    _column_counts(grouped, "concluded", total)
    _column_counts(grouped, "forward", forward)
    by_outcome: dict[str, dict[str, int]] = {}
    for group in grouped:
        if group["concluded"]:
            _column_counts([group], "concluded", by_outcome.setdefault(group["outcome"], _empty()))
    rows = [
        Row("new", "一、本年新收政府信息公开申请数量", 0, new),
        Row("carried", "二、上年结转政府信息公开申请数量", 0, carried),
        Row("results", "三、本年度办理结果", 0, None),
    ]
    for outcome_row in rules.outcome_rows():
        values = _empty()
        for code in outcome_row.outcomes:
            for key, count in by_outcome.get(code, {}).items():
                values[key] += count
        rows.append(Row(outcome_row.key, outcome_row.label, outcome_row.level, values))
    rows.append(Row("total", "（七）总计", 1, total))
    rows.append(Row("forward", "四、结转下年度继续办理", 0, forward))
    return TableThree(year, rows)


APPEAL_GROUPS = [
    (AppealKind.RECONSIDERATION, "行政复议"),
    (AppealKind.LITIGATION_DIRECT, "未经复议直接起诉"),
    (AppealKind.LITIGATION_AFTER, "复议后起诉"),
]
APPEAL_RESULTS = [
    (AppealResult.MAINTAINED, "结果维持"),
    (AppealResult.CORRECTED, "结果纠正"),
    (AppealResult.OTHER, "其他结果"),
    (AppealResult.PENDING, "尚未审结"),
    ("total", "总计"),
]


def table_four(requests: QuerySet[FoiRequest], year: int) -> dict[str, dict[str, int]]:
    """{kind: {result: count, "total": n}} for the three groups of table 四."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    table = {kind: dict.fromkeys([r for r, _ in APPEAL_RESULTS], 0) for kind, _ in APPEAL_GROUPS}
    decided = Q(decided_on__isnull=False, decided_on__lte=end)
    grouped = (
        Appeal.objects.filter(request__in=requests, filed_on__lte=end)
        .filter(Q(filed_on__gte=start) | Q(decided_on__gte=start, decided_on__lte=end))
        .order_by()
        .values("kind", "result")
        .annotate(decided=Count("pk", filter=decided), pending=Count("pk", filter=~decided))
    )
    for group in grouped:
        row = table[group["kind"]]
        if group["decided"]:
            row[group["result"]] += group["decided"]
        row[AppealResult.PENDING] += group["pending"]
        row["total"] += group["decided"] + group["pending"]
    return table


@dataclass
class Handling:
    concluded: int
    average_days: float | None
    overdue: int
    overdue_rate: float | None
    open_overdue: int


def handling(requests: QuerySet[FoiRequest], year: int, today: date | None = None) -> Handling:
    """Average handling time in working days (pauses and correction waits not counted) and the
    share of the year's conclusions that came after the due date (《条例》第三十三条)."""
    today = today or timezone.localdate()
    concluded = list(requests.filter(void=False, replied_on__year=year).prefetch_related("events"))
    days = [rules.handling_working_days(r.events.all(), r.replied_on) for r in concluded]
    with_due = [r for r in concluded if r.due_date is not None]
    overdue = sum(1 for r in with_due if r.replied_on > r.due_date)
    open_overdue = requests.filter(void=False, replied_on__isnull=True, due_date__lt=today).count()
    return Handling(
        concluded=len(concluded),
        average_days=round(sum(days) / len(days), 1) if days else None,
        overdue=overdue,
        overdue_rate=round(100 * overdue / len(with_due), 1) if with_due else None,
        open_overdue=open_overdue,
    )
