"""The per-column report: how many pages each old column had, and what became of them, so a
switch can show that nothing was lost (a column's pages before and after the migration)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.db.models import Count, Q

from gongkai.core.models import Site
from gongkai.records.models import State

from .models import LegacyPage, PageStatus, ReviewState


@dataclass
class ColumnRow:
    column_name: str
    pages_before: int  # the old site's document pages in the column (list pages not counted)
    imported: int
    duplicates: int
    failed: int
    published: int  # imported pages now public here, as records
    pending: int  # imported, waiting for staff to confirm
    rejected: int = 0  # imported, and staff decided not to migrate them (不予迁移)

    @property
    def missing(self) -> int:
        """Pages before that are neither public here, nor duplicates, nor waiting, nor set
        aside by staff: failed pages, and records withdrawn since."""
        return self.pages_before - self.published - self.duplicates - self.pending - self.rejected


def column_report(site: Site) -> list[ColumnRow]:
    rows = (
        LegacyPage.objects.filter(site=site)
        .exclude(status=PageStatus.LISTING)
        .values("column_name")
        .annotate(
            pages_before=Count("pk"),
            imported=Count("pk", filter=Q(status=PageStatus.IMPORTED)),
            duplicates=Count("pk", filter=Q(status=PageStatus.DUPLICATE)),
            failed=Count("pk", filter=Q(status=PageStatus.FAILED)),
            published=Count(
                "pk", filter=Q(status=PageStatus.IMPORTED, record__state=State.PUBLISHED)
            ),
            pending=Count(
                "pk",
                filter=Q(
                    status=PageStatus.IMPORTED,
                    record__isnull=True,
                    review_state=ReviewState.PENDING,
                ),
            ),
            rejected=Count(
                "pk",
                filter=Q(status=PageStatus.IMPORTED, review_state=ReviewState.REJECTED),
            ),
        )
        .order_by("column_name")
    )
    return [ColumnRow(**row) for row in rows]


#: the report's columns: (ColumnRow attribute, heading)
CSV_COLUMNS = [
    ("column_name", "原栏目"),
    ("pages_before", "迁移前页面数"),
    ("imported", "导入成功"),
    ("duplicates", "重复跳过"),
    ("failed", "导入失败"),
    ("published", "已发布"),
    ("pending", "待确认"),
    ("rejected", "不予迁移"),
    ("missing", "缺失"),
]


def totals(rows: list[ColumnRow]) -> ColumnRow:
    """The whole site as one row (column name 合计)."""
    names = [name for name, _label in CSV_COLUMNS[1:-1]]
    return ColumnRow("合计", **{name: sum(getattr(r, name) for r in rows) for name in names})


def report_csv(site: Site) -> str:
    """The per-column report as CSV (UTF-8 with a BOM, so Excel and WPS read the Chinese),
    one row per old column and a last row of totals."""
    from gongkai.core.exports import SafeCsvWriter

    rows = column_report(site)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = SafeCsvWriter(buffer)
    writer.writerow([label for _name, label in CSV_COLUMNS])
    for row in [*rows, totals(rows)]:
        writer.writerow([getattr(row, name) or ("（无栏目）" if name == "column_name" else 0)
                         for name, _label in CSV_COLUMNS])  # fmt: skip
    return buffer.getvalue()
