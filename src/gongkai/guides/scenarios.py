"""情景导航: the rule language of a scenario and its evaluation.

A scenario asks its questions one per page and ends in the outcomes whose condition holds
(outcome-centric rules, as GOV.UK smart-answers settled on: each outcome listed once with
its condition, no nested branches). The same language serves a question's `ask_if`.

The condition language (JSON, stored in Question.ask_if and Outcome.condition):

- ``{}`` — always holds (a question always asked, an outcome always on the list);
- ``{"q": "shop", "in": ["yes"]}`` — the answer to question ``shop`` is one of the values;
  an unanswered (or skipped) question matches nothing;
- ``{"all": [c1, c2, …]}`` — every one holds (an empty list holds);
- ``{"any": [c1, c2, …]}`` — at least one holds (an empty list does not);
- ``{"not": c}`` — c does not hold.

Evaluation (`walk`): the questions are taken in order; a question whose ``ask_if`` fails on
the answers so far is skipped (and an answer to it in the URL is dropped); the next question
is the first askable one without an answer. When none is left, the result is every outcome
whose condition holds: their items and the items of their bundles, each once, with the
materials of the guides in force merged (`combine`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from . import rules
from .models import Bundle, Guide, Outcome, Question, Scenario, ServiceItem

CONNECTIVES = ("all", "any", "not")


class ConditionError(ValueError):
    """A condition that is not in the language; the message is Chinese for the editor."""


def condition_errors(condition) -> list[str]:
    """What is wrong with the structure of a condition (empty: well formed)."""
    errors: list[str] = []

    def visit(node, where: str) -> None:
        if not isinstance(node, dict):
            errors.append(f"{where}不是条件对象")
            return
        if not node:
            return
        keys = set(node)
        if keys == {"q", "in"}:
            if not isinstance(node["q"], str) or not node["q"]:
                errors.append(f"{where}的问题标识须为文字")
            values = node["in"]
            if not isinstance(values, list) or not values:
                errors.append(f"{where}须列出至少一个答案取值")
            elif not all(isinstance(v, str) for v in values):
                errors.append(f"{where}的答案取值须为文字")
        elif keys in ({"all"}, {"any"}):
            (name,) = keys
            if not isinstance(node[name], list):
                errors.append(f"{where}的“{name}”须为条件列表")
                return
            for i, child in enumerate(node[name], 1):
                visit(child, f"{where}第{i}项")
        elif keys == {"not"}:
            visit(node["not"], f"{where}（否定）")
        else:
            errors.append(f"{where}的写法无法识别：{sorted(keys)}")

    visit(condition, "条件")
    return errors


def holds(condition: Mapping, answers: Mapping[str, str]) -> bool:
    """Does `condition` hold on `answers` (question key → choice value)?"""
    if not condition:
        return True
    if "q" in condition:
        return answers.get(condition["q"]) in condition["in"]
    if "all" in condition:
        return all(holds(c, answers) for c in condition["all"])
    if "any" in condition:
        return any(holds(c, answers) for c in condition["any"])
    if "not" in condition:
        return not holds(condition["not"], answers)
    raise ConditionError(f"条件写法无法识别：{sorted(condition)}")


def references(condition: Mapping) -> list[tuple[str, str]]:
    """Every (question key, choice value) the condition names, for the checker."""
    if not condition:
        return []
    if "q" in condition:
        return [(condition["q"], v) for v in condition["in"]]
    children = condition.get("all") or condition.get("any") or []
    if "not" in condition:
        children = [condition["not"]]
    return [ref for child in children for ref in references(child)]


# --------------------------------------------------------------------------- the walk


@dataclass
class Step:
    """One answered question on the way, with the answers before it (for 改答案)."""

    question: Question
    value: str
    label: str
    before: dict[str, str]


@dataclass
class Walk:
    """Where a person is in a scenario, read from the answers in the URL."""

    answers: dict[str, str]  # the answers that count, in question order
    steps: list[Step]
    question: Question | None  # the next question; None: the result
    carried: dict[str, str]  # answers after the next question, kept for after it
    messages: list[str] = field(default_factory=list)  # invalid / stale answers, in Chinese
    invalid: bool = False  # an answer in the URL was not a valid choice
    dropped: list[str] = field(default_factory=list)  # answers that no longer apply

    @property
    def done(self) -> bool:
        return self.question is None

    @property
    def number(self) -> int:
        """The next question's number, counting the questions answered."""
        return len(self.steps) + 1


