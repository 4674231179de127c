"""办件公示: the monthly counts and results of cases per item and window, as the acceptance
system (一窗受理系统) reports them, imported as .xlsx or through the API, and published.

One rule for both ways in: rows are checked whole first (every error named by its row, in
Chinese), and stored only when all are right (all or nothing), as an upsert per item, window
and month, so sending the same month again changes nothing. The inspection indicators
(国办秘函〔2019〕19号, 办事服务) deduct when service statistics are not updated within 3
months; oversight.indicators.guides watches `latest_month`."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from gongkai.core import permissions
from gongkai.core.audit import record_event
from gongkai.core.models import AuditEventType, Site
from gongkai.core.sites import touch_site
from gongkai.core.uploads import SuspiciousFile, accept_by_content

from .models import CaseStatistic, ServiceItem, Window
from .windows import HALL_ROLES

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
#: the sheet's columns, in order (the header row is matched by these names)
COLUMNS = [
    ("month", "统计月份"),
    ("item_code", "事项编码"),
    ("window_number", "窗口号"),
    ("received", "受理件数"),
    ("completed", "办结件数"),
    ("approved", "准予件数"),
    ("refused", "不予件数"),
    ("on_time", "按时办结件数"),
]
COUNTS = ("received", "completed", "approved", "refused", "on_time")
LABELS = dict(COLUMNS)


class CaseImportError(ValueError):
    """What is wrong with an import, each error naming its row; nothing was stored."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("；".join(errors[:20]))


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    months: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


_MONTH = re.compile(
    r"^\s*(\d{4})\s*(?:[-/.年])\s*(\d{1,2})\s*(?:月)?\s*(?:[-/.]\s*\d{1,2}\s*日?)?\s*$"
)


def parse_month(value) -> date | None:
    """2026-10, 2026/10, 2026年10月, 2026-10-01 or an Excel date → the month's first day."""
    if isinstance(value, datetime):
        return value.date().replace(day=1)
    if isinstance(value, date):
        return value.replace(day=1)
    match = _MONTH.match(str(value or ""))
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        return None
    return date(year, month, 1)


def _count(value) -> int | None:
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    if isinstance(value, int):
        return value if value >= 0 else None
    text = str(value).strip().replace(",", "")
    return int(text) if text.isdigit() else None


@dataclass
class _Row:
    where: str
    month: date
    item: ServiceItem
    window: Window | None
    counts: dict


def check_rows(site: Site, rows: list[tuple[str, dict]], today: date | None = None):
    """(label, values) → checked rows, or CaseImportError listing every bad row. `label`
    names the row in messages (“第 3 行”)."""
    today = today or timezone.localdate()
    current = today.replace(day=1)
    items = {i.code: i for i in ServiceItem.objects.filter(site=site)}
    windows = {w.number: w for w in Window.objects.filter(site=site)}
    errors: list[str] = []
    checked: list[_Row] = []
    seen: dict[tuple, str] = {}
    for where, values in rows:
        problems = []
        month = parse_month(values.get("month"))
        if month is None:
            problems.append(f"统计月份“{values.get('month') or ''}”无效，应如 2026-10")
        elif month > current:
            problems.append(f"统计月份 {month:%Y-%m} 尚未到来")
        code = str(values.get("item_code") or "").strip()
        item = items.get(code)
        if not code:
            problems.append("缺少事项编码")
        elif item is None:
            problems.append(f"本站点没有事项编码“{code}”")
        number = str(values.get("window_number") or "").strip()
        if number.endswith(".0") and number[:-2].isdigit():
            number = number[:-2]
        window = windows.get(number) if number else None
        if number and window is None:
            problems.append(f"本站点没有窗口号“{number}”")
        counts = {}
        for name in COUNTS:
            value = _count(values.get(name))
            if value is None:
                problems.append(f"{LABELS[name]}“{values.get(name)}”应为不小于 0 的整数")
            counts[name] = value or 0
        if not problems:
            if counts["approved"] + counts["refused"] > counts["completed"]:
                problems.append("准予件数与不予件数之和不能大于办结件数")
            if counts["on_time"] > counts["completed"]:
                problems.append("按时办结件数不能大于办结件数")
        if not problems:
            key = (item.pk, window.pk if window else None, month)
            if key in seen:
                problems.append(f"与{seen[key]}重复（同一事项、窗口和月份）")
            else:
                seen[key] = where
        if problems:
            errors.append(f"{where}：" + "，".join(problems))
        else:
            checked.append(_Row(where, month, item, window, counts))
    if errors:
        raise CaseImportError(errors)
    if not checked:
        raise CaseImportError(["没有可导入的数据行。"])
    return checked


