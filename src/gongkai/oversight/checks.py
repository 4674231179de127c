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