def questions_of(scenario: Scenario) -> list[Question]:
    return list(scenario.questions.prefetch_related("choices").order_by("order", "pk"))


def walk(scenario: Scenario, raw: Mapping[str, str], questions=None) -> Walk:
    """Follow the answers in `raw` (a query string) through the scenario's questions."""
    questions = questions if questions is not None else questions_of(scenario)
    known = {q.key for q in questions}
    messages = [
        f"链接中的“{key}”不是本情景的问题，已忽略。"
        for key in raw
        if key not in known and key not in IGNORED_PARAMETERS
    ]
    answers: dict[str, str] = {}
    steps: list[Step] = []
    dropped: list[str] = []
    invalid = False
    next_question = None
    for index, question in enumerate(questions):
        value = raw.get(question.key)
        if not holds(question.ask_if or {}, answers):
            if value:
                dropped.append(question.text)
            continue
        choices = {c.value: c.label for c in question.choices.all()}
        if value and value not in choices:
            messages.append(
                f"链接中“{question.text}”的答案“{value[:40]}”不是有效选项（可能情景已更新），"
                "请重新选择。"
            )
            invalid = True
            value = None
        if not value:
            next_question = question
            later = {q.key for q in questions[index + 1 :]}
            carried = {k: v for k, v in raw.items() if k in later and v}
            return Walk(answers, steps, next_question, carried, messages, invalid, dropped)
        steps.append(Step(question, value, choices[value], dict(answers)))
        answers[question.key] = value
    return Walk(answers, steps, None, {}, messages, invalid, dropped)


#: Query parameters the pages use themselves, not answers.
IGNORED_PARAMETERS = frozenset({"step", "print"})


# --------------------------------------------------------------------------- the result


def normalised_name(name: str) -> str:
    """A material's name for comparing across guides: full-width folded, spaces and
    brackets/quotes dropped (“《营业执照》（副本）” and “营业执照(副本)” are one material)."""
    folded = unicodedata.normalize("NFKC", name)
    return "".join(ch for ch in folded if ch.isalnum())


@dataclass
class MaterialLine:
    """One material on the merged list, and the items it serves."""

    name: str
    items: list[ServiceItem]
    copies: int
    forms: list[str]
    replaced: bool
    reasons: list[str]
    certificate_name: str = ""


@dataclass
class ItemLine:
    item: ServiceItem
    guide: Guide | None
    bundle: Bundle | None  # the 一件事 it is accepted with, if any
    visits: int | None  # the guide's 到现场次数; None: no guide in force
    url: str | None = None  # the page's link to the guide (set by the view)


@dataclass
class TripGroup:
    """Items handled in one application: a 一件事 accepted at one window, or one item."""

    bundle: Bundle | None
    items: list[ItemLine]
    visits: int


@dataclass
class Result:
    outcomes: list[Outcome]
    items: list[ItemLine]
    materials: list[MaterialLine]
    groups: list[TripGroup]
    trips: int
    unknown: list[ItemLine]  # items without a guide in force: not on the material list

    @property
    def nothing_to_do(self) -> bool:
        return bool(self.outcomes) and not self.items


def matching_outcomes(scenario: Scenario, answers: Mapping[str, str]) -> list[Outcome]:
    outcomes = scenario.outcomes.prefetch_related("items", "bundles__items").order_by("order", "pk")
    return [o for o in outcomes if holds(o.condition or {}, answers)]


