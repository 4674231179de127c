"""民生实事项目 from implementation on: the responsible organisation and budget, weighted
milestones, public progress updates with photos and documents, deferral, the public
satisfaction evaluation and the year's report (年度总结) — as plain functions that views,
the API, the demo and the tests call.

The rules (anchors.md, Participation: Decidim accountability, froide-govplan):
- progress is computed from the milestones done, weighted, never typed in;
- dated updates drive the state: the first update starts the project (实施中), the update
  that completes the last milestone completes it (已完成), a deferral needs its reason;
- an update is public from the moment it is posted and is never edited afterwards, so the
  timeline shows what was said when it was said;
- a project's implementation is public only once the vote's results are published (the
  results stay hidden until then, participation.projects rules);
- evaluation is open to verified people while the programme is in its evaluation phase, and
  for a completed project as soon as it is completed, until the year's report is published
  (the report freezes the figures it publishes).

Every change checks its actor through core.permissions and writes an audit event without
what people wrote or who they are."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from gongkai.core import permissions
from gongkai.core.audit import record_event
from gongkai.core.models import AuditEventType, Organisation, Role, Site
from gongkai.core.sites import touch_site
from gongkai.core.uploads import SuspiciousFile, accept_by_content

from .accounts import require_person
from .models import (
    LivelihoodProgramme,
    LivelihoodProject,
    Milestone,
    ProgrammePhase,
    ProgressUpdate,
    ProjectEvaluation,
    ProjectFile,
    ProjectState,
    ProposalState,
)
from .rules import RuleError, plain_text, public_text

#: The states of a project chosen by the vote (票决确定 and after).
IMPLEMENTATION_STATES = (
    ProjectState.SELECTED,
    ProjectState.IN_PROGRESS,
    ProjectState.COMPLETED,
    ProjectState.DEFERRED,
)
#: Who reports on a project: the responsible organisation's editors; the office admin covers
#: the site (core.permissions).
IMPLEMENTER_ROLES = (Role.EDITOR, Role.OFFICE_ADMIN)
#: Who assigns organisations and budgets and publishes the year's report: the office.
OFFICE_ROLES = (Role.OFFICE_ADMIN,)
#: Who sees the implementation pages of a project (its organisation's staff, the office).
READER_ROLES = permissions.WRITE_ROLES

#: the vote's order; projects without a rank last on every database
BY_RANK = (F("rank").asc(nulls_last=True), "order", "id")

MAX_UPDATE_TEXT = 2000
MAX_TITLE = 100
MAX_REASON = 500
MAX_COMMENT = 500
MAX_FILES = 10
MAX_FILE_BYTES = 10 * 1024 * 1024
IMAGE_KINDS = ("png", "jpeg", "gif")
FILE_KINDS = (*IMAGE_KINDS, "pdf", "docx", "xlsx", "ofd")

ALREADY_EVALUATED = "您已对该项目作出评价，每人每个项目只能评价一次。"


# --------------------------------------------------------------------------- visibility


def results_published(programme: LivelihoodProgramme) -> bool:
    return programme.results_published_at is not None


def public_projects(site: Site, year: int | None = None) -> QuerySet[LivelihoodProject]:
    """Projects chosen by the vote whose results are published: what the public and the open
    data see of implementation."""
    qs = LivelihoodProject.objects.filter(
        programme__site=site,
        programme__results_published_at__isnull=False,
        state__in=IMPLEMENTATION_STATES,
    ).select_related("programme", "organisation")
    if year is not None:
        qs = qs.filter(programme__year=year)
    return qs


def page_is_public(project: LivelihoodProject) -> bool:
    """A project's page exists once it is on the published candidate list."""
    programme = project.programme
    return programme.candidates_published_at is not None or results_published(programme)


def staff_projects(user) -> QuerySet[LivelihoodProject]:
    """Selected projects (results published) the user may see the implementation of: their
    organisation's, and the whole site's for the office admin."""
    if not getattr(user, "is_authenticated", False):
        return LivelihoodProject.objects.none()
    office_sites = [
        site
        for site in permissions.sites_for(user)
        if permissions.can_act_on_site(user, site, OFFICE_ROLES)
    ]
    return (
        LivelihoodProject.objects.filter(
            programme__results_published_at__isnull=False, state__in=IMPLEMENTATION_STATES
        )
        .filter(
            Q(organisation__in=permissions.organisations_for(user, READER_ROLES))
            | Q(programme__site__in=office_sites)
        )
        .select_related("programme", "organisation")
        .distinct()
    )


