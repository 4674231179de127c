"""The work plan (工作方案): steps, tasks with responsible organisations and deadlines, progress.

Seed 000's 实施步骤 table (序号, 工作任务, 责任部门, 时间进度) becomes a living plan: the office
admin (公开办) owns the plan and its tasks; the staff of a task's responsible organisations post
dated progress notes and mark it done; the office can reopen. Edits are conditional on the
version the editor loaded (core.versioning), so two people never silently overwrite each
other; every change writes an audit event."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from gongkai.core import permissions
from gongkai.core.audit import record_event, snapshot
from gongkai.core.exports import xlsx_cell
from gongkai.core.models import AuditEventType, Organisation, Role, Site
from gongkai.core.sites import touch_site
from gongkai.core.versioning import claim

from .models import PlanNote, PlanStatus, PlanStep, PlanTask, WorkPlan

#: who manages a plan: the office admin of the site (seed 000: 区公开办牵头)
MANAGE_ROLES = (Role.OFFICE_ADMIN,)
#: who reports progress for a responsible organisation: its staff who act for it
REPORT_ROLES = permissions.WRITE_ROLES
#: a task is "due soon" this many days before its deadline
DUE_SOON_DAYS = 7
#: a closed task is never overdue
CLOSED = (PlanStatus.DONE, PlanStatus.CANCELLED)
#: the fields a task edit compares when two people save the same task
TASK_FIELDS = ("step", "number", "text", "lead", "co_organisations", "deadline", "deadline_text")
TASK_FIELDS += ("remark",)
PLAN_FIELDS = ("year", "title", "source_title", "source_record", "is_public")


class PlanError(ValueError):
    """A step refused by the plan's rules; the message says why, in Chinese."""


# --------------------------------------------------------------------------- the rules


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def is_overdue(task: PlanTask, today: date | None = None) -> bool:
    """Deadline passed and the task neither done nor cancelled (same rule as `overdue_q`)."""
    return task.status not in CLOSED and task.deadline < _today(today)


def is_due_soon(task: PlanTask, today: date | None = None) -> bool:
    """Open, not yet overdue, and due within DUE_SOON_DAYS days."""
    today = _today(today)
    return task.status not in CLOSED and today <= task.deadline <= today + timedelta(DUE_SOON_DAYS)


def overdue_q(today: date | None = None) -> Q:
    """`is_overdue` as a query condition."""
    return Q(deadline__lt=_today(today)) & ~Q(status__in=CLOSED)


def responsible(task: PlanTask) -> list[Organisation]:
    """The lead organisation first, then the co-organisations."""
    return [task.lead, *[o for o in task.co_organisations.all() if o.pk != task.lead_id]]


def can_manage(actor, site: Site) -> bool:
    return permissions.allows(actor, site, MANAGE_ROLES)


def acting_organisation(actor, task: PlanTask) -> Organisation | None:
    """The responsible organisation the actor reports for (the lead when they may act for
    it), or None when they act for none of them. The office admin acts for all."""
    for organisation in responsible(task):
        if permissions.allows(actor, organisation, REPORT_ROLES):
            return organisation
    return None


def _require_manage(actor, plan_or_site, what: str) -> None:
    site = plan_or_site if isinstance(plan_or_site, Site) else plan_or_site.site
    permissions.require(actor, what, site, MANAGE_ROLES)


def _require_report(actor, task: PlanTask, what: str) -> Organisation:
    if actor is None:
        permissions.require(actor, what, task.lead, REPORT_ROLES)  # raises the standard message
    organisation = acting_organisation(actor, task)
    if organisation is None:
        names = "、".join(o.name for o in responsible(task))
        raise permissions.PermissionDenied(
            f"您没有权限{what}：该任务的责任单位是{names}，只有责任单位的工作人员或公开办管理员"
            "可以填报进展、标记完成。"
        )
    return organisation


# --------------------------------------------------------------------------- queries


def visible_plans(user, site: Site) -> QuerySet[WorkPlan]:
    """Plans of `site` for any staff member of it (the plan is the whole site's work)."""
    if not permissions.sites_for(user).filter(pk=site.pk).exists():
        return WorkPlan.objects.none()
    return WorkPlan.objects.filter(site=site)


