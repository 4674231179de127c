"""Staff pages of livelihood-project implementation under /staff/participation/projects/: the
responsible organisation's projects, one project's milestones, updates and state, the office's
assignment of organisation and budget, and the year's report. Querysets are scoped by
project_progress.staff_projects; the rules check the actor again (core.permissions.require)."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.core import permissions
from gongkai.core.views import staff_required

from . import progress_forms as forms
from . import project_progress as progress
from .models import LivelihoodProgramme, Milestone

FORMS = {
    "assign_form": lambda p, data=None: forms.AssignForm(data, site=p.programme.site),
    "milestone_form": lambda p, data=None: forms.MilestoneForm(data),
    "update_form": lambda p, data=None, files=None: forms.UpdateForm(data, files, project=p),
    "defer_form": lambda p, data=None: forms.DeferForm(data),
    "resume_form": lambda p, data=None: forms.ResumeForm(data),
}


def _project(request, pk):
    return get_object_or_404(progress.staff_projects(request.user), pk=pk)


def _page(request, project, status=200, error="", **overrides):
    today = timezone.localdate()
    milestones = list(project.milestones.all())
    context = {
        "project": project,
        "progress": progress.progress_of(project, milestones),
        "milestones": [(m, progress.is_overdue(m, today)) for m in milestones],
        "updates": project.updates.select_related("milestone").prefetch_related("files"),
        "is_office": permissions.can_act_on_site(
            request.user, project.programme.site, progress.OFFICE_ROLES
        ),
        "can_report": project.organisation_id is not None
        and permissions.allows(request.user, project, progress.IMPLEMENTER_ROLES),
        "error": error,
    }
    for name, make in FORMS.items():
        context[name] = overrides.get(name) or make(project)
    if project.organisation_id and "assign_form" not in overrides:
        context["assign_form"] = forms.AssignForm(
            site=project.programme.site,
            initial={
                "organisation": project.organisation_id,
                "budget": project.budget,
                "planned_completion_on": project.planned_completion_on,
            },
        )
    return render(request, "participation/projects/progress_project.html", context, status=status)


@staff_required
def project_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    projects = progress.staff_projects(request.user).order_by("-programme__year", "rank", "id")
    rows = []
    for project in projects.prefetch_related("milestones"):
        milestones = list(project.milestones.all())
        rows.append(
            {
                "project": project,
                "progress": progress.progress_of(project, milestones),
                "overdue": sum(1 for m in milestones if progress.is_overdue(m, today)),
            }
        )
    site = permissions.staff_site(request)
    programmes = []
    if site is not None and permissions.can_act_on_site(request.user, site, progress.OFFICE_ROLES):
        programmes = LivelihoodProgramme.objects.filter(
            site=site, results_published_at__isnull=False
        )
    return render(
        request,
        "participation/projects/progress_list.html",
        {"rows": rows, "programmes": programmes},
    )


@staff_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _project(request, pk))


def _act(request, project, name, form, action) -> HttpResponse:
    if not form.is_valid():
        return _page(request, project, status=400, **{name: form})
    try:
        message = action(form.cleaned_data)
    except progress.RuleError as exc:
        return _page(request, project, status=400, error=str(exc), **{name: form})
    flash.success(request, message)
    return redirect("projects_staff:progress_project", pk=project.pk)


@staff_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)

    def action(data):
        progress.assign(
            project,
            organisation=data["organisation"],
            budget=data.get("budget"),
            planned_completion_on=data.get("planned_completion_on"),
            actor=request.user,
        )
        return f"已确定责任单位：{data['organisation'].name}。"

    return _act(
        request,
        project,
        "assign_form",
        forms.AssignForm(request.POST, site=project.programme.site),
        action,
    )


@staff_required
@require_POST
def add_milestone(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)

    def action(data):
        progress.add_milestone(
            project,
            title=data["title"],
            due_on=data["due_on"],
            weight=data["weight"],
            actor=request.user,
        )
        return "已新增实施节点。"

    return _act(request, project, "milestone_form", forms.MilestoneForm(request.POST), action)


@staff_required
@require_POST
def post_update(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    form = forms.UpdateForm(request.POST, request.FILES, project=project)

    def action(data):
        caption = data.get("caption", "")
        files = [
            progress.UploadedFile(f.name, f.read(), caption or "") for f in data.get("files", [])
        ]
        progress.post_update(
            project,
            text=data["text"],
            milestone=data.get("milestone"),
            done_on=data.get("done_on"),
            spent=data.get("spent"),
            files=files,
            actor=request.user,
        )
        return "进展已发布，公众页面即时可见。"

    return _act(request, project, "update_form", form, action)


@staff_required
@require_POST
def defer(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)

    def action(data):
        progress.defer(project, reason=data["reason"], actor=request.user)
        return "项目已标记为延期实施。"

    return _act(request, project, "defer_form", forms.DeferForm(request.POST), action)


@staff_required
@require_POST
def resume(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)

    def action(data):
        progress.resume(project, text=data["text"], actor=request.user)
        return "项目已恢复实施。"

    return _act(request, project, "resume_form", forms.ResumeForm(request.POST), action)


@staff_required
def report(request: HttpRequest, year: int) -> HttpResponse:
    """The office's preview of the year's report (computed now) and its publication."""
    site = permissions.staff_site(request)
    programme = get_object_or_404(LivelihoodProgramme, site=site, year=year)
    permissions.require(request.user, "发布民生实事项目年度总结", site, progress.OFFICE_ROLES)
    error = ""
    if request.method == "POST":
        try:
            progress.publish_report(programme, actor=request.user)
        except progress.RuleError as exc:
            error = str(exc)
        else:
            flash.success(request, "年度总结已发布。")
            return redirect("projects_staff:progress_report", year=year)
    programme.refresh_from_db()
    figures = (
        programme.report_data
        if programme.report_published_at
        else progress.report_figures(programme)
    )
    return render(
        request,
        "participation/projects/progress_staff_report.html",
        {
            "programme": programme,
            "figures": figures,
            "text": programme.report or progress.report_text(figures, programme),
            "header": progress.REPORT_HEADER,
            "rows": progress.report_rows(figures),
            "error": error,
        },
        status=400 if error else 200,
    )


def workbench_panel(request):
    """民生实事项目实施 on the workbench: the user's projects, with overdue milestones."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    projects = progress.staff_projects(user).filter(
        organisation__in=permissions.organisations_for(user, progress.IMPLEMENTER_ROLES)
    )
    if not projects.exists():
        return None
    today = timezone.localdate()
    overdue = progress.overdue_milestones(
        Milestone.objects.filter(project__in=projects), today
    ).select_related("project")
    rows = []
    for project in projects.exclude(state="completed").order_by("-programme__year", "id")[:20]:
        late = [m for m in overdue if m.project_id == project.pk]
        rows.append({"project": project, "overdue": late})
    return (
        "participation/projects/progress_panel.html",
        {"rows": rows, "overdue_total": overdue.count()},
    )
