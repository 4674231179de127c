"""Public pages of livelihood projects from implementation on: one page per project with its
whole path on a timeline, the satisfaction evaluation, the year's ECharts overview (with the
same numbers in a table) and the year's report (page and .docx). Thin: the rules are in
participation.project_progress."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit

from gongkai.core import permissions
from gongkai.core.officialdoc import download
from gongkai.core.views import rate_limited

from . import project_progress as progress
from .decorators import person_required
from .models import LivelihoodProgramme, LivelihoodProject, ProjectFile
from .progress_forms import EvaluationForm


def _site(request):
    if request.site is None:
        raise Http404
    return request.site


def _public_project(request, pk: int) -> LivelihoodProject:
    project = get_object_or_404(
        LivelihoodProject.objects.select_related("programme", "organisation"),
        pk=pk,
        programme__site=_site(request),
    )
    if not progress.page_is_public(project):
        raise Http404("该项目尚未公示")
    return project


def project_page(request: HttpRequest, pk: int) -> HttpResponse:
    project = _public_project(request, pk)
    published = progress.results_published(project.programme)
    selected = published and project.state in progress.IMPLEMENTATION_STATES
    milestones = list(project.milestones.all()) if selected else []
    return render(
        request,
        "participation/projects/project_page.html",
        {
            "project": project,
            "programme": project.programme,
            "results_published": published,
            "selected": selected,
            "progress": progress.progress_of(project, milestones),
            "milestones": [(m, progress.is_overdue(m)) for m in milestones],
            "timeline": progress.timeline(project),
            "stats": progress.satisfaction(project) if selected else None,
            "comments": progress.public_comments(project) if selected else [],
            "evaluation_open": progress.evaluation_open(project),
        },
    )


@person_required
@ratelimit(key="ip", rate="20/h", method="POST", block=False)
def evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    project = _public_project(request, pk)
    if getattr(request, "limited", False):
        return rate_limited(request)
    form = EvaluationForm(request.POST or None)
    context = {"project": project, "form": form, "open": progress.evaluation_open(project)}
    if request.method == "POST":
        if form.is_valid():
            try:
                progress.evaluate(
                    project,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data.get("comment", ""),
                    actor=request.user,
                )
            except (progress.RuleError, permissions.PermissionDenied) as exc:
                form.add_error(None, str(exc))
            else:
                flash.success(request, "感谢您的评价，已记入满意度测评。")
                return redirect("projects:project", pk=project.pk)
        return render(request, "participation/projects/project_evaluate.html", context, status=400)
    return render(request, "participation/projects/project_evaluate.html", context)


def project_file(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    """A photo or document of a published update (metadata already stripped on upload)."""
    project = _public_project(request, pk)
    if not progress.results_published(project.programme):
        raise Http404
    item = get_object_or_404(ProjectFile, pk=file_id, project=project)
    response = FileResponse(item.file.open("rb"))
    if item.kind == ProjectFile.Kind.DOCUMENT:
        response["Content-Disposition"] = "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _programme(request, year: int) -> LivelihoodProgramme:
    return get_object_or_404(LivelihoodProgramme, site=_site(request), year=year)


def overview(request: HttpRequest, year: int) -> HttpResponse:
    """The year's projects: progress and satisfaction, as a chart and as a table."""
    programme = _programme(request, year)
    rows = progress.open_data(programme.site, year) if progress.results_published(programme) else []
    chart = {
        "titles": [r["title"] for r in rows],
        "progress": [r["progress"] for r in rows],
        "satisfaction": [float(r["satisfaction"]) if r["satisfaction"] else None for r in rows],
    }
    return render(
        request,
        "participation/projects/progress_overview.html",
        {"programme": programme, "rows": rows, "chart": chart},
    )


def _published_report(request, year: int) -> LivelihoodProgramme:
    programme = _programme(request, year)
    if programme.report_published_at is None:
        raise Http404("年度总结尚未发布")
    return programme


def year_report(request: HttpRequest, year: int) -> HttpResponse:
    programme = _published_report(request, year)
    figures = programme.report_data
    return render(
        request,
        "participation/projects/progress_report.html",
        {
            "programme": programme,
            "figures": figures,
            "header": progress.REPORT_HEADER,
            "rows": progress.report_rows(figures),
            "projects": figures.get("projects", []),
        },
    )


@never_cache
def year_report_docx(request: HttpRequest, year: int) -> HttpResponse:
    programme = _published_report(request, year)
    return download(progress.report_docx(programme), f"{year}年民生实事项目年度总结.docx")