def plan_for(user, pk: int) -> WorkPlan | None:
    return WorkPlan.objects.filter(pk=pk, site__in=permissions.sites_for(user)).first()


def task_for(user, pk: int) -> PlanTask | None:
    return (
        PlanTask.objects.select_related("plan__site", "step", "lead")
        .filter(pk=pk, plan__site__in=permissions.sites_for(user))
        .first()
    )


def tasks_of(plan: WorkPlan) -> QuerySet[PlanTask]:
    return (
        plan.tasks.select_related("step", "lead")
        .prefetch_related(
            Prefetch("co_organisations", queryset=Organisation.objects.order_by("path")),
            Prefetch("notes", queryset=PlanNote.objects.select_related("organisation")),
        )
        .order_by("step__number", "number", "pk")
    )


def open_tasks_for(user, site: Site) -> list[PlanTask]:
    """Open tasks of `site` whose lead or co-organisation the user reports for."""
    organisations = permissions.organisations_for(user, REPORT_ROLES, site=site)
    return list(
        PlanTask.objects.filter(plan__site=site)
        .exclude(status__in=CLOSED)
        .filter(Q(lead__in=organisations) | Q(co_organisations__in=organisations))
        .select_related("step", "lead")
        .distinct()
        .order_by("deadline", "pk")
    )


def filter_tasks(
    tasks: QuerySet[PlanTask],
    *,
    organisation: Organisation | None = None,
    status: str = "",
    overdue: bool = False,
    today: date | None = None,
) -> QuerySet[PlanTask]:
    if organisation is not None:
        tasks = tasks.filter(Q(lead=organisation) | Q(co_organisations=organisation)).distinct()
    if status:
        tasks = tasks.filter(status=status)
    if overdue:
        tasks = tasks.filter(overdue_q(today))
    return tasks


@dataclass
class StepGroup:
    step: PlanStep
    tasks: list[PlanTask]


def grouped(plan: WorkPlan, tasks) -> list[StepGroup]:
    """The plan's steps in order, each with its (filtered) tasks; empty steps are kept when
    nothing is filtered so the table shows the whole plan."""
    by_step: dict[int, list[PlanTask]] = {}
    for task in tasks:
        by_step.setdefault(task.step_id, []).append(task)
    return [StepGroup(step, by_step.get(step.pk, [])) for step in plan.steps.all()]


@dataclass
class Counts:
    total: int = 0
    not_started: int = 0
    in_progress: int = 0
    done: int = 0
    cancelled: int = 0
    overdue: int = 0
    due_soon: int = 0


def counts(tasks, today: date | None = None) -> Counts:
    result = Counts()
    for task in tasks:
        result.total += 1
        setattr(result, task.status, getattr(result, task.status) + 1)
        result.overdue += is_overdue(task, today)
        result.due_soon += is_due_soon(task, today)
    return result


def plans_of_year(site: Site, year: int) -> QuerySet[WorkPlan]:
    """The plans that concern `year`: made for it, or with a task due in it."""
    return (
        WorkPlan.objects.filter(site=site)
        .filter(Q(year=year) | Q(tasks__deadline__year=year))
        .distinct()
        .order_by("year", "pk")
    )


# --------------------------------------------------------------------------- changes


def _plan_after(plan: WorkPlan) -> dict:
    return snapshot(plan, list(PLAN_FIELDS))


def _task_after(task: PlanTask) -> dict:
    data = snapshot(task, [*TASK_FIELDS, "status", "completed_on"])
    data["co_organisations"] = sorted(task.co_organisations.values_list("pk", flat=True))
    return data


def _touch(plan: WorkPlan, was_public: bool = False) -> None:
    """A published plan's public page and the sitemap change with it (new cache keys)."""
    if plan.is_public or was_public:
        touch_site(plan.site)


def _check_source(site: Site, record) -> None:
    if record is not None and record.site_id != site.pk:
        raise PlanError("来源文件须是本站点发布的信息。")


