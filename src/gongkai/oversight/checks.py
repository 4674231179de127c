"""The inspection indicators the platform measures itself (网站检查指标, see
reference/website-indicators.md), run by `gongkai oversight check` and nightly.

Oversight reads the domain apps (they never import it): each check lives in oversight and is
registered in OversightConfig.ready() with `register_check`; a check is a plain function
``check(site) -> Iterable[FindingDraft]`` that reads fields and returns what is wrong now. `run_checks` turns the drafts into `Finding` rows (one per site, check and key)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from gongkai.core.models import Organisation, Site

from .models import Severity


@dataclass
class FindingDraft:
    """What a check reports about one item; `key` must be stable between runs."""

    key: str
    title: str
    severity: str = Severity.DEDUCTION
    points: Decimal = Decimal(0)
    organisation: Organisation | None = None
    detail: str = ""
    item_url: str = ""
    due_on: date | None = None
    #: the indicator, when a check reports under more than one (default: the check's)
    indicator: str = ""


@dataclass(frozen=True)
class Check:
    code: str
    indicator: str
    func: Callable[[Site], Iterable[FindingDraft]]
    description: str = ""
    order: int = 100


CHECKS: dict[str, Check] = {}


def register_check(
    code: str,
    func: Callable[[Site], Iterable[FindingDraft]],
    *,
    indicator: str,
    description: str = "",
    order: int = 100,
) -> Check:
    """Register (or replace, so ready() may run twice) a check under its code."""
    check = Check(code, indicator, func, description, order)
    CHECKS[code] = check
    return check


def registered_checks() -> list[Check]:
    return sorted(CHECKS.values(), key=lambda c: (c.order, c.code))


# --------------------------------------------------------------------------- running

#: 国办秘函〔2019〕19号: 100 points of deductions; below 60 the site fails
FULL_SCORE = Decimal(100)
PASS_SCORE = Decimal(60)
#: the most one indicator may cost, where a scoring sheet gives a cap. The national sheet
#: deducts an indicator once ("政策文件栏目6个月未更新 −5"), however many items show it, so an
#: indicator not listed here costs at most the largest points among its open findings.
INDICATOR_CAPS: dict[str, Decimal] = {}


@dataclass
class CheckOutcome:
    code: str
    ok: bool
    error: str = ""
    seen: int = 0
    new: int = 0
    resolved: int = 0
    reopened: int = 0
    seconds: float = 0.0


@dataclass
class RunResult:
    site: Site
    run: object  # CheckRun
    outcomes: list[CheckOutcome]

    @property
    def failed(self) -> list[CheckOutcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def new(self) -> int:
        return sum(o.new + o.reopened for o in self.outcomes)

    @property
    def resolved(self) -> int:
        return sum(o.resolved for o in self.outcomes)


class UnknownCheck(ValueError):
    """A check code nobody registered; the message lists the known ones, in Chinese."""


def select_checks(only: Iterable[str] | None = None) -> list[Check]:
    checks = registered_checks()
    if not only:
        return checks
    wanted = list(dict.fromkeys(only))
    unknown = [code for code in wanted if code not in CHECKS]
    if unknown:
        known = "、".join(c.code for c in checks) or "（无）"
        raise UnknownCheck(f"没有检查项“{'、'.join(unknown)}”。可用的检查项：{known}")
    return [c for c in checks if c.code in wanted]


def _apply(site: Site, check: Check, drafts: list[FindingDraft], now) -> CheckOutcome:
    """Upsert the drafts of one check and resolve what it no longer reports, in one
    transaction, so a reader never sees half a check's findings."""
    from django.db import transaction

    from .models import Finding

    outcome = CheckOutcome(check.code, ok=True)
    by_key: dict[str, FindingDraft] = {}
    for draft in drafts:
        by_key[draft.key[:300]] = draft  # the last of duplicates wins, keys are stable
    with transaction.atomic():
        existing = {
            f.key: f
            for f in Finding.objects.select_for_update().filter(site=site, check_code=check.code)
        }
        for key, draft in by_key.items():
            values = {
                "organisation": draft.organisation,
                "indicator": (draft.indicator or check.indicator)[:100],
                "severity": str(draft.severity),
                "points": Decimal(draft.points),
                "title": draft.title[:300],
                "detail": draft.detail,
                "item_url": draft.item_url[:500],
                "due_on": draft.due_on,
                "last_seen_at": now,
            }
            finding = existing.get(key)
            if finding is None:
                Finding.objects.create(
                    site=site, check_code=check.code, key=key, first_seen_at=now, **values
                )
                outcome.new += 1
                continue
            if finding.resolved_at is not None:
                # seen again: the problem is back, counted from now
                values.update(resolved_at=None, first_seen_at=now)
                outcome.reopened += 1
            for name, value in values.items():
                setattr(finding, name, value)
            finding.save()
        outcome.seen = len(by_key)
        gone = [f.pk for key, f in existing.items() if key not in by_key and f.resolved_at is None]
        if gone:
            outcome.resolved = Finding.objects.filter(pk__in=gone).update(resolved_at=now)
    return outcome


