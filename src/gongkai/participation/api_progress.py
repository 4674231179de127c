"""Open data of livelihood projects' implementation (issue 14 point 9): progress and milestones
of the projects chosen by the vote, for years whose results are published only, as JSON and
CSV. Public, read-only."""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router

from gongkai.core.models import Site

from . import project_progress as progress

router = Router(tags=["民生实事项目"])


def _rows(site: str, year: int) -> tuple[Site, list[dict]]:
    site_obj = get_object_or_404(Site, slug=site)
    return site_obj, progress.open_data(site_obj, year)


def _file(body: str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get(
    "/sites/{site}/projects/{year}/progress.json",
    summary="民生实事项目实施进度（含实施节点）JSON",
    response={200: str},
)
def progress_json(request, site: str, year: int):
    """Each selected project with its computed progress, budget, dates, satisfaction and its
    milestones; empty before the vote's results are published."""
    site_obj, rows = _rows(site, year)
    projects = [
        {
            **{k: v for k, v in row.items() if k != "milestone_list"},
            "milestones_detail": row["milestone_list"],
        }
        for row in rows
    ]
    body = json.dumps(
        {"site": site_obj.slug, "year": year, "projects": projects}, ensure_ascii=False
    )
    return _file(body, "application/json; charset=utf-8", f"{site_obj.slug}-{year}-projects.json")


@router.get(
    "/sites/{site}/projects/{year}/progress.csv",
    summary="民生实事项目实施进度 CSV",
    response={200: str},
)
def progress_csv(request, site: str, year: int):
    site_obj, rows = _rows(site, year)
    body = progress.to_csv(rows, progress.PROGRESS_COLUMNS)
    return _file(body, "text/csv; charset=utf-8", f"{site_obj.slug}-{year}-projects.csv")


@router.get(
    "/sites/{site}/projects/{year}/milestones.csv",
    summary="民生实事项目实施节点 CSV",
    response={200: str},
)
def milestones_csv(request, site: str, year: int):
    site_obj, rows = _rows(site, year)
    milestones = [m for row in rows for m in row["milestone_list"]]
    body = progress.to_csv(milestones, progress.MILESTONE_COLUMNS)
    return _file(body, "text/csv; charset=utf-8", f"{site_obj.slug}-{year}-milestones.csv")