def create_plan(actor, site: Site, **data) -> WorkPlan:
    _require_manage(actor, site, "新建工作方案")
    _check_source(site, data.get("source_record"))
    with transaction.atomic():
        plan = WorkPlan.objects.create(site=site, **data)
        record_event(
            AuditEventType.OBJECT_CREATED,
            actor=actor,
            obj=plan,
            after=_plan_after(plan),
            message="新建工作方案",
        )
        _touch(plan)
    return plan


def update_plan(actor, plan: WorkPlan, data: dict, *, version=None, base=None) -> WorkPlan:
    _require_manage(actor, plan, "修改工作方案")
    _check_source(plan.site, data.get("source_record"))
    with transaction.atomic():
        claim(plan, version, fields=PLAN_FIELDS, yours=data, base=base)
        before = _plan_after(plan)
        for key, value in data.items():
            setattr(plan, key, value)
        plan.save()
        record_event(
            AuditEventType.OBJECT_CHANGED,
            actor=actor,
            obj=plan,
            before=before,
            after=_plan_after(plan),
            message="修改工作方案",
        )
        _touch(plan, was_public=before["is_public"])
    return plan


def _check_dates(starts_on, ends_on) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise PlanError("阶段的结束日期不能早于开始日期。")


def add_step(actor, plan: WorkPlan, *, title: str, starts_on=None, ends_on=None, number=None):
    _require_manage(actor, plan, "新增工作阶段")
    _check_dates(starts_on, ends_on)
    with transaction.atomic():
        if number is None:
            last = plan.steps.order_by("-number").values_list("number", flat=True).first()
            number = (last or 0) + 1
        elif plan.steps.filter(number=number).exists():
            raise PlanError(f"序号 {number} 的阶段已存在。")
        step = PlanStep.objects.create(
            plan=plan, number=number, title=title, starts_on=starts_on, ends_on=ends_on
        )
        record_event(
            AuditEventType.OBJECT_CREATED,
            actor=actor,
            obj=step,
            site=plan.site,
            after=snapshot(step),
            message="新增工作阶段",
        )
        _touch(plan)
    return step


def _check_task(plan: WorkPlan, data: dict) -> None:
    step = data.get("step")
    if step is not None and step.plan_id != plan.pk:
        raise PlanError("所选阶段不属于该工作方案。")
    organisations = [data.get("lead"), *data.get("co_organisations", [])]
    if any(o is not None and o.site_id != plan.site_id for o in organisations):
        raise PlanError("责任单位须是本站点的机构。")


def add_task(actor, plan: WorkPlan, *, co_organisations=(), **data) -> PlanTask:
    _require_manage(actor, plan, "新增工作任务")
    _check_task(plan, {**data, "co_organisations": list(co_organisations)})
    with transaction.atomic():
        if "number" not in data:
            last = (
                plan.tasks.filter(step=data["step"])
                .order_by("-number")
                .values_list("number", flat=True)
                .first()
            )
            data["number"] = (last or 0) + 1
        task = PlanTask.objects.create(plan=plan, **data)
        task.co_organisations.set([o for o in co_organisations if o.pk != task.lead_id])
        if task.status in CLOSED and task.completed_on is None:
            task.completed_on = timezone.localdate()
            task.save(update_fields=["completed_on"])
        record_event(
            AuditEventType.OBJECT_CREATED,
            actor=actor,
            obj=task,
            site=plan.site,
            after=_task_after(task),
            message="新增工作任务",
        )
        _touch(plan)
    return task


def update_task(actor, task: PlanTask, data: dict, *, version=None, base=None) -> PlanTask:
    """The office admin's edit of a task's content; the status has its own steps."""
    _require_manage(actor, task.plan, "修改工作任务")
    co = list(data.pop("co_organisations", task.co_organisations.all()))
    _check_task(task.plan, {**data, "co_organisations": co})
    with transaction.atomic():
        claim(task, version, fields=TASK_FIELDS, yours={**data, "co_organisations": co}, base=base)
        before = _task_after(task)
        for key, value in data.items():
            setattr(task, key, value)
        task.save()
        task.co_organisations.set([o for o in co if o.pk != task.lead_id])
        record_event(
            AuditEventType.OBJECT_CHANGED,
            actor=actor,
            obj=task,
            site=task.plan.site,
            before=before,
            after=_task_after(task),
            message="修改工作任务",
        )
        _touch(task.plan)
    return task


