"""Open data of 民生实事项目 up to the vote (issue 14 point 9): the published candidate list and
the published vote results, as JSON and CSV. Nothing before its publication: the candidates
after 候选项目公示, the counts only after 票决结果公布 (never while the vote is open)."""

from __future__ import annotations

import io
import json

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.errors import HttpError

from gongkai.core.exports import SafeCsvWriter
from gongkai.core.models import Site

from . import projects

router = Router(tags=["公众参与"])

PREFIX = "/participation/projects/{site}/{year}"


def _programme(site: str, year: int):
    site_obj = get_object_or_404(Site, slug=site)
    return get_object_or_404(projects.public_programmes(site_obj), year=year)


def _candidate_rows(programme) -> list[dict]:
    if not projects.candidates_published(programme):
        raise HttpError(404, "候选项目尚未公示。")
    rows = []
    for c in projects.public_candidates(programme):
        rows.append(
            {
                "id": c["pk"],
                "title": c["title"],
                "category": c["category"],
                "place": c["place"],
                "estimated_cost": str(c["estimated_cost"])
                if c["estimated_cost"] is not None
                else None,
                "description": c["description"],
                "proposals": [p.pk for p in c["proposals"]],
            }
        )
    return rows


def _result_rows(programme) -> list[dict]:
    if not projects.results_published(programme):
        raise HttpError(404, "票决结果尚未公布，票决截止并由办公室公布后提供。")
    return [
        {
            "rank": c["rank"],
            "id": c["pk"],
            "title": c["title"],
            "votes": c["votes"],
            "selected": c["selected"],
        }
        for c in projects.public_candidates(programme)
    ]


def _csv(rows: list[dict], header: list[tuple[str, str]], filename: str) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # BOM: Excel and WPS open the UTF-8 file as such
    writer = SafeCsvWriter(buffer)
    writer.writerow([label for _key, label in header])
    for row in rows:
        writer.writerow(
            [
                ("是" if row[key] else "否")
                if isinstance(row[key], bool)
                else ("；".join(map(str, row[key])) if isinstance(row[key], list) else row[key])
                for key, _label in header
            ]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _json(data: dict) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )


def _head(programme) -> dict:
    return {
        "site": programme.site.slug,
        "year": programme.year,
        "title": programme.title,
        "phase": programme.phase,
    }


CANDIDATE_HEADER = [
    ("id", "编号"),
    ("title", "项目名称"),
    ("category", "类别"),
    ("place", "实施地点"),
    ("estimated_cost", "估算投资（万元）"),
    ("description", "项目内容"),
    ("proposals", "来源建议编号"),
]
RESULT_HEADER = [
    ("rank", "排名"),
    ("id", "编号"),
    ("title", "项目名称"),
    ("votes", "得票数"),
    ("selected", "是否入选"),
]


@router.get(
    f"{PREFIX}/candidates.json",
    summary="民生实事项目候选项目（JSON）",
    response={200: str},
    url_name="projects_candidates_json",
)
def candidates_json(request, site: str, year: int):
    """公示的候选项目及其来源建议；公示前 404。"""
    programme = _programme(site, year)
    rows = _candidate_rows(programme)
    return _json(
        {
            **_head(programme),
            "candidates_published_at": programme.candidates_published_at.isoformat(),
            "candidates": rows,
        }
    )


@router.get(
    f"{PREFIX}/candidates.csv",
    summary="民生实事项目候选项目（CSV）",
    response={200: str},
    url_name="projects_candidates_csv",
)
def candidates_csv(request, site: str, year: int):
    programme = _programme(site, year)
    return _csv(
        _candidate_rows(programme),
        CANDIDATE_HEADER,
        f"{programme.site.slug}-{programme.year}-candidates.csv",
    )


@router.get(
    f"{PREFIX}/results.json",
    summary="民生实事项目票决结果（JSON）",
    response={200: str},
    url_name="projects_results_json",
)
def results_json(request, site: str, year: int):
    """票决结果：每个候选项目的得票、排名和是否入选，以及投票人数；公布前 404。"""
    programme = _programme(site, year)
    rows = _result_rows(programme)
    ballots, roster = projects.turnout(programme)
    return _json(
        {
            **_head(programme),
            "results_published_at": programme.results_published_at.isoformat(),
            "projects_to_select": programme.projects_to_select,
            "ballots": ballots,
            "roster": roster,
            "results": rows,
        }
    )


@router.get(
    f"{PREFIX}/results.csv",
    summary="民生实事项目票决结果（CSV）",
    response={200: str},
    url_name="projects_results_csv",
)
def results_csv(request, site: str, year: int):
    programme = _programme(site, year)
    return _csv(
        _result_rows(programme),
        RESULT_HEADER,
        f"{programme.site.slug}-{programme.year}-results.csv",
    )
