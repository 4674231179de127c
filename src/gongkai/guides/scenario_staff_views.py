"""Staff pages of 情景导航 under /staff/services/scenarios/: the office admin defines the
questions, choices and outcomes (conditions through structured fields, no JavaScript), sees
the flow checker's findings and the flow drawn as a graph, and publishes when the checker
passes. Every staff member of the site reads them. The rules live in guides.scenarios."""

from __future__ import annotations

import json
import re

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from gongkai.core import permissions
from gongkai.core.views import staff_required

from . import flowcheck, scenarios
from .models import Bundle, Choice, LifeEvent, Outcome, Question, Scenario, ServiceItem
from .scenarios import ScenarioError


def url_patterns() -> list:
    return [
        path("scenarios/", scenario_list, name="scenarios"),
        path("scenarios/<int:pk>/", scenario_detail, name="scenario"),
        path("scenarios/<int:pk>/act/<slug:action>/", scenario_action, name="scenario_action"),
    ]


# --------------------------------------------------------------------------- forms


class ScenarioForm(forms.ModelForm):
    class Meta:
        model = Scenario
        fields = ["title", "slug", "description", "life_event"]

    def __init__(self, *args, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = site
        self.fields["life_event"].queryset = LifeEvent.objects.filter(site=site)

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        clash = Scenario.objects.filter(site=self.site, slug=slug)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"标识“{slug}”已被其他情景使用。")
        return slug


OPERATORS = (("in", "是"), ("not", "不是"))
MODES = (("always", "总是"), ("all", "同时满足以下各项"), ("any", "满足以下任一项"))
CLAUSE_ROWS = 3