def add_note(actor, task: PlanTask, text: str, *, evidence=None) -> PlanNote:
    """A progress note by a responsible organisation (or the office); a first note on a task
    not yet started starts it."""
    organisation = _require_report(actor, task, "填报该任务的进展")
    text = (text or "").strip()
    if not text:
        raise PlanError("请填写进展情况。")
    if evidence is not None and evidence.site_id != task.plan.site_id:
        raise PlanError("佐证材料须是本站点的信息。")
    with transaction.atomic():
        note = PlanNote.objects.create(
            task=task,
            organisation=organisation,
            author=permissions.user_of(actor),
            author_name=str(actor)[:150],
            text=text,
            evidence=evidence,
        )
        record_event(
            AuditEventType.OBJECT_CREATED,
            actor=actor,
            obj=note,
            site=task.plan.site,
            after={"task": task.pk, "organisation": organisation.pk, "evidence": note.evidence_id},
            message="填报工作任务进展",
        )
        if task.status == PlanStatus.NOT_STARTED:
            _move(actor, task, PlanStatus.IN_PROGRESS, version=None, reason="填报进展")
    return note


#: status steps: name -> (target status, who may take it, allowed from)
TRANSITIONS = {
    "start": (PlanStatus.IN_PROGRESS, "report", (PlanStatus.NOT_STARTED,)),
    "done": (PlanStatus.DONE, "report", (PlanStatus.NOT_STARTED, PlanStatus.IN_PROGRESS)),
    "reopen": (PlanStatus.IN_PROGRESS, "manage", (PlanStatus.DONE, PlanStatus.CANCELLED)),
    "cancel": (PlanStatus.CANCELLED, "manage", (PlanStatus.NOT_STARTED, PlanStatus.IN_PROGRESS)),
}
ACTION_LABELS = {
    "start": "开始办理",
    "done": "标记完成",
    "reopen": "重新打开",
    "cancel": "取消任务",
}


def allowed_actions(actor, task: PlanTask) -> list[str]:
    manage = can_manage(actor, task.plan.site)
    report = manage or acting_organisation(actor, task) is not None
    return [
        name
        for name, (_target, who, sources) in TRANSITIONS.items()
        if task.status in sources and (manage if who == "manage" else report)
    ]


def change_status(
    actor, task: PlanTask, action: str, *, version=None, on: date | None = None
) -> PlanTask:
    """Take a status step. Done records the completion date (today unless `on`); reopening
    clears it. Conditional on `version`, like an edit."""
    if action not in TRANSITIONS:
        raise PlanError("未知的操作。")
    target, who, sources = TRANSITIONS[action]
    label = ACTION_LABELS[action]
    if who == "manage":
        _require_manage(actor, task.plan, f"{label}（只有公开办管理员可以）")
    else:
        _require_report(actor, task, label)
    if task.status not in sources:
        raise PlanError(f"该任务当前为“{task.get_status_display()}”，不能{label}。")
    if on is not None and on > timezone.localdate():
        raise PlanError("完成日期不能晚于今天。")
    with transaction.atomic():
        _move(actor, task, target, version=version, reason=label, on=on)
    return task


def _move(actor, task, target, *, version, reason, on=None) -> None:
    claim(task, version, fields=("status", "completed_on"))
    before = {"status": task.status, "completed_on": _iso(task.completed_on)}
    task.status = target
    task.completed_on = (on or timezone.localdate()) if target in CLOSED else None
    task.save(update_fields=["status", "completed_on", "version", "updated_at"])
    record_event(
        AuditEventType.STATE_CHANGED,
        actor=actor,
        obj=task,
        site=task.plan.site,
        before=before,
        after={"status": task.status, "completed_on": _iso(task.completed_on)},
        message=reason,
    )
    _touch(task.plan)