def result(scenario: Scenario, answers: Mapping[str, str], on: date | None = None) -> Result:
    outcomes = matching_outcomes(scenario, answers)
    items: list[ServiceItem] = []
    bundles: list[Bundle] = []
    for outcome in outcomes:
        items.extend(outcome.items.all())
        for bundle in outcome.bundles.all():
            bundles.append(bundle)
            items.extend(bundle.items.all())
    return combine(items, bundles, on=on, outcomes=outcomes)


def combine(
    items: Sequence[ServiceItem],
    bundles: Sequence[Bundle] = (),
    on: date | None = None,
    outcomes: Sequence[Outcome] = (),
) -> Result:
    """`items` and the items of `bundles`, each once in the order given, with their materials
    merged and the number of trips (see `trips_of`). An item in one of `bundles` is accepted
    with it."""
    bundle_of: dict[int, Bundle] = {}
    for bundle in bundles:
        for item in bundle.items.all():
            bundle_of.setdefault(item.pk, bundle)
    lines: dict[int, ItemLine] = {}
    for item in [*items, *(i for b in bundles for i in b.items.all())]:
        if item.pk not in lines:
            lines[item.pk] = _item_line(item, bundle_of.get(item.pk), on)
    item_lines = list(lines.values())
    groups, trips = trips_of(item_lines)
    return Result(
        outcomes=list(outcomes),
        items=item_lines,
        materials=merge_materials(item_lines),
        groups=groups,
        trips=trips,
        unknown=[line for line in item_lines if line.guide is None],
    )


def _item_line(item: ServiceItem, bundle: Bundle | None, on: date | None) -> ItemLine:
    guide = rules.guide_in_force(item, on=on)
    return ItemLine(item, guide, bundle, guide.visits_required if guide else None)


def merge_materials(lines: Sequence[ItemLine]) -> list[MaterialLine]:
    """One line per material across the guides: the same shared certificate, or the same
    normalised name, is one material listing every item it serves. Copies add up (each office
    keeps its own); the paper is needed if any guide needs it."""
    merged: dict[tuple, MaterialLine] = {}
    for line in lines:
        if line.guide is None:
            continue
        for need in rules.material_needs(line.guide):
            material = need.material
            key = (
                ("certificate", material.certificate_id)
                if material.certificate_id
                else ("name", normalised_name(material.name))
            )
            entry = merged.get(key)
            if entry is None:
                entry = merged[key] = MaterialLine(
                    name=material.name,
                    items=[],
                    copies=0,
                    forms=[],
                    replaced=True,
                    reasons=[],
                    certificate_name=material.certificate.name if material.certificate else "",
                )
            if line.item not in entry.items:
                entry.items.append(line.item)
            entry.copies += material.copies
            form = material.get_form_display()
            if form not in entry.forms:
                entry.forms.append(form)
            entry.replaced = entry.replaced and need.replaced
            if need.reason not in entry.reasons:
                entry.reasons.append(need.reason)
    return list(merged.values())


def trips_of(lines: Sequence[ItemLine]) -> tuple[list[TripGroup], int]:
    """到现场次数 of the whole list.

    Items of one 一件事 that names its one-window acceptance window are applied for together
    (一窗受理、一次办结), so the group costs the visits of its most demanding item (max).
    Any other item is its own application, possibly in another hall or after another item's
    decision (营业执照 before 食品经营许可), so the groups add up (sum): the figure is what a
    person should plan for, never an under-promise. An item without a guide in force counts
    one visit until its guide says otherwise."""
    groups: dict[object, TripGroup] = {}
    for line in lines:
        visits = line.visits if line.visits is not None else 1
        key = ("bundle", line.bundle.pk) if line.bundle and line.bundle.window_id else line.item.pk
        group = groups.get(key)
        if group is None:
            group = groups[key] = TripGroup(line.bundle if isinstance(key, tuple) else None, [], 0)
        group.items.append(line)
        group.visits = max(group.visits, visits)
    return list(groups.values()), sum(g.visits for g in groups.values())


