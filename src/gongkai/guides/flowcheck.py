"""The flow checker of 情景导航: every outcome reachable, no dead end, every question askable,
conditions naming only existing questions and choices, every material traceable to a
published guide. A scenario with an error cannot be published (scenario_staff_views).

The check walks every complete answer path (a depth-first walk asking each question whose
`ask_if` holds, one branch per choice), so its findings are exact, not sampled. Flows are
small (a dozen questions of two or three choices); a flow with more than MAX_PATHS paths is
refused as too large to check, rather than checked partly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from . import rules
from .scenarios import IGNORED_PARAMETERS, condition_errors, holds, references

MAX_PATHS = 20_000

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    text: str
    choices: tuple[str, ...]
    ask_if: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class OutcomeSpec:
    ref: int
    title: str
    condition: dict = field(default_factory=dict, hash=False, compare=False)
    empty: bool = False  # no items and no bundles: an explicit “无需办理” outcome


@dataclass(frozen=True)
class Finding:
    severity: str
    code: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


@dataclass
class Report:
    findings: list[Finding]
    paths: list[dict[str, str]]  # every complete answer path (question key → value)
    reached: dict[int, dict[str, str]]  # outcome ref → one path reaching it
    asked: set[str]  # question keys asked on some path
    edges: set[tuple[str, str, str]]  # (question key, value, next key or "" for the end)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors


def answer_paths(questions: Sequence[QuestionSpec], limit: int = MAX_PATHS):
    """Every complete answer path, depth-first; None when there are more than `limit`."""
    paths: list[dict[str, str]] = []

    def go(index: int, answers: dict[str, str]) -> bool:
        while index < len(questions) and not holds(questions[index].ask_if, answers):
            index += 1
        if index == len(questions):
            paths.append(dict(answers))
            return len(paths) <= limit
        question = questions[index]
        for value in question.choices:
            answers[question.key] = value
            if not go(index + 1, answers):
                return False
            del answers[question.key]
        return True

    return paths if go(0, {}) else None


def _describe(path: dict[str, str], questions: Sequence[QuestionSpec]) -> str:
    texts = {q.key: q.text for q in questions}
    return "；".join(f"{texts.get(k, k)}={v}" for k, v in path.items()) or "（不回答任何问题）"


def check_flow(questions: Sequence[QuestionSpec], outcomes: Sequence[OutcomeSpec]) -> Report:
    """The structural findings of a flow (no database)."""
    findings: list[Finding] = []
    report = Report(findings, [], {}, set(), set())
    if not questions:
        findings.append(Finding(ERROR, "no_questions", "情景还没有问题。"))
    if not outcomes:
        findings.append(Finding(ERROR, "no_outcomes", "情景还没有结果。"))
    keys: dict[str, QuestionSpec] = {}
    structural = False
    for position, question in enumerate(questions):
        if question.key in keys:
            findings.append(Finding(ERROR, "duplicate_key", f"问题标识“{question.key}”重复。"))
            structural = True
        if question.key in IGNORED_PARAMETERS:
            findings.append(
                Finding(ERROR, "reserved_key", f"问题标识“{question.key}”是页面保留的参数名。")
            )
        if len(question.choices) < 2:
            findings.append(
                Finding(ERROR, "few_choices", f"问题“{question.text}”至少需要两个选项。")
            )
            structural = structural or not question.choices
        if len(set(question.choices)) != len(question.choices):
            findings.append(
                Finding(ERROR, "duplicate_choice", f"问题“{question.text}”的选项取值重复。")
            )
        for error in condition_errors(question.ask_if):
            findings.append(Finding(ERROR, "bad_condition", f"问题“{question.text}”的提问{error}"))
            structural = True
        earlier = {q.key: q for q in questions[:position]}
        for key, value in references(question.ask_if) if not structural else []:
            if key not in earlier:
                findings.append(
                    Finding(
                        ERROR,
                        "ask_if_not_earlier",
                        f"问题“{question.text}”的提问条件引用了“{key}”，它不是前面的问题。",
                    )
                )
            elif value not in earlier[key].choices:
                findings.append(
                    Finding(
                        ERROR,
                        "unknown_value",
                        f"问题“{question.text}”的提问条件中“{key}”没有选项“{value}”。",
                    )
                )
        keys.setdefault(question.key, question)
    for outcome in outcomes:
        errors = condition_errors(outcome.condition)
        for error in errors:
            findings.append(Finding(ERROR, "bad_condition", f"结果“{outcome.title}”的适用{error}"))
            structural = True
        for key, value in references(outcome.condition) if not errors else []:
            if key not in keys:
                findings.append(
                    Finding(
                        ERROR,
                        "unknown_key",
                        f"结果“{outcome.title}”的条件引用了不存在的问题“{key}”。",
                    )
                )
            elif value not in keys[key].choices:
                findings.append(
                    Finding(
                        ERROR,
                        "unknown_value",
                        f"结果“{outcome.title}”的条件中问题“{key}”没有选项“{value}”。",
                    )
                )
    if structural or not questions:
        return report
    paths = answer_paths(questions)
    if paths is None:
        findings.append(
            Finding(
                ERROR,
                "too_large",
                f"回答组合超过 {MAX_PATHS} 种，无法完整检查，请拆分情景或减少问题。",
            )
        )
        return report
    report.paths = paths
    dead = []
    for path in paths:
        keys_in_order = list(path)
        for i, key in enumerate(keys_in_order):
            following = keys_in_order[i + 1] if i + 1 < len(keys_in_order) else ""
            report.edges.add((key, path[key], following))
        report.asked.update(path)
        matched = [o for o in outcomes if holds(o.condition, path)]
        for outcome in matched:
            report.reached.setdefault(outcome.ref, path)
        if not matched and outcomes:
            dead.append(path)
    if dead:
        findings.append(
            Finding(
                ERROR,
                "dead_end",
                f"有 {len(dead)} 种回答组合没有任何结果（死路），例如：{_describe(dead[0], questions)}。"
                "请补充结果，或设一个“无需办理”的结果。",
            )
        )
    for outcome in outcomes:
        if outcome.ref not in report.reached:
            findings.append(
                Finding(
                    ERROR,
                    "unreachable_outcome",
                    f"结果“{outcome.title}”在任何回答组合下都不会出现。",
                )
            )
    for question in questions:
        if question.key not in report.asked:
            findings.append(
                Finding(
                    ERROR,
                    "never_asked",
                    f"问题“{question.text}”在任何回答组合下都不会被问到。",
                )
            )
    return report


# --------------------------------------------------------------------------- the database side


def specs(scenario) -> tuple[list[QuestionSpec], list[OutcomeSpec]]:
    questions = [
        QuestionSpec(
            q.key,
            q.text,
            tuple(c.value for c in q.choices.all()),
            q.ask_if,
        )
        for q in scenario.questions.prefetch_related("choices").order_by("order", "pk")
    ]
    outcomes = [
        OutcomeSpec(
            o.pk,
            o.title,
            o.condition,
            empty=not o.items.exists() and not o.bundles.exists(),
        )
        for o in scenario.outcomes.order_by("order", "pk")
    ]
    return questions, outcomes


def check_scenario(scenario, on=None) -> Report:
    """`check_flow` on the stored scenario, and every material traceable: each item of an
    outcome (directly or through a 一件事) has a published guide in force."""
    report = check_flow(*specs(scenario))
    for outcome in scenario.outcomes.prefetch_related("items", "bundles__items"):
        for bundle in outcome.bundles.all():
            if not bundle.items.exists():
                report.findings.append(
                    Finding(ERROR, "empty_bundle", f"一件事“{bundle.name}”没有包含事项。")
                )
            if not bundle.is_published:
                report.findings.append(
                    Finding(
                        WARNING,
                        "bundle_unpublished",
                        f"结果“{outcome.title}”引用的一件事“{bundle.name}”尚未发布。",
                    )
                )
        items = list(outcome.items.all())
        items += [i for b in outcome.bundles.all() for i in b.items.all()]
        for item in dict.fromkeys(items):
            if rules.guide_in_force(item, on=on) is None:
                report.findings.append(
                    Finding(
                        ERROR,
                        "no_guide",
                        f"结果“{outcome.title}”中的事项“{item.name}”没有现行的已发布办事指南，"
                        "材料无从追溯。",
                    )
                )
    return report


# --------------------------------------------------------------------------- the graph


@dataclass
class Node:
    id: str
    label: str
    kind: str  # question | outcome
    x: int
    y: int
    width: int = 260
    height: int = 44


@dataclass
class Edge:
    source: Node
    target: Node
    label: str
    path: str = ""
    label_x: int = 0
    label_y: int = 0


@dataclass
class Graph:
    nodes: list[Node]
    edges: list[Edge]
    width: int
    height: int


def flow_graph(
    report: Report,
    questions: Sequence[QuestionSpec],
    outcomes: Sequence[OutcomeSpec],
    labels: dict[tuple[str, str], str] | None = None,
) -> Graph:
    """The flow as a graph laid out in Python (no JavaScript): questions down the left in
    their order, outcomes down the right; an edge for every (question, answer) → next question
    seen on some answer path, and from a path's last answer to each outcome it reaches."""
    labels = labels or {}
    left, right, step = 120, 560, 80
    nodes: dict[str, Node] = {}
    for i, q in enumerate(questions):
        nodes[f"q:{q.key}"] = Node(f"q:{q.key}", q.text, "question", left, 30 + i * step)
    for i, o in enumerate(outcomes):
        nodes[f"o:{o.ref}"] = Node(f"o:{o.ref}", o.title, "outcome", right, 30 + i * step)
    seen: dict[tuple[str, str, str], None] = {}
    rank = {(q.key, v): i for q in questions for i, v in enumerate(q.choices)}
    for key, value, following in sorted(
        report.edges, key=lambda e: (e[0], rank.get(e[:2], 0), e[2])
    ):
        if following:
            seen[(f"q:{key}", value, f"q:{following}")] = None
    for path in report.paths:
        if not path:
            continue
        last = list(path)[-1]
        for o in outcomes:
            if holds(o.condition, path):
                seen[(f"q:{last}", path[last], f"o:{o.ref}")] = None
    merged: dict[tuple[str, str], list[str]] = {}
    for source, value, target in seen:
        if source in nodes and target in nodes:
            label = labels.get((source[2:], value), value)
            names = merged.setdefault((source, target), [])
            if label not in names:
                names.append(label)
    edges = []
    for (source, target), names in merged.items():
        a, b = nodes[source], nodes[target]
        edge = Edge(a, b, "／".join(names))
        if b.kind == "question":
            span = max(1, (b.y - a.y) // step)
            x1, y1 = a.x, a.y + a.height // 2
            x2, y2 = b.x, b.y + b.height // 2
            bend = max(12, a.x - 30 - 18 * span)
            edge.path = f"M{x1},{y1} C{bend},{y1} {bend},{y2} {x2 - 6},{y2}"
            edge.label_x, edge.label_y = bend - 4, (y1 + y2) // 2
        else:
            x1, y1 = a.x + a.width, a.y + a.height // 2
            x2, y2 = b.x, b.y + b.height // 2
            edge.path = f"M{x1},{y1} L{x2 - 6},{y2}"
            edge.label_x, edge.label_y = x1 + (x2 - x1) // 4, y1 + (y2 - y1) // 4 - 4
        edges.append(edge)
    height = 60 + step * max(len(questions), len(outcomes), 1)
    return Graph(list(nodes.values()), edges, right + 300, height)