def _iso(value):
    return value.isoformat() if value else None


# --------------------------------------------------------------------------- exports

XLSX_HEADER = [
    "阶段",
    "序号",
    "工作任务",
    "牵头单位",
    "配合单位",
    "时间进度",
    "完成时限",
    "状态",
    "完成（取消）日期",
    "是否逾期",
    "最新进展",
]


def task_row(task: PlanTask, today: date | None = None) -> list:
    """One task as the export's row (the test reads it back and compares with the DB)."""
    notes = list(task.notes.all())
    last = notes[-1] if notes else None
    latest = f"{last.created_at:%Y-%m-%d} {last.organisation.name}：{last.text}" if last else ""
    return [
        f"{task.step.number}. {task.step.title}",
        task.number,
        task.text,
        task.lead.name,
        "、".join(o.name for o in responsible(task)[1:]),
        task.deadline_text,
        task.deadline,
        task.get_status_display(),
        task.completed_on,
        "是" if is_overdue(task, today) else "否",
        latest,
    ]


def _sheet_title(name: str, used: set[str]) -> str:
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:28] or "工作方案"
    title, n = base, 2
    while title in used:
        title, n = f"{base}{n}", n + 1
    used.add(title)
    return title


def plans_xlsx(plans, today: date | None = None) -> bytes:
    """Each plan as a sheet: title, then the header and one row per task in step order."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for plan in plans:
        ws = workbook.create_sheet(_sheet_title(plan.title, used))
        xlsx_cell(ws, 1, 1, plan.title).font = Font(bold=True, size=14)
        for column, label in enumerate(XLSX_HEADER, 1):
            xlsx_cell(ws, 2, column, label).font = Font(bold=True)
        for row, task in enumerate(tasks_of(plan), 3):
            for column, value in enumerate(task_row(task, today), 1):
                cell = xlsx_cell(ws, row, column, value)
                if isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
        for column, width in zip(
            "ABCDEFGHIJK", (18, 6, 50, 20, 30, 14, 12, 8, 14, 8, 50), strict=True
        ):
            ws.column_dimensions[column].width = width
        ws.freeze_panes = "A3"
    if not workbook.sheetnames:
        ws = workbook.create_sheet("工作方案")
        xlsx_cell(ws, 1, 1, "（暂无工作方案）")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plans_docx(site: Site, year: int, plans, today: date | None = None) -> bytes:
    """工作方案落实情况: totals, then each plan's tasks with status, in the official layout."""
    from gongkai.core.officialdoc import OfficialDocument

    plans = list(plans)
    doc = OfficialDocument()
    doc.title(f"{site.name}{year}年度政务公开工作方案落实情况")
    if not plans:
        doc.body(f"{year}年度没有录入的工作方案。")
    for number, plan in enumerate(plans, 1):
        tasks = list(tasks_of(plan))
        c = counts(tasks, today)
        doc.heading(f"{_chinese_number(number)}、{plan.title}")
        source = f"（{plan.source_title}）" if plan.source_title else ""
        doc.body(
            f"该方案{source}共有工作任务{c.total}项：已完成{c.done}项，进行中{c.in_progress}项，"
            f"未开始{c.not_started}项，已取消{c.cancelled}项；逾期未完成{c.overdue}项。"
        )
        rows = [
            [
                f"{t.step.number}.{t.number}",
                t.text,
                "、".join(o.name for o in responsible(t)),
                t.deadline_text or f"{t.deadline:%Y-%m-%d}",
                t.get_status_display() + ("（逾期）" if is_overdue(t, today) else ""),
                f"{t.completed_on:%Y-%m-%d}" if t.completed_on else "",
            ]
            for t in tasks
        ]
        doc.table(["序号", "工作任务", "责任单位", "时间进度", "状态", "完成日期"], rows)
    doc.signature(site.sponsor or site.name, _chinese_date(_today(today)))
    return doc.to_bytes()


def _chinese_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n - 10] if n > 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
