"""Who sees which findings, the summary the dashboard shows, and the office admin's actions
(run the checks now, keep the expression list). Views stay thin and call these.

The office admin (公开办) watches the whole site and runs the checks; an evaluator reads the
site's oversight views (DESIGN.md); an organisation's editors and reviewers see the findings of
their organisation, the items they are the ones to fix."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from gongkai.core import permissions
from gongkai.core.audit import record_event, snapshot
from gongkai.core.models import AuditEventType, Role, Site

from .checks import Score, points_text, registered_checks, run_checks, site_score
from .models import CheckRun, ExpressionKind, ExpressionRule, Finding, Severity

MANAGE_ROLES = (Role.OFFICE_ADMIN,)
SITE_READ_ROLES = (Role.OFFICE_ADMIN, Role.EVALUATOR)
#: warnings on the summary
TOP_WARNINGS = 5


def sees_whole_site(user, site: Site) -> bool:
    return permissions.can_act_on_site(user, site, SITE_READ_ROLES)


def visible_findings(user, site: Site) -> QuerySet[Finding]:
    """The site's findings the user may see: all for the office admin and the evaluator, the
    own organisations' for everyone else."""
    qs = Finding.objects.filter(site=site).select_related("organisation")
    if sees_whole_site(user, site):
        return qs
    return qs.filter(organisation__in=permissions.organisations_for(user, site=site))


@dataclass
class Filters:
    severity: str = ""
    check: str = ""
    organisation: str = ""


def parse_filters(params) -> Filters:
    """Valid filters only; anything else is ignored, never an error."""
    severity = params.get("severity", "")
    check = params.get("check", "")
    org = params.get("organisation", "")
    return Filters(
        severity=severity if severity in Severity.values else "",
        check=check if check in {c.code for c in registered_checks()} else "",
        organisation=org if org.isascii() and org.isdigit() and len(org) < 12 else "",
    )


def open_findings(user, site: Site, filters: Filters | None = None) -> QuerySet[Finding]:
    qs = visible_findings(user, site).filter(resolved_at__isnull=True)
    if filters:
        if filters.severity:
            qs = qs.filter(severity=filters.severity)
        if filters.check:
            qs = qs.filter(check_code=filters.check)
        if filters.organisation:
            qs = qs.filter(organisation_id=int(filters.organisation))
    order = {Severity.VETO: 0, Severity.DEDUCTION: 1, Severity.WARNING: 2}
    from django.db.models import Case, IntegerField, Value, When

    rank = Case(
        *[When(severity=s, then=Value(n)) for s, n in order.items()],
        default=Value(9),
        output_field=IntegerField(),
    )
    return qs.annotate(rank=rank).order_by("rank", "due_on", "check_code", "key")


def last_run(site: Site) -> CheckRun | None:
    return CheckRun.objects.filter(site=site, finished_at__isnull=False).first()


def findings_summary(site: Site, score: Score | None = None) -> dict:
    """What the dashboard shows of the checks: the projected score, the counts, the warnings
    closest to their date with the days left, and when the checks last ran."""
    score = score or site_score(site)
    return {
        "site": site,
        "score": score,
        "score_text": points_text(score.score),
        "deducted_text": points_text(score.deducted),
        "passes": score.passes,
        "vetoes": score.vetoes,
        "deductions": score.deductions,
        "warnings": score.warnings,
        "top_warnings": score.upcoming[:TOP_WARNINGS],
        "last_run": last_run(site),
    }


def run_now(actor, site: Site):
    """The office admin's 立即检查: the same run as the nightly job, recorded as theirs."""
    permissions.require(actor, "运行网站自动检查", site, MANAGE_ROLES)
    result = run_checks(site)
    record_event(
        AuditEventType.OBJECT_CREATED,
        actor=actor,
        obj=result.run,
        site=site,
        after=snapshot(result.run, ["checks", "vetoes", "deductions", "warnings", "score"]),
        message="立即检查",
    )
    return result


# --------------------------------------------------------------------------- expressions


class RuleRejected(ValueError):
    """A rule that cannot be saved; the message says why, in Chinese."""


RULE_FIELDS = ["kind", "wrong", "correct", "is_active"]


def add_rule(actor, site: Site, *, kind: str, wrong: str, correct: str) -> ExpressionRule:
    permissions.require(actor, "维护错敏词规则", site, MANAGE_ROLES)
    wrong, correct = wrong.strip(), correct.strip()
    if kind not in ExpressionKind.values:
        raise RuleRejected("请选择规则类型。")
    if not wrong:
        raise RuleRejected("请填写错误表述。")
    if len(wrong) > 100 or len(correct) > 200:
        raise RuleRejected("错误表述不超过 100 字，正确表述或说明不超过 200 字。")
    try:
        with transaction.atomic():
            rule = ExpressionRule.objects.create(site=site, kind=kind, wrong=wrong, correct=correct)
            record_event(
                AuditEventType.OBJECT_CREATED,
                actor=actor,
                obj=rule,
                after=snapshot(rule, RULE_FIELDS),
            )
    except IntegrityError:
        raise RuleRejected(f"“{wrong}”已在列表中。") from None
    return rule


def set_rule_active(actor, rule: ExpressionRule, active: bool) -> ExpressionRule:
    permissions.require(actor, "维护错敏词规则", rule.site, MANAGE_ROLES)
    with transaction.atomic():
        before = snapshot(rule, RULE_FIELDS)
        rule.is_active = active
        rule.save(update_fields=["is_active"])
        record_event(
            AuditEventType.OBJECT_CHANGED,
            actor=actor,
            obj=rule,
            before=before,
            after=snapshot(rule, RULE_FIELDS),
        )
    return rule


def seed_rules(actor, site: Site) -> int:
    from .indicators.expressions import seed_default_rules

    permissions.require(actor, "维护错敏词规则", site, MANAGE_ROLES)
    with transaction.atomic():
        added = seed_default_rules(site)
        if added:
            record_event(
                AuditEventType.OBJECT_CREATED,
                actor=actor,
                obj=site,
                message=f"载入默认错敏词规则 {added} 条",
            )
    return added