def run_checks(site: Site, only: Iterable[str] | None = None) -> RunResult:
    """Run the registered checks (or those in `only`) on `site` and keep their findings.

    A check that raises is reported in the result and in the CheckRun; its old findings stay
    as they were (an error proves nothing about whether the problems are gone)."""
    import logging
    import time

    from django.utils import timezone

    from .models import CheckRun

    checks = select_checks(only)
    run = CheckRun.objects.create(site=site, checks=[c.code for c in checks])
    outcomes = []
    for check in checks:
        now = timezone.now()
        started = time.perf_counter()
        try:
            drafts = list(check.func(site))
            outcome = _apply(site, check, drafts, now)
        except Exception as exc:  # noqa: BLE001 - one broken check must not stop the others
            logging.getLogger(__name__).exception("check %s failed on %s", check.code, site)
            outcome = CheckOutcome(check.code, ok=False, error=_error_text(exc))
        outcome.seconds = time.perf_counter() - started
        outcomes.append(outcome)
    score = site_score(site)
    run.finished_at = timezone.now()
    run.failed = {o.code: o.error for o in outcomes if not o.ok}
    run.vetoes, run.deductions, run.warnings = score.vetoes, score.deductions, score.warnings
    run.new = sum(o.new + o.reopened for o in outcomes)
    run.resolved = sum(o.resolved for o in outcomes)
    run.score = score.score
    run.save()
    return RunResult(site, run, outcomes)


def _error_text(exc: Exception) -> str:
    return f"{exc.__class__.__name__}: {exc}"[:300]


# --------------------------------------------------------------------------- the score


@dataclass
class IndicatorDeduction:
    indicator: str
    points: Decimal  # after the cap
    raw: Decimal
    count: int


@dataclass
class Warning:
    title: str
    due_on: date | None
    days_left: int | None
    item_url: str
    check_code: str


@dataclass
class Score:
    """The projected inspection score: 100 minus the open deductions (each indicator capped),
    the open vetoes (any one fails the site) and the warnings of what is coming."""

    score: Decimal
    vetoes: int
    deductions: int
    warnings: int
    by_indicator: list[IndicatorDeduction]
    upcoming: list[Warning]

    @property
    def passes(self) -> bool:
        return self.vetoes == 0 and self.score >= PASS_SCORE

    @property
    def deducted(self) -> Decimal:
        return FULL_SCORE - self.score


def indicator_cap(indicator: str, points: list[Decimal]) -> Decimal:
    if indicator in INDICATOR_CAPS:
        return INDICATOR_CAPS[indicator]
    return max(points, default=Decimal(0))


def site_score(site: Site, today: date | None = None) -> Score:
    """The site's projected score from its open findings (国办秘函〔2019〕19号: vetoes fail the
    site whatever its points; deductions come off 100, never below 0)."""
    from django.utils import timezone

    from .models import Finding, Severity

    today = today or timezone.localdate()
    open_findings = list(
        Finding.objects.filter(site=site, resolved_at__isnull=True).order_by("due_on", "pk")
    )
    groups: dict[str, list[Decimal]] = {}
    vetoes = deductions = 0
    upcoming: list[Warning] = []
    for finding in open_findings:
        if finding.severity == Severity.VETO:
            vetoes += 1
        elif finding.severity == Severity.DEDUCTION:
            deductions += 1
            groups.setdefault(finding.indicator, []).append(Decimal(finding.points))
        else:
            days = (finding.due_on - today).days if finding.due_on else None
            upcoming.append(
                Warning(finding.title, finding.due_on, days, finding.item_url, finding.check_code)
            )
    by_indicator = []
    for indicator, points in sorted(groups.items()):
        raw = sum(points, Decimal(0))
        by_indicator.append(
            IndicatorDeduction(
                indicator, min(raw, indicator_cap(indicator, points)), raw, len(points)
            )
        )
    total = sum((d.points for d in by_indicator), Decimal(0))
    score = max(FULL_SCORE - total, Decimal(0))
    upcoming.sort(key=lambda w: (w.due_on is None, w.due_on or today))
    return Score(score, vetoes, deductions, len(upcoming), by_indicator, upcoming)


def points_text(value: Decimal) -> str:
    """95.00 → "95", 92.50 → "92.5"."""
    return f"{Decimal(value).normalize():f}"


def run_all_sites() -> str:
    """The nightly job: every site, every check; a summary line for the job's record."""
    lines = []
    for site in Site.objects.order_by("id"):
        result = run_checks(site)
        run = result.run
        failed = f"，{len(result.failed)} 项出错" if result.failed else ""
        score = points_text(run.score)
        lines.append(f"{site.slug} {score}分 否决{run.vetoes} 扣分{run.deductions}{failed}")
    return "；".join(lines)