# --------------------------------------------------------------------------- progress


def progress_of(project: LivelihoodProject, milestones=None) -> int:
    """The weighted share of milestones done, in whole per cent (0 without milestones)."""
    items = list(project.milestones.all()) if milestones is None else list(milestones)
    total = sum(m.weight for m in items)
    if not total:
        return 0
    done = sum(m.weight for m in items if m.done_on is not None)
    return int(Decimal(100 * done) / Decimal(total) + Decimal("0.5")) if done < total else 100


def is_overdue(milestone: Milestone, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return milestone.done_on is None and milestone.due_on < today


def overdue_milestones(qs: QuerySet[Milestone], today: date | None = None) -> QuerySet[Milestone]:
    today = today or timezone.localdate()
    return qs.filter(done_on__isnull=True, due_on__lt=today)


def on_time(project: LivelihoodProject) -> bool | None:
    """Completed by the planned date? None while not completed or without a planned date."""
    if project.state != ProjectState.COMPLETED or not project.completed_on:
        return None
    if not project.planned_completion_on:
        return None
    return project.completed_on <= project.planned_completion_on


# --------------------------------------------------------------------------- implementation


def _locked(project: LivelihoodProject) -> LivelihoodProject:
    return (
        LivelihoodProject.objects.select_for_update().select_related("programme").get(pk=project.pk)
    )


def _fresh(project: LivelihoodProject) -> LivelihoodProject:
    """The project as stored now: permission checks never run on a stale instance (an
    organisation reassigned since it was read keeps no rights)."""
    return LivelihoodProject.objects.select_related("programme", "organisation").get(pk=project.pk)


def _relock(project: LivelihoodProject, checked: LivelihoodProject) -> LivelihoodProject:
    """Lock the row; refuse if the responsible organisation changed since the check."""
    locked = _locked(project)
    if locked.organisation_id != checked.organisation_id:
        raise RuleError("该项目的责任单位刚刚变更，请刷新页面后重试。")
    return locked


def _require_selected(project: LivelihoodProject) -> None:
    if project.state not in IMPLEMENTATION_STATES or not results_published(project.programme):
        raise RuleError("只有票决结果公布后确定的项目才能组织实施。")


def _require_organisation(project: LivelihoodProject) -> None:
    if project.organisation_id is None:
        raise RuleError("该项目尚未确定责任单位，请先由政府办公室确定责任单位。")


def _require_open(project: LivelihoodProject) -> None:
    if project.state == ProjectState.COMPLETED:
        raise RuleError("该项目已完成，不能再修改实施节点。")


def assign(
    project: LivelihoodProject,
    *,
    organisation: Organisation,
    budget: Decimal | None,
    planned_completion_on: date | None,
    actor,
) -> LivelihoodProject:
    """The office sets the responsible organisation (an organisation of the project's site),
    the budget and the planned completion date of a project chosen by the vote."""
    permissions.require(actor, "确定民生实事项目的责任单位", project.programme.site, OFFICE_ROLES)
    if organisation.site_id != project.programme.site_id:
        raise RuleError("责任单位必须是本站点的机构。")
    if budget is not None and budget < 0:
        raise RuleError("预算不能为负数。")
    with transaction.atomic():
        project = _locked(project)
        _require_selected(project)
        before = {
            "organisation": project.organisation_id,
            "budget": str(project.budget) if project.budget is not None else None,
            "planned_completion_on": str(project.planned_completion_on or ""),
        }
        project.organisation = organisation
        project.budget = budget
        project.planned_completion_on = planned_completion_on
        project.assigned_at = project.assigned_at or timezone.now()
        project.save(
            update_fields=[
                "organisation",
                "budget",
                "planned_completion_on",
                "assigned_at",
                "updated_at",
            ]
        )
        record_event(
            AuditEventType.OBJECT_CHANGED,
            actor=actor,
            obj=project,
            site=project.programme.site,
            before=before,
            after={
                "organisation": organisation.pk,
                "budget": str(budget) if budget is not None else None,
                "planned_completion_on": str(planned_completion_on or ""),
            },
            message="确定民生实事项目责任单位和预算",
        )
        touch_site(project.programme.site)
    return project


def add_milestone(
    project: LivelihoodProject, *, title: str, due_on: date, weight: int = 1, actor
) -> Milestone:
    """A dated, weighted step of implementation, set by the responsible organisation."""
    project = checked = _fresh(project)
    _require_organisation(project)
    permissions.require(actor, "设置该项目的实施节点", project, IMPLEMENTER_ROLES)
    title = plain_text(title, limit=MAX_TITLE, multiline=False)
    if not title:
        raise RuleError("请填写节点名称。")
    if not isinstance(weight, int) or weight < 1 or weight > 100:
        raise RuleError("权重应为 1 到 100 的整数。")
    with transaction.atomic():
        project = _relock(project, checked)
        _require_selected(project)
        _require_open(project)
        order = project.milestones.count() + 1
        milestone = Milestone.objects.create(
            project=project, title=title, due_on=due_on, weight=weight, order=order
        )
        record_event(
            AuditEventType.OBJECT_CREATED,
            actor=actor,
            obj=milestone,
            site=project.programme.site,
            after={"project": project.pk, "due_on": str(due_on), "weight": weight},
            message="新增民生实事项目实施节点",
        )
        touch_site(project.programme.site)
    return milestone


@dataclass
class UploadedFile:
    name: str
    data: bytes
    caption: str = ""


def check_file(upload: UploadedFile) -> tuple[str, bytes]:
    """(kind, cleaned bytes) of a photo or document, judged by its content; metadata (EXIF,
    GPS, PDF info) removed by records.content.strip_metadata, as every published file is."""
    from gongkai.records.content import UploadRejected, strip_metadata

    try:
        kind = accept_by_content(
            upload.name,
            upload.data,
            kinds=FILE_KINDS,
            purpose="项目进展的照片或文件",
            max_bytes=MAX_FILE_BYTES,
        )
        return kind, strip_metadata(kind, upload.data, upload.name)
    except (SuspiciousFile, UploadRejected) as exc:
        raise RuleError(str(exc)) from None


EXTENSIONS = {"jpeg": "jpg"}


def post_update(
    project: LivelihoodProject,
    *,
    text: str,
    actor,
    milestone: Milestone | None = None,
    done_on: date | None = None,
    spent: Decimal | None = None,
    files: list[UploadedFile] | None = None,
    today: date | None = None,
) -> ProgressUpdate:
    """A public, dated progress update; optionally marks a milestone done on `done_on` (not in
    the future). The first update starts the project; completing the last milestone completes
    it on that date. Files are checked before anything is written."""
    project = checked_project = _fresh(project)
    _require_organisation(project)
    permissions.require(actor, "发布该项目的实施进展", project, IMPLEMENTER_ROLES)
    today = today or timezone.localdate()
    text = plain_text(text, limit=MAX_UPDATE_TEXT)
    if not text:
        raise RuleError("请填写进展情况。")
    files = files or []
    if len(files) > MAX_FILES:
        raise RuleError(f"每次最多上传 {MAX_FILES} 个照片或文件。")
    checked = [(upload, *check_file(upload)) for upload in files]
    if spent is not None and spent < 0:
        raise RuleError("完成投资不能为负数。")
    with transaction.atomic():
        project = _relock(project, checked_project)
        _require_selected(project)
        if milestone is not None:
            milestone = Milestone.objects.select_for_update().filter(pk=milestone.pk).first()
            if milestone is None or milestone.project_id != project.pk:
                raise RuleError("所选节点不属于该项目。")
            if milestone.done_on is not None:
                raise RuleError(f"节点“{milestone.title}”已于 {milestone.done_on} 完成。")
            done_on = done_on or today
            if done_on > today:
                raise RuleError("完成日期不能晚于今天。")
            milestone.done_on = done_on
            milestone.save(update_fields=["done_on"])
        elif project.state == ProjectState.COMPLETED:
            raise RuleError("该项目已完成。")
        old_state = project.state
        progress = progress_of(project)
        if project.state == ProjectState.SELECTED:
            project.state = ProjectState.IN_PROGRESS
        if milestone is not None and progress == 100:
            project.state = ProjectState.COMPLETED
            project.completed_on = max(
                m.done_on for m in project.milestones.all() if m.done_on is not None
            )
            project.deferred_reason = ""
        if spent is not None:
            project.spent = spent
        project.save(
            update_fields=["state", "completed_on", "deferred_reason", "spent", "updated_at"]
        )
        update = ProgressUpdate.objects.create(
            project=project,
            text=text,
            progress=progress,
            milestone=milestone,
            posted_by=permissions.user_of(actor),
        )
        for n, (upload, kind, data) in enumerate(checked, start=1):
            extension = EXTENSIONS.get(kind, kind)
            stored = ProjectFile(
                project=project,
                update=update,
                kind=ProjectFile.Kind.PHOTO if kind in IMAGE_KINDS else ProjectFile.Kind.DOCUMENT,
                caption=plain_text(upload.caption or upload.name, limit=200, multiline=False),
            )
            stored.file.save(f"{update.pk}-{n}.{extension}", ContentFile(data), save=False)
            stored.save()
        record_event(
            AuditEventType.OBJECT_CREATED,
            actor=actor,
            obj=update,
            site=project.programme.site,
            after={
                "project": project.pk,
                "milestone": milestone.pk if milestone else None,
                "progress": progress,
                "files": len(checked),
            },
            message="发布民生实事项目实施进展",
        )
        touch_site(project.programme.site)
        if project.state != old_state:
            record_event(
                AuditEventType.STATE_CHANGED,
                actor=actor,
                obj=project,
                site=project.programme.site,
                before={"state": old_state},
                after={"state": project.state},
                message="民生实事项目状态随实施进展变更",
            )
    return update


def defer(project: LivelihoodProject, *, reason: str, actor) -> ProgressUpdate:
    """延期实施, with the reason, published as an update (the public sees why)."""
    project = _fresh(project)
    _require_organisation(project)
    permissions.require(actor, "将该项目延期实施", project, IMPLEMENTER_ROLES)
    reason = plain_text(reason, limit=MAX_REASON)
    if not reason:
        raise RuleError("延期实施须说明原因。")
    return _change_state(
        project, ProjectState.DEFERRED, f"项目延期实施。原因：{reason}", reason, actor
    )


def resume(project: LivelihoodProject, *, text: str, actor) -> ProgressUpdate:
    """A deferred project taken up again (实施中), with a public note."""
    project = _fresh(project)
    _require_organisation(project)
    permissions.require(actor, "恢复实施该项目", project, IMPLEMENTER_ROLES)
    text = plain_text(text, limit=MAX_REASON)
    if not text:
        raise RuleError("请说明恢复实施的情况。")
    return _change_state(project, ProjectState.IN_PROGRESS, f"项目恢复实施。{text}", "", actor)


def _change_state(project, state, text, reason, actor) -> ProgressUpdate:
    with transaction.atomic():
        project = _relock(project, project)
        _require_selected(project)
        allowed = {
            ProjectState.DEFERRED: (ProjectState.SELECTED, ProjectState.IN_PROGRESS),
            ProjectState.IN_PROGRESS: (ProjectState.DEFERRED,),
        }[state]
        if project.state not in allowed:
            raise RuleError(f"项目当前为“{project.get_state_display()}”，不能执行此操作。")
        old_state = project.state
        project.state = state
        project.deferred_reason = reason
        project.save(update_fields=["state", "deferred_reason", "updated_at"])
        update = ProgressUpdate.objects.create(
            project=project,
            text=text,
            progress=progress_of(project),
            posted_by=permissions.user_of(actor),
        )
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=project,
            site=project.programme.site,
            before={"state": old_state},
            after={"state": state, "update": update.pk},
            message="民生实事项目延期或恢复实施",
        )
        touch_site(project.programme.site)
    return update


