"""Staff pages of the work plan and the acceptance package; the public page of published plans.
Thin: the rules and the permission checks are in oversight.plan and oversight.acceptance."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.core import permissions
from gongkai.core.audit import record_event
from gongkai.core.models import AuditEventType
from gongkai.core.officialdoc import download
from gongkai.core.versioning import VersionConflict, VersionForm, model_values
from gongkai.core.views import staff_required

from . import acceptance
from . import plan as rules
from .models import PlanStatus, PlanTask, WorkPlan
from .plan_forms import (
    AcceptanceForm,
    FilterForm,
    NoteForm,
    PlanForm,
    StatusForm,
    StepForm,
    TaskForm,
)

RULE_ERRORS = (rules.PlanError,)


def _site(request):
    site = permissions.staff_site(request)
    if site is None:
        raise PermissionDenied("您在任何站点都没有岗位。")
    return site


def _plan(request, pk) -> WorkPlan:
    plan = rules.plan_for(request.user, pk)
    if plan is None:
        raise Http404("没有该工作方案")
    return plan


def _task(request, pk) -> PlanTask:
    task = rules.task_for(request.user, pk)
    if task is None:
        raise Http404("没有该工作任务")
    return task


def _manage(request, site, what: str) -> None:
    if not rules.can_manage(request.user, site):
        raise PermissionDenied(f"只有公开办管理员可以{what}。")


@staff_required
def plan_list(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    manage = rules.can_manage(request.user, site)
    form = None
    if manage:
        form = PlanForm(
            request.POST or None,
            site=site,
            versioned=False,
            initial={"year": timezone.localdate().year},
        )
    if request.method == "POST":
        _manage(request, site, "新建工作方案")
        if form.is_valid():
            try:
                plan = rules.create_plan(request.user, site, **form.plan_data())
            except RULE_ERRORS as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "已新建工作方案，请添加阶段和任务。")
                return redirect(plan)
    today = timezone.localdate()
    plans = []
    for plan in rules.visible_plans(request.user, site):
        plans.append((plan, rules.counts(rules.tasks_of(plan), today)))
    return render(
        request,
        "oversight/plan_list.html",
        {"site": site, "plans": plans, "form": form, "manage": manage},
    )


@staff_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    filters = FilterForm(request.GET or None, site=plan.site)
    tasks = rules.tasks_of(plan)
    filtered = False
    if filters.is_valid():
        data = filters.cleaned_data
        filtered = bool(data["organisation"] or data["status"] or data["overdue"])
        tasks = rules.filter_tasks(
            tasks,
            organisation=data["organisation"],
            status=data["status"],
            overdue=data["overdue"],
        )
    tasks = list(tasks)
    groups = rules.grouped(plan, tasks)
    if filtered:
        groups = [g for g in groups if g.tasks]
    return render(
        request,
        "oversight/plan_detail.html",
        {
            "plan": plan,
            "groups": groups,
            "filters": filters,
            "filtered": filtered,
            "counts": rules.counts(rules.tasks_of(plan)),
            "shown": len(tasks),
            "manage": rules.can_manage(request.user, plan.site),
            "due_soon_days": rules.DUE_SOON_DAYS,
        },
    )


@staff_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    _manage(request, plan.site, "修改工作方案")
    fresh = WorkPlan.objects.get(pk=plan.pk)  # the form writes into its instance
    form = PlanForm(request.POST or None, instance=fresh, site=plan.site)
    form.load(plan.version, model_values(plan, rules.PLAN_FIELDS))
    conflict = None
    if request.method == "POST" and form.is_valid():
        version, base = form.version_data()
        try:
            rules.update_plan(request.user, plan, form.plan_data(), version=version, base=base)
        except VersionConflict as exc:
            conflict = exc
            form = PlanForm(
                VersionForm.after_conflict(request.POST, exc),
                instance=WorkPlan.objects.get(pk=plan.pk),
                site=plan.site,
            )
        except RULE_ERRORS as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已保存工作方案。")
            return redirect(plan)
    return render(
        request,
        "oversight/plan_form.html",
        {"plan": plan, "form": form, "conflict": conflict, "heading": "修改工作方案"},
        status=409 if conflict else 200,
    )


@staff_required
def plan_step_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    _manage(request, plan.site, "新增工作阶段")
    form = StepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rules.add_step(request.user, plan, **form.cleaned_data)
        except RULE_ERRORS as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已新增工作阶段。")
            return redirect(plan)
    return render(
        request, "oversight/plan_form.html", {"plan": plan, "form": form, "heading": "新增工作阶段"}
    )


@staff_required
def plan_task_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    _manage(request, plan.site, "新增工作任务")
    if not plan.steps.exists():
        messages.error(request, "请先新增工作阶段，再添加任务。")
        return redirect("oversight_staff:plan_step_add", plan.pk)
    form = TaskForm(request.POST or None, plan=plan, versioned=False)
    if request.method == "POST" and form.is_valid():
        try:
            task = rules.add_task(request.user, plan, **form.task_data())
        except RULE_ERRORS as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已新增工作任务。")
            return redirect(task)
    return render(
        request, "oversight/plan_form.html", {"plan": plan, "form": form, "heading": "新增工作任务"}
    )


@staff_required
def plan_task(request: HttpRequest, pk: int) -> HttpResponse:
    """The task with its progress notes; responsible organisations post notes here."""
    task = _task(request, pk)
    site = task.plan.site
    reporter = rules.acting_organisation(request.user, task)
    form = NoteForm(request.POST or None, site=site) if reporter else None
    if request.method == "POST":
        if form is None:
            rules.add_note(request.user, task, "")  # raises the permission message
        if form.is_valid():
            try:
                rules.add_note(
                    request.user,
                    task,
                    form.cleaned_data["text"],
                    evidence=form.cleaned_data["evidence_index"],
                )
            except RULE_ERRORS as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "已填报进展。")
                return redirect(task)
    notes = task.notes.select_related("organisation", "evidence").order_by("created_at", "pk")
    return render(
        request,
        "oversight/plan_task.html",
        {
            "task": task,
            "plan": task.plan,
            "responsible": rules.responsible(task),
            "notes": notes,
            "form": form,
            "reporter": reporter,
            "actions": [
                (a, rules.ACTION_LABELS[a]) for a in rules.allowed_actions(request.user, task)
            ],
            "manage": rules.can_manage(request.user, site),
            "done": PlanStatus.DONE,
            "today": timezone.localdate(),
        },
    )


@staff_required
def plan_task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    plan = task.plan
    _manage(request, plan.site, "修改工作任务")
    fresh = PlanTask.objects.get(pk=task.pk)  # the form writes into its instance
    form = TaskForm(request.POST or None, instance=fresh, plan=plan)
    form.load(task.version, model_values(task, rules.TASK_FIELDS))
    conflict = None
    if request.method == "POST" and form.is_valid():
        version, base = form.version_data()
        try:
            rules.update_task(request.user, task, form.task_data(), version=version, base=base)
        except VersionConflict as exc:
            conflict = exc
            form = TaskForm(
                VersionForm.after_conflict(request.POST, exc),
                instance=PlanTask.objects.get(pk=task.pk),
                plan=plan,
            )
        except RULE_ERRORS as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已保存工作任务。")
            return redirect(task)
    return render(
        request,
        "oversight/plan_form.html",
        {"plan": plan, "task": task, "form": form, "conflict": conflict, "heading": "修改工作任务"},
        status=409 if conflict else 200,
    )


@staff_required
@require_POST
def plan_task_status(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "操作无效，请刷新页面后重试。")
        return redirect(task)
    data = form.cleaned_data
    try:
        rules.change_status(
            request.user,
            task,
            data["action"],
            version=data["version"],
            on=data.get("completed_on") if data["action"] == "done" else None,
        )
    except VersionConflict:
        messages.error(
            request,
            "保存冲突：您打开页面后，其他人已修改了这项任务，状态没有改变。请查看最新内容后再操作。",
        )
        return redirect(task)
    except RULE_ERRORS as exc:
        messages.error(request, str(exc))
        return redirect(task)
    messages.success(request, f"已{rules.ACTION_LABELS[data['action']]}。")
    return redirect(task)


@staff_required
def plan_export(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    data = rules.plans_xlsx([plan])
    record_event(
        AuditEventType.EXPORTED, actor=request.user, obj=plan, message="导出工作方案（.xlsx）"
    )
    return download(data, f"{plan.title}.xlsx")


@staff_required
def acceptance_page(request: HttpRequest) -> HttpResponse:
    """The office admin chooses the year and downloads the package."""
    site = _site(request)
    if not permissions.allows(request.user, site, acceptance.EXPORT_ROLES):
        raise PermissionDenied("只有公开办管理员可以导出验收材料。")
    form = AcceptanceForm(request.GET or None, initial={"year": timezone.localdate().year - 1})
    error = ""
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"]
        try:
            data = acceptance.build_acceptance_package(site, year, request.user)
        except acceptance.PackageFailed as exc:
            error = str(exc)
        else:
            return download(data, acceptance.package_name(site, year))
    from .package import registered_parts

    return render(
        request,
        "oversight/acceptance_index.html",
        {"site": site, "form": form, "error": error, "parts": registered_parts()},
        status=400 if error else 200,
    )


# --------------------------------------------------------------------------- public


def _public_site(request):
    if getattr(request, "site", None) is None:
        raise Http404("没有站点")
    return request.site


def public_plans(request: HttpRequest) -> HttpResponse:
    """工作方案 published by the office (seed 000 步骤 2: 实施方案在本区网站公开)."""
    site = _public_site(request)
    plans = WorkPlan.objects.filter(site=site, is_public=True).order_by("-year", "pk")
    return render(request, "oversight/plan_public_list.html", {"site": site, "plans": plans})


def public_plan(request: HttpRequest, pk: int) -> HttpResponse:
    site = _public_site(request)
    plan = get_object_or_404(WorkPlan, pk=pk, site=site, is_public=True)
    tasks = list(rules.tasks_of(plan))
    return render(
        request,
        "oversight/plan_public_detail.html",
        {
            "site": site,
            "plan": plan,
            "groups": rules.grouped(plan, tasks),
            "counts": rules.counts(tasks),
        },
    )


def plan_panel(request):
    """工作任务 on the workbench: the open tasks of the organisations the user reports for (the
    whole site for the office admin), with how many are overdue or due soon."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    site = permissions.staff_site(request)
    if site is None:
        return None
    tasks = rules.open_tasks_for(user, site)
    if not tasks:
        return None
    overdue = [t for t in tasks if t.is_overdue]
    return "oversight/plan_panel.html", {
        "open": len(tasks),
        "overdue": overdue[:5],
        "overdue_count": len(overdue),
        "due_soon": sum(t.is_due_soon for t in tasks),
    }
