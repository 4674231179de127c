"""The per-column report: how many pages each old column had, and what became of them, so a
switch can show that nothing was lost (a column's pages before and after the migration)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from gongkai.core.models import Site
from gongkai.records.models import State

from .models import LegacyPage, PageStatus


@dataclass
class ColumnRow:
    column_name: str
    pages_before: int  # the old site's document pages in the column (list pages not counted)
    imported: int
    duplicates: int
    failed: int
    published: int  # imported pages now public here, as records
    pending: int  # imported, waiting for staff to confirm

    @property
    def missing(self) -> int:
        """Pages before that are neither public here, nor duplicates, nor waiting."""
        return self.pages_before - self.published - self.duplicates - self.pending


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
            pending=Count("pk", filter=Q(status=PageStatus.IMPORTED, record__isnull=True)),
        )
        .order_by("column_name")
    )
    return [ColumnRow(**row) for row in rows]