def refuse_edit(sender, instance: ProgressUpdate, raw=False, **kwargs) -> None:
    """pre_save guard: a posted update is never changed (connected in plugin_progress)."""
    if not raw and instance.pk and ProgressUpdate.objects.filter(pk=instance.pk).exists():
        raise RuleError("实施进展发布后不能修改；如有更正，请发布新的进展说明。")


# --------------------------------------------------------------------------- evaluation


def evaluation_open(project: LivelihoodProject, today: date | None = None) -> bool:
    """Open for a project chosen by the vote while its programme is in the evaluation phase
    (within its dates, if set), or once the project is completed; closed by the report."""
    programme = project.programme
    today = today or timezone.localdate()
    if project.state not in IMPLEMENTATION_STATES or not results_published(programme):
        return False
    if programme.report_published_at is not None or programme.phase == ProgrammePhase.CLOSED:
        return False
    if programme.phase == ProgrammePhase.EVALUATION:
        if programme.evaluation_opens_on and today < programme.evaluation_opens_on:
            return False
        if programme.evaluation_closes_on and today > programme.evaluation_closes_on:
            return False
        return True
    return project.state == ProjectState.COMPLETED


def evaluate(
    project: LivelihoodProject, *, score: int, comment: str = "", actor
) -> ProjectEvaluation:
    """A verified person's satisfaction (1–5) with a project, once per person: the unique
    constraint decides, even for two submissions at the same moment."""
    require_person(actor, "参与满意度测评")
    if not evaluation_open(project):
        raise RuleError("该项目当前不在满意度测评期间。")
    try:
        score = int(score)
    except (TypeError, ValueError):
        raise RuleError("请选择 1 到 5 分的满意度。") from None
    if not 1 <= score <= 5:
        raise RuleError("请选择 1 到 5 分的满意度。")
    comment = plain_text(comment, limit=MAX_COMMENT)
    if ProjectEvaluation.objects.filter(project=project, user=actor).exists():
        raise RuleError(ALREADY_EVALUATED)
    try:
        with transaction.atomic():
            evaluation = ProjectEvaluation.objects.create(
                project=project, user=actor, score=score, comment=comment
            )
    except IntegrityError:
        raise RuleError(ALREADY_EVALUATED) from None
    # The actor is not recorded: who rated what is nobody's business (no personal data).
    touch_site(project.programme.site)
    record_event(
        AuditEventType.OBJECT_CREATED,
        obj=evaluation,
        site=project.programme.site,
        after={"project": project.pk, "score": score},
        message="公众提交民生实事项目满意度评价",
    )
    return evaluation