class ConditionForm(forms.Form):
    """A condition as structured fields: a mode and a few rows of “问题 是/不是 取值”. A
    condition the rows cannot show (nested) is edited as JSON in the last field."""

    mode = forms.ChoiceField(label="条件", choices=MODES, initial="always")
    advanced = forms.CharField(
        label="高级条件（JSON，填写后优先）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text='如 {"any": [{"q": "shop", "in": ["yes"]}, {"not": {"q": "alcohol", "in": ["no"]}}]}',
    )

    def __init__(self, *args, questions=(), rows=CLAUSE_ROWS, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = {q.key: q for q in questions}
        keys = [("", "—")] + [(q.key, f"{q.text}（{q.key}）") for q in questions]
        self.rows = rows
        for i in range(rows):
            self.fields[f"q{i}"] = forms.ChoiceField(
                label=f"第{i + 1}项：问题", choices=keys, required=False
            )
            self.fields[f"op{i}"] = forms.ChoiceField(
                label=f"第{i + 1}项：关系", choices=OPERATORS, required=False
            )
            self.fields[f"v{i}"] = forms.CharField(
                label=f"第{i + 1}项：取值",
                required=False,
                help_text="选项取值，多个用逗号分隔",
            )

    @classmethod
    def initial_for(cls, condition) -> dict:
        """The fields showing `condition`, or the JSON field when the rows cannot."""
        if not condition:
            return {"mode": "always"}
        mode, clauses = "all", [condition]
        if set(condition) in ({"all"}, {"any"}):
            mode, clauses = next(iter(condition)), list(condition[next(iter(condition))])
        initial = {"mode": mode}
        for i, clause in enumerate(clauses):
            op = "in"
            if set(clause) == {"not"}:
                op, clause = "not", clause["not"]
            if set(clause) != {"q", "in"} or i >= CLAUSE_ROWS:
                return {"mode": "always", "advanced": json.dumps(condition, ensure_ascii=False)}
            initial.update({f"q{i}": clause["q"], f"op{i}": op, f"v{i}": ",".join(clause["in"])})
        return initial

    def clean(self):
        data = super().clean()
        if data.get("advanced", "").strip():
            try:
                condition = json.loads(data["advanced"])
            except ValueError:
                raise forms.ValidationError("高级条件不是有效的 JSON。") from None
            errors = scenarios.condition_errors(condition)
            if errors:
                raise forms.ValidationError(errors)
            data["condition"] = condition
            return data
        clauses = []
        for i in range(self.rows):
            key = data.get(f"q{i}")
            values = [v.strip() for v in (data.get(f"v{i}") or "").replace("，", ",").split(",")]
            values = [v for v in values if v]
            if not key and not values:
                continue
            if not key or not values:
                self.add_error(f"v{i}", "请同时选择问题并填写取值。")
                continue
            known = {c.value for c in self.questions[key].choices.all()}
            unknown = [v for v in values if v not in known]
            if unknown:
                self.add_error(
                    f"v{i}",
                    f"问题“{key}”没有选项：{'、'.join(unknown)}（可选：{'、'.join(sorted(known))}）。",
                )
                continue
            clause = {"q": key, "in": values}
            clauses.append({"not": clause} if data.get(f"op{i}") == "not" else clause)
        mode = data.get("mode")
        if mode == "always" or not clauses:
            if mode != "always" and not self.errors:
                self.add_error("mode", "请至少填写一项条件，或选择“总是”。")
            data["condition"] = {}
        elif len(clauses) == 1:
            data["condition"] = clauses[0]
        else:
            data["condition"] = {mode: clauses}
        return data


class QuestionForm(forms.Form):
    key = forms.SlugField(label="标识", max_length=40, help_text="用于链接中的答案，如 shop")
    text = forms.CharField(label="问题", max_length=200)
    help_text = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    order = forms.IntegerField(label="序号", min_value=0, required=False)
    choices = forms.CharField(
        label="选项",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一个：取值|选项文字，如 yes|有",
    )

    def clean_key(self):
        key = self.cleaned_data["key"]
        if key in scenarios.IGNORED_PARAMETERS:
            raise forms.ValidationError(f"“{key}”是页面保留的参数名，请换一个标识。")
        return key

    def clean_choices(self):
        parsed = []
        for n, line in enumerate(self.cleaned_data["choices"].splitlines(), 1):
            if not line.strip():
                continue
            value, _, label = line.partition("|")
            value, label = value.strip(), label.strip() or value.strip()
            if not re.fullmatch(r"[-a-zA-Z0-9_]+", value):
                raise forms.ValidationError(f"第{n}行的取值“{value}”只能用字母、数字、连字符。")
            parsed.append((value, label))
        values = [v for v, _ in parsed]
        if len(parsed) < 2:
            raise forms.ValidationError("至少需要两个选项。")
        if len(set(values)) != len(values):
            raise forms.ValidationError("选项取值不能重复。")
        return parsed

    @staticmethod
    def initial_for(question: Question) -> dict:
        return {
            "key": question.key,
            "text": question.text,
            "help_text": question.help_text,
            "order": question.order,
            "choices": "\n".join(f"{c.value}|{c.label}" for c in question.choices.all()),
        }


class OutcomeForm(forms.Form):
    title = forms.CharField(label="结果说明", max_length=200)
    order = forms.IntegerField(label="序号", min_value=0, required=False)
    items = forms.CharField(
        label="需办事项（事项编码，每行一个）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="不填事项和一件事即为“无需办理”的结果",
    )
    bundles = forms.ModelMultipleChoiceField(
        label="一件事",
        queryset=Bundle.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = site
        self.fields["bundles"].queryset = Bundle.objects.filter(site=site)

    def clean_items(self):
        codes = [c.strip() for c in self.cleaned_data["items"].split() if c.strip()]
        items = {i.code: i for i in ServiceItem.objects.filter(site=self.site, code__in=codes)}
        unknown = [c for c in codes if c not in items]
        if unknown:
            raise forms.ValidationError(f"没有这些事项编码：{'、'.join(unknown)}")
        return [items[c] for c in dict.fromkeys(codes)]

    @staticmethod
    def initial_for(outcome: Outcome) -> dict:
        return {
            "title": outcome.title,
            "order": outcome.order,
            "items": "\n".join(i.code for i in outcome.items.all()),
            "bundles": list(outcome.bundles.all()),
        }


# --------------------------------------------------------------------------- views


def _site(request):
    site = permissions.staff_site(request)
    if site is None:
        raise PermissionDenied("您在任何站点都没有岗位。")
    return site


def _scenario(request, pk) -> Scenario:
    return get_object_or_404(Scenario, site=_site(request), pk=pk)


@staff_required
def scenario_list(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    manage = scenarios.can_manage(request.user, site)
    form = ScenarioForm(request.POST or None, site=site) if manage else None
    if request.method == "POST":
        if not manage:
            raise PermissionDenied("只有公开办管理员可以新建情景导航。")
        if form.is_valid():
            try:
                scenario = scenarios.create_scenario(request.user, site, **form.cleaned_data)
            except ScenarioError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "已新建情景导航，请添加问题和结果。")
                return redirect("guides_staff:scenario", scenario.pk)
    rows = []
    for scenario in Scenario.objects.filter(site=site):
        rows.append((scenario, flowcheck.check_scenario(scenario)))
    status = 400 if form is not None and form.errors else 200
    return render(
        request,
        "guides/scenario_staff_list.html",
        {"rows": rows, "form": form, "manage": manage},
        status=status,
    )


def _detail(request, scenario, status=200, **bound):
    questions = scenarios.questions_of(scenario)
    outcomes = list(scenario.outcomes.prefetch_related("items", "bundles").order_by("order", "pk"))
    report = flowcheck.check_scenario(scenario)
    qspecs, ospecs = flowcheck.specs(scenario)
    labels = {(q.key, c.value): c.label for q in questions for c in q.choices.all()}
    graph = flowcheck.flow_graph(report, qspecs, ospecs, labels)
    manage = scenarios.can_manage(request.user, scenario.site)
    site = scenario.site
    forms_ = {}
    if manage:
        forms_ = {
            "scenario_form": bound.get("scenario_form")
            or ScenarioForm(instance=scenario, site=site, prefix="s"),
            "question_form": bound.get("question_form") or QuestionForm(prefix="nq"),
            "question_condition": bound.get("question_condition")
            or ConditionForm(prefix="nqc", questions=questions),
            "outcome_form": bound.get("outcome_form") or OutcomeForm(prefix="no", site=site),
            "outcome_condition": bound.get("outcome_condition")
            or ConditionForm(prefix="noc", questions=questions),
        }
        edit_questions = []
        for q in questions:
            mine = bound.get(f"q{q.pk}")
            edit_questions.append(
                (
                    q,
                    mine[0]
                    if mine
                    else QuestionForm(prefix=f"q{q.pk}", initial=QuestionForm.initial_for(q)),
                    mine[1]
                    if mine
                    else ConditionForm(
                        prefix=f"q{q.pk}c",
                        questions=[
                            x
                            for x in questions
                            if x.order < q.order or (x.order == q.order and x.pk < q.pk)
                        ],
                        initial=ConditionForm.initial_for(q.ask_if),
                    ),
                )
            )
        edit_outcomes = []
        for o in outcomes:
            mine = bound.get(f"o{o.pk}")
            edit_outcomes.append(
                (
                    o,
                    mine[0]
                    if mine
                    else OutcomeForm(
                        prefix=f"o{o.pk}", site=site, initial=OutcomeForm.initial_for(o)
                    ),
                    mine[1]
                    if mine
                    else ConditionForm(
                        prefix=f"o{o.pk}c",
                        questions=questions,
                        initial=ConditionForm.initial_for(o.condition),
                    ),
                )
            )
        forms_.update(edit_questions=edit_questions, edit_outcomes=edit_outcomes)
    names = {n.id: n.label for n in graph.nodes}
    text_edges = [
        (names[e.source.id], e.label, names[e.target.id], e.target.kind) for e in graph.edges
    ]
    return render(
        request,
        "guides/scenario_staff_detail.html",
        {
            "scenario": scenario,
            "questions": questions,
            "outcomes": outcomes,
            "report": report,
            "graph": graph,
            "text_edges": text_edges,
            "manage": manage,
            "public_url": reverse("guides:scenario", args=[scenario.slug]),
            **forms_,
        },
        status=status,
    )


@staff_required
@require_GET
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _scenario(request, pk))


def _next_order(related) -> int:
    return (related.aggregate(m=Max("order"))["m"] or 0) + 1


def _save_question(question: Question, data: dict, ask_if: dict) -> None:
    question.key = data["key"]
    question.text = data["text"]
    question.help_text = data["help_text"]
    if data.get("order") is not None:
        question.order = data["order"]
    question.ask_if = ask_if
    question.save()
    wanted = dict(data["choices"])
    question.choices.exclude(value__in=wanted).delete()
    for order, (value, label) in enumerate(data["choices"], 1):
        Choice.objects.update_or_create(
            question=question, value=value, defaults={"label": label, "order": order}
        )


def _save_outcome(outcome: Outcome, data: dict, condition: dict) -> None:
    outcome.title = data["title"]
    if data.get("order") is not None:
        outcome.order = data["order"]
    outcome.condition = condition
    outcome.save()
    outcome.items.set(data["items"])
    outcome.bundles.set(data["bundles"])


TARGETED = ("edit-question", "edit-outcome", "delete-question", "delete-outcome")


@staff_required
@require_POST
def scenario_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    scenario = _scenario(request, pk)
    if not scenarios.can_manage(request.user, scenario.site):
        raise PermissionDenied("只有公开办管理员可以修改情景导航。")
    questions = scenarios.questions_of(scenario)
    site = scenario.site
    target = request.POST.get("target", "")
    if action in TARGETED and not target.isdigit():
        raise Http404("没有指明要修改的问题或结果")
    try:
        if action == "publish" or action == "unpublish":
            scenarios.set_published(request.user, scenario, action == "publish")
            messages.success(request, "已发布。" if action == "publish" else "已撤下。")
        elif action == "edit":
            form = ScenarioForm(
                request.POST, instance=Scenario.objects.get(pk=scenario.pk), site=site, prefix="s"
            )
            if not form.is_valid():
                return _detail(request, scenario, 400, scenario_form=form)
            scenarios.change_scenario(request.user, scenario, "修改情景导航", form.save)
            messages.success(request, "已保存。")
        elif action in ("add-question", "edit-question"):
            question = None
            prefix = "nq"
            if action == "edit-question":
                question = get_object_or_404(Question, scenario=scenario, pk=target)
                prefix = f"q{question.pk}"
            form = QuestionForm(request.POST, prefix=prefix)
            earlier = (
                questions if question is None else [q for q in questions if q.pk != question.pk]
            )
            condition = ConditionForm(request.POST, prefix=f"{prefix}c", questions=earlier)
            valid = form.is_valid() & condition.is_valid()
            if valid:
                clash = scenario.questions.filter(key=form.cleaned_data["key"])
                if question is not None:
                    clash = clash.exclude(pk=question.pk)
                if clash.exists():
                    form.add_error("key", "本情景已有这个标识的问题。")
                    valid = False
            if not valid:
                key = "question_form" if question is None else f"q{question.pk}"
                bound = (
                    {"question_form": form, "question_condition": condition}
                    if question is None
                    else {key: (form, condition)}
                )
                return _detail(request, scenario, 400, **bound)
            data = form.cleaned_data
            if question is None:
                question = Question(scenario=scenario, order=_next_order(scenario.questions))
            q = question
            scenarios.change_scenario(
                request.user,
                scenario,
                "修改情景问题" if q.pk else "添加情景问题",
                lambda: _save_question(q, data, condition.cleaned_data["condition"]),
            )
            messages.success(request, "问题已保存。")
        elif action in ("add-outcome", "edit-outcome"):
            outcome = None
            prefix = "no"
            if action == "edit-outcome":
                outcome = get_object_or_404(Outcome, scenario=scenario, pk=target)
                prefix = f"o{outcome.pk}"
            form = OutcomeForm(request.POST, prefix=prefix, site=site)
            condition = ConditionForm(request.POST, prefix=f"{prefix}c", questions=questions)
            if not (form.is_valid() & condition.is_valid()):
                bound = (
                    {"outcome_form": form, "outcome_condition": condition}
                    if outcome is None
                    else {f"o{outcome.pk}": (form, condition)}
                )
                return _detail(request, scenario, 400, **bound)
            if outcome is None:
                outcome = Outcome(scenario=scenario, order=_next_order(scenario.outcomes))
            o, data = outcome, form.cleaned_data
            scenarios.change_scenario(
                request.user,
                scenario,
                "修改导航结果" if o.pk else "添加导航结果",
                lambda: _save_outcome(o, data, condition.cleaned_data["condition"]),
            )
            messages.success(request, "结果已保存。")
        elif action == "delete-question":
            question = get_object_or_404(Question, scenario=scenario, pk=target)
            scenarios.change_scenario(request.user, scenario, "删除情景问题", question.delete)
            messages.success(request, "问题已删除。")
        elif action == "delete-outcome":
            outcome = get_object_or_404(Outcome, scenario=scenario, pk=target)
            scenarios.change_scenario(request.user, scenario, "删除导航结果", outcome.delete)
            messages.success(request, "结果已删除。")
        else:
            raise Http404
    except ScenarioError as exc:
        messages.error(request, str(exc))
        return _detail(request, Scenario.objects.get(pk=scenario.pk), 409)
    return redirect("guides_staff:scenario", scenario.pk)