def store(actor, site: Site, rows: list[tuple[str, dict]], *, source: str) -> ImportResult:
    """Check `rows` and upsert them in one transaction (all or nothing)."""
    permissions.require(actor, "导入办件统计", site, HALL_ROLES)
    checked = check_rows(site, rows)
    result = ImportResult()
    with transaction.atomic():
        for row in checked:
            existing = (
                CaseStatistic.objects.select_for_update()
                .filter(site=site, item=row.item, window=row.window, month=row.month)
                .first()
            )
            if existing is None:
                CaseStatistic.objects.create(
                    site=site, item=row.item, window=row.window, month=row.month, **row.counts
                )
                result.created += 1
            elif all(getattr(existing, k) == v for k, v in row.counts.items()):
                result.unchanged += 1
            else:
                for name, value in row.counts.items():
                    setattr(existing, name, value)
                existing.save()
                result.updated += 1
        result.months = sorted({f"{r.month:%Y-%m}" for r in checked})
        if result.created or result.updated:
            record_event(
                AuditEventType.IMPORTED,
                actor=actor,
                obj=site,
                after={
                    "model": "guides.casestatistic",
                    "source": source,
                    "created": result.created,
                    "updated": result.updated,
                    "months": result.months,
                },
                message=f"导入办件统计：新增 {result.created} 条，更新 {result.updated} 条",
                site=site,
            )
            transaction.on_commit(lambda: touch_site(site))
    return result


def read_xlsx(name: str, data: bytes) -> list[tuple[str, dict]]:
    """The rows of the first sheet under a header row naming the columns (COLUMNS)."""
    from openpyxl import load_workbook

    try:
        accept_by_content(name, data, kinds=("xlsx",), purpose="办件统计表", max_bytes=MAX_BYTES)
    except SuspiciousFile as exc:
        raise CaseImportError([str(exc)]) from None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable workbook is the user's file, not a bug
        raise CaseImportError([f"“{name or '文件'}”无法作为 Excel 工作簿读取。"]) from None
    sheet = book.worksheets[0]
    header: dict[str, int] | None = None
    rows: list[tuple[str, dict]] = []
    for number, cells in enumerate(sheet.iter_rows(values_only=True), 1):
        if not any(c not in (None, "") for c in cells):
            continue
        if header is None:
            texts = [str(c or "").strip() for c in cells]
            found = {key: texts.index(label) for key, label in COLUMNS if label in texts}
            if "month" in found and "item_code" in found:
                missing = [label for key, label in COLUMNS if key not in found]
                if missing:
                    raise CaseImportError([f"第 {number} 行（表头）缺少列：{'、'.join(missing)}"])
                header = found
            continue
        if len(rows) >= MAX_ROWS:
            raise CaseImportError([f"数据超过 {MAX_ROWS} 行，请分月导入。"])
        values = {k: (cells[i] if i < len(cells) else None) for k, i in header.items()}
        rows.append((f"第 {number} 行", values))
    book.close()
    if header is None:
        raise CaseImportError(
            ["找不到表头行：第一张工作表应有“" + "”“".join(LABELS.values()) + "”列。"]
        )
    return rows


def import_xlsx(actor, site: Site, name: str, data: bytes) -> ImportResult:
    permissions.require(actor, "导入办件统计", site, HALL_ROLES)
    return store(actor, site, read_xlsx(name, data), source="xlsx")


def template_xlsx() -> bytes:
    """An empty sheet with the header row, for the acceptance system's export."""
    from openpyxl import Workbook

    from gongkai.core.exports import xlsx_cell

    book = Workbook()
    sheet = book.active
    sheet.title = "办件统计"
    rows = [
        [label for _key, label in COLUMNS],
        ["2026-10", "330302-XK-0001", "1", 12, 10, 9, 1, 10],
    ]
    for row_number, row in enumerate(rows, 1):
        for column, value in enumerate(row, 1):
            xlsx_cell(sheet, row_number, column, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- reading


def on_time_rate(on_time: int, completed: int) -> str:
    return f"{on_time * 100 / completed:.1f}%" if completed else "—"


def latest_month(site: Site) -> date | None:
    return CaseStatistic.objects.filter(site=site).aggregate(m=Max("month"))["m"]


def months(site: Site) -> list[date]:
    return list(
        CaseStatistic.objects.filter(site=site)
        .order_by("-month")
        .values_list("month", flat=True)
        .distinct()
    )


def monthly_rows(site: Site, month: date):
    """The published table of one month: a row per item and window."""
    rows = (
        CaseStatistic.objects.filter(site=site, month=month)
        .select_related("item__organisation", "window")
        .order_by("item__code", "window__number")
    )
    for row in rows:
        row.rate = on_time_rate(row.on_time, row.completed)
    return rows


def totals(site: Site, month: date | None = None, year: int | None = None) -> dict:
    qs = CaseStatistic.objects.filter(site=site)
    if month is not None:
        qs = qs.filter(month=month)
    if year is not None:
        qs = qs.filter(month__year=year)
    sums = qs.aggregate(**{name: Sum(name) for name in COUNTS})
    sums = {k: v or 0 for k, v in sums.items()}
    sums["rate"] = on_time_rate(sums["on_time"], sums["completed"])
    return sums


#: 国办秘函〔2019〕19号 (办事服务): service statistics not updated within 3 months cost points
UPDATE_MONTHS = 3


def update_due(latest: date) -> date:
    """The day statistics whose newest month is `latest` count as not updated for
    UPDATE_MONTHS months: the next month's figures can be published once it has ended, so
    from the first day of `latest` + UPDATE_MONTHS + 1 months nothing new came for 3 months."""
    from gongkai.participation.rules import months_later

    return months_later(latest.replace(day=1), UPDATE_MONTHS + 1)
