"""Home page and columns stale or empty (国办秘函〔2019〕19号, 单项否决 "网站不更新").

A column's age is that of the newest published record it shows, selected exactly as the
portal selects it (portal.views.column: published_records of the site and its children, of
the column's record kinds); records without a publication time are not listed there and so
count as not updated, as the indicator says. Each column is held to its own
`update_within_days` (news 2 weeks, notices and policies 6 months, personnel and planning a
year, by default)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from gongkai.portal.models import Column
from gongkai.records.selectors import published_records
from gongkai.search.service import site_ids_for

from ..checks import FindingDraft, register_check
from ..models import Severity
from . import (
    EMPTY_COLUMNS,
    EMPTY_COLUMNS_VETO,
    HOME_STALE,
    POINTS,
    STALE_COLUMNS,
    STALE_COLUMNS_VETO,
    period_text,
    warning_window,
)

#: 国办秘函〔2019〕19号: nothing new on the home page for 2 weeks is a veto
HOME_DAYS = 14


def latest_by_column(site, columns) -> dict[int, date | None]:
    """The local date of the newest record each column shows (None: the column is empty)."""
    records = published_records().filter(site_id__in=site_ids_for(site)).order_by()
    newest_by_kind = {
        row["kind"]: row["newest"]
        for row in records.values("kind").annotate(newest=Max("published_at"))
    }
    result = {}
    for column in columns:
        times = [newest_by_kind[k] for k in column.record_kinds if newest_by_kind.get(k)]
        result[column.pk] = timezone.localdate(max(times)) if times else None
    return result


def _column_url(column: Column) -> str:
    return reverse("portal:column", args=[column.slug])


def check_columns(site, today: date | None = None):
    today = today or timezone.localdate()
    columns = list(Column.objects.filter(site=site))
    latest = latest_by_column(site, columns)
    stale, empty, coming = [], [], []
    for column in columns:
        days = column.update_within_days
        period = period_text(days)
        last = latest[column.pk]
        url = _column_url(column)
        if last is None:
            empty.append(column)
            yield FindingDraft(
                key=f"column:{column.pk}:empty",
                title=f"“{column.name}”栏目为空白栏目（没有已发布的信息）",
                severity=Severity.DEDUCTION,
                points=POINTS[EMPTY_COLUMNS],
                indicator=EMPTY_COLUMNS,
                item_url=url,
                detail=f"空白栏目达到 {EMPTY_COLUMNS_VETO} 个即单项否决（国办秘函〔2019〕19号）。",
            )
            continue
        stale_on = last + timedelta(days=days)
        if today >= stale_on:
            stale.append(column)
            yield FindingDraft(
                key=f"column:{column.pk}:stale",
                title=f"“{column.name}”栏目已超过 {period}未更新（最近发布于 {last:%Y-%m-%d}）",
                severity=Severity.DEDUCTION,
                points=POINTS[STALE_COLUMNS],
                item_url=url,
                due_on=stale_on,
                detail=f"该栏目的更新要求为 {days} 天；不更新栏目达到 {STALE_COLUMNS_VETO} 个即单项否决"
                "（国办秘函〔2019〕19号）。",
            )
        elif (stale_on - today).days <= warning_window(days):
            left = (stale_on - today).days
            coming.append(stale_on)
            yield FindingDraft(
                key=f"column:{column.pk}:stale",
                title=f"“{column.name}”栏目 {left} 天后将满 {period}未更新",
                severity=Severity.WARNING,
                item_url=url,
                due_on=stale_on,
                detail=f"最近发布于 {last:%Y-%m-%d}，该栏目的更新要求为 {days} 天。",
            )
    if len(stale) >= STALE_COLUMNS_VETO:
        yield FindingDraft(
            key="columns:stale:veto",
            title=f"{len(stale)} 个栏目长期未更新（达到 {STALE_COLUMNS_VETO} 个即单项否决）",
            severity=Severity.VETO,
            detail="、".join(c.name for c in stale),
        )
    elif len(stale) + len(coming) >= STALE_COLUMNS_VETO:
        # the veto is days away: the day the fifth column goes stale
        on = sorted(coming)[STALE_COLUMNS_VETO - len(stale) - 1]
        yield FindingDraft(
            key="columns:stale:veto",
            title=f"{(on - today).days} 天后不更新栏目将达到 {STALE_COLUMNS_VETO} 个，触发单项否决"
            f"（现有 {len(stale)} 个）",
            severity=Severity.WARNING,
            due_on=on,
            detail="、".join(c.name for c in stale),
        )
    if len(empty) >= EMPTY_COLUMNS_VETO:
        yield FindingDraft(
            key="columns:empty:veto",
            title=f"{len(empty)} 个空白栏目（达到 {EMPTY_COLUMNS_VETO} 个即单项否决）",
            severity=Severity.VETO,
            indicator=EMPTY_COLUMNS,
            detail="、".join(c.name for c in empty),
        )


def check_home(site, today: date | None = None):
    """The home page shows the columns marked show_on_home: its newest record is theirs."""
    today = today or timezone.localdate()
    columns = list(Column.objects.filter(site=site, show_on_home=True))
    if not columns:
        return
    dates = [d for d in latest_by_column(site, columns).values() if d]
    url = reverse("portal:home")
    if not dates:
        yield FindingDraft(
            key="home",
            title="首页栏目没有任何已发布的信息",
            severity=Severity.VETO,
            item_url=url,
        )
        return
    last = max(dates)
    stale_on = last + timedelta(days=HOME_DAYS)
    if today >= stale_on:
        yield FindingDraft(
            key="home",
            title=f"首页已超过 2 周未更新（最近发布于 {last:%Y-%m-%d}）",
            severity=Severity.VETO,
            item_url=url,
            due_on=stale_on,
        )
    elif (stale_on - today).days <= warning_window(HOME_DAYS):
        yield FindingDraft(
            key="home",
            title=f"首页 {(stale_on - today).days} 天后将满 2 周未更新",
            severity=Severity.WARNING,
            item_url=url,
            due_on=stale_on,
        )


def register() -> None:
    register_check(
        "home_stale",
        check_home,
        indicator=HOME_STALE,
        description="首页 2 周内无新信息（单项否决）",
        order=10,
    )
    register_check(
        "columns",
        check_columns,
        indicator=STALE_COLUMNS,
        description="栏目按各自更新要求不更新、即将不更新，空白栏目",
        order=20,
    )