@dataclass
class Satisfaction:
    count: int
    average: Decimal | None
    distribution: list[tuple[int, int]]  # (score, count), 5 to 1

    @property
    def average_text(self) -> str:
        return f"{self.average:.2f}" if self.average is not None else "—"


def _average(total: int, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.01"))


def satisfaction(project: LivelihoodProject) -> Satisfaction:
    """Average and distribution of the visible evaluations."""
    rows = dict(
        ProjectEvaluation.objects.filter(project=project, hidden=False)
        .values_list("score")
        .annotate(n=Count("id"))
        .values_list("score", "n")
    )
    count = sum(rows.values())
    total = sum(score * n for score, n in rows.items())
    return Satisfaction(
        count, _average(total, count), [(s, rows.get(s, 0)) for s in range(5, 0, -1)]
    )


def public_comments(project: LivelihoodProject, limit: int = 20) -> list[dict]:
    return [
        {"score": e.score, "comment": public_text(e.comment), "created_at": e.created_at}
        for e in project.evaluations.filter(hidden=False)
        .exclude(comment="")
        .order_by("-created_at")[:limit]
    ]


# --------------------------------------------------------------------------- timeline


@dataclass
class TimelineEntry:
    when: date | datetime
    kind: str
    title: str
    text: str = ""
    files: list = field(default_factory=list)

    @property
    def day(self) -> date:
        if isinstance(self.when, datetime):
            return (
                timezone.localtime(self.when).date()
                if timezone.is_aware(self.when)
                else self.when.date()
            )
        return self.when

    @property
    def has_time(self) -> bool:
        return isinstance(self.when, datetime)


KIND_ORDER = [
    "proposal", "screening", "candidates", "vote", "result", "assigned", "update",
    "completed", "evaluation", "report",
]  # fmt: skip


def _sort_key(entry: TimelineEntry):
    """By day; within a day by the step's place in the path (a project is completed after the
    update that completed it, evaluated after that), then by time."""
    when = entry.when
    moment = datetime.min.time()
    if isinstance(when, datetime):
        moment = (timezone.localtime(when) if timezone.is_aware(when) else when).time()
    return (entry.day, KIND_ORDER.index(entry.kind), moment)


def timeline(project: LivelihoodProject) -> list[TimelineEntry]:
    """The project's whole path from the data, in date order: the proposals it came from and
    their screening, the candidate list, the vote and (once published only) its result, the
    organisation, the milestones done, every update with its files, completion, evaluation
    and the year's report."""
    programme = project.programme
    entries: list[TimelineEntry] = []
    proposals = list(project.proposals.filter(hidden=False).order_by("created_at", "id"))
    for proposal in proposals:
        merged = [p for p in proposal.merged.filter(hidden=False).order_by("created_at")]
        for other in merged:
            entries.append(
                TimelineEntry(
                    other.created_at,
                    "proposal",
                    f"公众建议：{public_text(other.title)}",
                    "与同类建议合并办理。",
                )
            )
        entries.append(
            TimelineEntry(
                proposal.created_at,
                "proposal",
                f"公众建议：{public_text(proposal.title)}",
                public_text(proposal.place),
            )
        )
        if proposal.screened_at and proposal.state == ProposalState.FEASIBLE:
            entries.append(
                TimelineEntry(
                    proposal.screened_at,
                    "screening",
                    "筛选论证：可行，列入候选项目",
                    public_text(proposal.screening_reason),
                )
            )
    if programme.candidates_published_at:
        entries.append(
            TimelineEntry(programme.candidates_published_at, "candidates", "候选项目公示")
        )
    if programme.vote_opens_at:
        entries.append(TimelineEntry(programme.vote_opens_at, "vote", "人大代表票决开始"))
    if results_published(programme):
        if project.state in IMPLEMENTATION_STATES:
            result = "票决确定为年度民生实事项目"
        else:
            result = "未入选年度民生实事项目"
        detail = ""
        if project.votes is not None:
            detail = f"得票 {project.votes} 票"
            if project.rank is not None:
                detail += f"，排名第 {project.rank} 位"
        entries.append(
            TimelineEntry(
                programme.results_published_at, "result", f"票决结果公布：{result}", detail
            )
        )
    if project.assigned_at and project.organisation_id:
        budget = f"，预算 {project.budget} 万元" if project.budget is not None else ""
        entries.append(
            TimelineEntry(
                project.assigned_at,
                "assigned",
                "确定责任单位",
                f"{project.organisation.name}{budget}",
            )
        )
    updates = list(
        project.updates.select_related("milestone")
        .prefetch_related("files")
        .order_by("posted_at", "id")
    )
    for update in updates:
        title = "实施进展"
        if update.milestone_id:
            title = f"完成节点：{update.milestone.title}"
        entries.append(
            TimelineEntry(
                update.posted_at,
                "update",
                f"{title}（进度 {update.progress}%）",
                update.text,
                list(update.files.all()),
            )
        )
    if project.state == ProjectState.COMPLETED and project.completed_on:
        entries.append(TimelineEntry(project.completed_on, "completed", "项目完成"))
    stats = satisfaction(project)
    if stats.count:
        first = project.evaluations.filter(hidden=False).order_by("created_at").first()
        entries.append(
            TimelineEntry(
                first.created_at,
                "evaluation",
                "公众满意度测评",
                f"{stats.count} 人评价，平均 {stats.average_text} 分（满分 5 分）",
            )
        )
    if programme.report_published_at:
        entries.append(TimelineEntry(programme.report_published_at, "report", "年度总结发布"))
    return sorted(entries, key=_sort_key)


# --------------------------------------------------------------------------- the year's report


def _money(value) -> str:
    return f"{Decimal(value):.2f}" if value is not None else ""


def report_figures(programme: LivelihoodProgramme) -> dict:
    """The year's figures, computed from the data (JSON-safe: the report stores them)."""
    projects = list(
        programme.projects.filter(state__in=IMPLEMENTATION_STATES)
        .select_related("organisation")
        .prefetch_related("milestones")
        .order_by(*BY_RANK)
    )
    rows = []
    for project in projects:
        stats = satisfaction(project)
        timely = on_time(project)
        rows.append(
            {
                "id": project.pk,
                "title": project.title,
                "organisation": project.organisation.name if project.organisation else "",
                "state": project.state,
                "state_label": str(project.get_state_display()),
                "votes": project.votes,
                "rank": project.rank,
                "budget": _money(project.budget),
                "spent": _money(project.spent),
                "progress": progress_of(project),
                "planned_completion_on": str(project.planned_completion_on or ""),
                "completed_on": str(project.completed_on or ""),
                "on_time": timely,
                "evaluations": stats.count,
                "satisfaction": str(stats.average) if stats.average is not None else "",
            }
        )
    evaluations = ProjectEvaluation.objects.filter(
        project__in=[p.pk for p in projects], hidden=False
    ).aggregate(n=Count("id"), total=Sum("score"))
    budget = sum((p.budget for p in projects if p.budget is not None), Decimal(0))
    spent = sum((p.spent for p in projects if p.spent is not None), Decimal(0))
    estimated = sum(
        (p.estimated_cost for p in projects if p.estimated_cost is not None), Decimal(0)
    )
    average = _average(evaluations["total"] or 0, evaluations["n"] or 0)
    return {
        "year": programme.year,
        "proposals": programme.proposals.filter(hidden=False).count(),
        "candidates": programme.projects.count(),
        "selected": len(projects),
        "completed": sum(1 for p in projects if p.state == ProjectState.COMPLETED),
        "on_time": sum(1 for r in rows if r["on_time"] is True),
        "in_progress": sum(
            1 for p in projects if p.state in (ProjectState.SELECTED, ProjectState.IN_PROGRESS)
        ),
        "deferred": sum(1 for p in projects if p.state == ProjectState.DEFERRED),
        "estimated": _money(estimated),
        "budget": _money(budget),
        "spent": _money(spent),
        "evaluations": evaluations["n"] or 0,
        "satisfaction": str(average) if average is not None else "",
        "projects": rows,
    }


def report_text(figures: dict, programme: LivelihoodProgramme) -> str:
    """The summary paragraph of the report, from the figures."""
    satisfaction_text = (
        f"共收到满意度评价 {figures['evaluations']} 份，平均满意度 {figures['satisfaction']} 分（满分 5 分）。"
        if figures["evaluations"]
        else "本年度尚无满意度评价。"
    )
    return (
        f"{programme.year} 年共征集公众建议 {figures['proposals']} 件，形成候选项目 "
        f"{figures['candidates']} 个，经人大代表票决确定民生实事项目 {figures['selected']} 个。"
        f"截至年度总结发布，已完成 {figures['completed']} 个，其中按期完成 {figures['on_time']} 个；"
        f"实施中 {figures['in_progress']} 个，延期实施 {figures['deferred']} 个。"
        f"计划预算合计 {figures['budget']} 万元，累计完成投资 {figures['spent']} 万元。"
        f"{satisfaction_text}"
    )


def publish_report(programme: LivelihoodProgramme, *, actor) -> LivelihoodProgramme:
    """The office publishes the year's report, computed from the data, once the programme is in
    its evaluation phase (or closed); the figures are stored as published and evaluation
    closes."""
    permissions.require(actor, "发布民生实事项目年度总结", programme.site, OFFICE_ROLES)
    with transaction.atomic():
        programme = LivelihoodProgramme.objects.select_for_update().get(pk=programme.pk)
        if programme.report_published_at is not None:
            raise RuleError("年度总结已经发布。")
        if programme.phase not in (ProgrammePhase.EVALUATION, ProgrammePhase.CLOSED):
            raise RuleError("满意度测评阶段开始后才能发布年度总结。")
        figures = report_figures(programme)
        programme.report_data = figures
        programme.report = report_text(figures, programme)
        programme.report_published_at = timezone.now()
        programme.save(update_fields=["report_data", "report", "report_published_at", "updated_at"])
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=programme,
            site=programme.site,
            after={"report_published": True, "selected": figures["selected"]},
            message="发布民生实事项目年度总结",
        )
        touch_site(programme.site)
    return programme


