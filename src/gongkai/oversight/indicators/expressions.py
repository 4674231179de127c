"""Misused and sensitive expressions and wrong leader names in published records (国办秘函
〔2019〕19号, 严重问题: "出现严重表述错误"; typos are deductions). The list is kept per site
by the office admin (oversight.models.ExpressionRule, staff page /staff/oversight/expressions/
and the admin). A site with no rule at all starts from DEFAULT_RULES at its first check (to
switch a rule off, disable it rather than delete it)."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from gongkai.records.models import State

from ..checks import FindingDraft, register_check
from ..models import ExpressionKind, ExpressionRule, Severity
from . import EXPRESSIONS, POINTS, organisations_by_id, record_texts

#: a short starting list: common misuses in official writing and wording the national
#: publicity rules (新华社新闻信息报道中的禁用词和慎用词) ask to avoid
DEFAULT_RULES = [
    (ExpressionKind.MISUSED, "截止目前", "截至目前"),
    (ExpressionKind.MISUSED, "截止到", "截至"),
    (ExpressionKind.MISUSED, "既使", "即使"),
    (ExpressionKind.MISUSED, "必需遵守", "必须遵守"),
    (ExpressionKind.MISUSED, "按步就班", "按部就班"),
    (ExpressionKind.MISUSED, "迫不急待", "迫不及待"),
    (ExpressionKind.MISUSED, "再接再励", "再接再厉"),
    (ExpressionKind.MISUSED, "一如继往", "一如既往"),
    (ExpressionKind.SENSITIVE, "台湾总统", "台湾地区领导人"),
    (ExpressionKind.SENSITIVE, "北韩", "朝鲜"),
    (ExpressionKind.SENSITIVE, "大陆和台湾", "祖国大陆和台湾"),
]

SEVERITY = {
    ExpressionKind.MISUSED: Severity.DEDUCTION,
    ExpressionKind.SENSITIVE: Severity.VETO,
    ExpressionKind.LEADER: Severity.VETO,
}


def seed_default_rules(site) -> int:
    """Add the default list to a site (the rules it already has stay as they are)."""
    added = 0
    with transaction.atomic():
        for kind, wrong, correct in DEFAULT_RULES:
            _rule, created = ExpressionRule.objects.get_or_create(
                site=site, wrong=wrong, defaults={"kind": kind, "correct": correct}
            )
            added += created
    return added


def check_expressions(site):
    if not ExpressionRule.objects.filter(site=site).exists():
        seed_default_rules(site)
    rules = list(ExpressionRule.objects.filter(site=site, is_active=True).exclude(wrong=""))
    if not rules:
        return
    organisations = organisations_by_id(site)
    for pk, title, organisation_id, text in record_texts(site, [State.PUBLISHED]):
        for rule in rules:
            if rule.wrong not in text:
                continue
            correct = f"，应为“{rule.correct}”" if rule.correct else ""
            yield FindingDraft(
                key=f"record:{pk}:expression:{rule.pk}",
                title=f"“{title}”含{rule.get_kind_display()}“{rule.wrong}”{correct}",
                severity=SEVERITY[rule.kind],
                points=POINTS[EXPRESSIONS] if SEVERITY[rule.kind] == Severity.DEDUCTION else 0,
                organisation=organisations.get(organisation_id),
                item_url=reverse("records_staff:detail", args=[pk]),
                detail=f"出现 {text.count(rule.wrong)} 处。已发布的信息请通过修订更正。",
            )


def register() -> None:
    register_check(
        "expressions",
        check_expressions,
        indicator=EXPRESSIONS,
        description="错用词语、敏感表述、领导姓名错误",
        order=40,
    )
