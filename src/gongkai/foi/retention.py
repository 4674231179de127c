"""The retention schedule: archived cases past their site's retention period lose the
applicant's personal data (foi.privacy.anonymise).

`run_retention(now)` is the one entry point, for the scheduler of `gongkai run` and for
`gongkai foi retention`; it is safe to call as often as wanted (an anonymised case is not
touched again)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone

from gongkai.core import permissions

from .models import FoiRequest, FoiSettings, State
from .privacy import anonymise


@dataclass
class RetentionResult:
    due: list[FoiRequest] = field(default_factory=list)
    anonymised: list[FoiRequest] = field(default_factory=list)
    failed: list[tuple[FoiRequest, str]] = field(default_factory=list)


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def due_for_anonymisation(today: date) -> list[FoiRequest]:
    """Archived, not yet anonymised cases whose archiving date is more than the site's
    retention_years before `today`."""
    cases = FoiRequest.objects.filter(
        state=State.CLOSED, anonymised=False, closed_on__isnull=False
    ).select_related("site")
    due = []
    cutoffs: dict[int, date] = {}
    for case in cases.order_by("site_id", "closed_on", "id"):
        if case.site_id not in cutoffs:
            years = FoiSettings.for_site(case.site).retention_years
            cutoffs[case.site_id] = years_before(today, years)
        if case.closed_on < cutoffs[case.site_id]:
            due.append(case)
    return due


def run_retention(now: datetime | None = None, *, apply: bool = True) -> RetentionResult:
    """Anonymise every case due at `now` (default: now); with apply=False only list them.
    Each case is erased in its own transaction, so one failure does not stop the others."""
    from .workflow import WorkflowError

    today = timezone.localdate(now) if now is not None else timezone.localdate()
    result = RetentionResult(due=due_for_anonymisation(today))
    if not apply:
        return result
    for case in result.due:
        try:
            result.anonymised.append(anonymise(case, permissions.SYSTEM))
        except WorkflowError as exc:
            result.failed.append((case, str(exc)))
    return result