def on_time_label(value) -> str:
    return {True: "是", False: "否"}.get(value, "—")


REPORT_HEADER = [
    "序号",
    "项目名称",
    "责任单位",
    "得票",
    "状态",
    "进度（%）",
    "预算（万元）",
    "完成投资（万元）",
    "按期完成",
    "满意度",
]


def report_rows(figures: dict) -> list[list]:
    return [
        [
            n,
            row["title"],
            row["organisation"],
            "" if row["votes"] is None else row["votes"],
            row["state_label"],
            row["progress"],
            row["budget"],
            row["spent"],
            on_time_label(row["on_time"]),
            row["satisfaction"] or "—",
        ]
        for n, row in enumerate(figures["projects"], start=1)
    ]


def report_docx(programme: LivelihoodProgramme) -> bytes:
    """The published report as a .docx in the official-document layout (GB/T 9704-2012)."""
    from gongkai.core.officialdoc import OfficialDocument

    figures = programme.report_data
    doc = OfficialDocument()
    doc.title(f"{programme.site.name}{programme.year}年民生实事项目年度总结")
    doc.heading("一、总体情况")
    doc.body(programme.report)
    doc.heading("二、项目实施情况")
    doc.table(REPORT_HEADER, report_rows(figures))
    published = timezone.localtime(programme.report_published_at).date()
    doc.signature(
        programme.organisation.name, f"{published.year}年{published.month}月{published.day}日"
    )
    return doc.to_bytes()