# --------------------------------------------------------------------------- staff changes
#
# The office admin (公开办管理员) manages a site's scenarios; every change is audited. A
# scenario goes public only while the flow checker finds no error (flowcheck).

MANAGER_ROLES = ("office_admin",)


class ScenarioError(ValueError):
    """A refused change, with the Chinese message to show."""


def can_manage(actor, site) -> bool:
    from gongkai.core import permissions

    return permissions.allows(actor, site, MANAGER_ROLES)


def _require(actor, site, what: str) -> None:
    from gongkai.core import permissions

    permissions.require(actor, what, site, MANAGER_ROLES, message=f"只有公开办管理员可以{what}。")


def _audit(event, actor, obj, message, before=None, after=None) -> None:
    from gongkai.core.audit import record_event

    record_event(event, actor=actor, obj=obj, message=message, before=before, after=after)


def _snapshot(scenario: Scenario) -> dict:
    return {
        "title": scenario.title,
        "slug": scenario.slug,
        "is_published": scenario.is_published,
        "questions": [
            {"key": q.key, "ask_if": q.ask_if, "choices": [c.value for c in q.choices.all()]}
            for q in scenario.questions.all()
        ],
        "outcomes": [{"title": o.title, "condition": o.condition} for o in scenario.outcomes.all()],
    }


def create_scenario(actor, site, **fields) -> Scenario:
    from django.db import transaction

    from gongkai.core.models import AuditEventType

    _require(actor, site, "新建情景导航")
    if Scenario.objects.filter(site=site, slug=fields.get("slug")).exists():
        raise ScenarioError(f"标识“{fields.get('slug')}”已被其他情景使用。")
    with transaction.atomic():
        scenario = Scenario.objects.create(site=site, is_published=False, **fields)
        _audit(
            AuditEventType.OBJECT_CREATED,
            actor,
            scenario,
            "新建情景导航",
            after=_snapshot(scenario),
        )
    return scenario


def change_scenario(actor, scenario: Scenario, what: str, change) -> None:
    """Run `change()` (which edits the scenario's rows) as one audited change. A published
    scenario whose change the checker refuses is taken offline rather than left broken."""
    from django.db import transaction

    from gongkai.core.models import AuditEventType

    from .flowcheck import check_scenario

    _require(actor, scenario.site, what)
    with transaction.atomic():
        locked = Scenario.objects.select_for_update().get(pk=scenario.pk)
        before = _snapshot(locked)
        change()
        locked.version += 1
        message = what
        if locked.is_published and not check_scenario(locked).ok:
            locked.is_published = False
            message = f"{what}（检查发现错误，已撤下）"
        locked.save()
        _audit(AuditEventType.OBJECT_CHANGED, actor, locked, message, before, _snapshot(locked))
    scenario.refresh_from_db()


def set_published(actor, scenario: Scenario, published: bool) -> None:
    """发布 only when the flow checker finds no error; the refusal names them."""
    from django.db import transaction

    from gongkai.core.models import AuditEventType

    from .flowcheck import check_scenario

    what = "发布情景导航" if published else "撤下情景导航"
    _require(actor, scenario.site, what)
    if published:
        errors = check_scenario(scenario).errors
        if errors:
            raise ScenarioError(
                "检查发现错误，不能发布：" + "；".join(f.message for f in errors[:5])
            )
    with transaction.atomic():
        before = {"is_published": scenario.is_published}
        scenario.is_published = published
        scenario.version += 1
        scenario.save()
        _audit(
            AuditEventType.STATE_CHANGED,
            actor,
            scenario,
            what,
            before,
            {"is_published": published},
        )