# --------------------------------------------------------------------------- open data

PROGRESS_COLUMNS = [
    "year",
    "project_id",
    "title",
    "category",
    "organisation",
    "state",
    "state_label",
    "progress",
    "budget",
    "spent",
    "planned_completion_on",
    "completed_on",
    "votes",
    "rank",
    "milestones",
    "milestones_done",
    "milestones_overdue",
    "evaluations",
    "satisfaction",
]
MILESTONE_COLUMNS = [
    "year",
    "project_id",
    "milestone_id",
    "title",
    "due_on",
    "weight",
    "done_on",
    "overdue",
]


def open_data(site: Site, year: int, today: date | None = None) -> list[dict]:
    """Project progress with milestones, for the published projects of a year only."""
    today = today or timezone.localdate()
    result = []
    qs = public_projects(site, year).prefetch_related("milestones").order_by(*BY_RANK)
    for project in qs:
        milestones = list(project.milestones.all())
        stats = satisfaction(project)
        result.append(
            {
                "year": project.programme.year,
                "project_id": project.pk,
                "title": project.title,
                "category": project.category,
                "organisation": project.organisation.name if project.organisation else "",
                "state": project.state,
                "state_label": str(project.get_state_display()),
                "progress": progress_of(project, milestones),
                "budget": _money(project.budget),
                "spent": _money(project.spent),
                "planned_completion_on": str(project.planned_completion_on or ""),
                "completed_on": str(project.completed_on or ""),
                "votes": project.votes,
                "rank": project.rank,
                "milestones": len(milestones),
                "milestones_done": sum(1 for m in milestones if m.done_on),
                "milestones_overdue": sum(1 for m in milestones if is_overdue(m, today)),
                "evaluations": stats.count,
                "satisfaction": str(stats.average) if stats.average is not None else "",
                "milestone_list": [
                    {
                        "year": project.programme.year,
                        "project_id": project.pk,
                        "milestone_id": m.pk,
                        "title": m.title,
                        "due_on": str(m.due_on),
                        "weight": m.weight,
                        "done_on": str(m.done_on or ""),
                        "overdue": is_overdue(m, today),
                    }
                    for m in milestones
                ],
            }
        )
    return result


def to_csv(rows: list[dict], columns: list[str]) -> str:
    from gongkai.core.exports import SafeCsvWriter

    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return "\ufeff" + buffer.getvalue()
