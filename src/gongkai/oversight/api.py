"""The dashboard's figures through the JSON API (staff session, scoped like the page):
`GET /api/v1/oversight/figures` and the items behind one count,
`GET /api/v1/oversight/figures/{code}?part=…`."""

from __future__ import annotations

from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError, ValidationError

from gongkai.core import permissions
from gongkai.core.api import staff_auth
from gongkai.core.models import Site
from gongkai.core.pagination import Paging, page

from . import figures, province
from .dashboard import filtered_items

router = Router(tags=["监督考核"])


class PartOut(Schema):
    key: str
    label: str
    count: int


class FigureOut(Schema):
    code: str
    title: str
    section: str
    note: str
    parts: list[PartOut]
    headers: list[str]
    rows: list[list]


class DashboardOut(Schema):
    site: str
    whole_site: bool
    today: str
    figures: list[FigureOut]


class FigureItemOut(Schema):
    """Not `ItemOut`: the OpenAPI components are named by class, and the catalogue's ItemOut
    replaced this one there (found by schemathesis, tests/hostile/test_api_schema.py)."""

    id: int | None
    cells: list[str]
    url: str


class ItemsOut(Schema):
    code: str
    part: str
    count: int
    columns: list[str]
    items: list[FigureItemOut]


class ItemFilters(Paging):
    part: str = ""
    site: str = ""
    domain: str = ""
    organisation: str = ""
    stage: str = ""


def _scope(request, slug: str = "") -> figures.Scope:
    site = permissions.staff_site(request)
    if slug:
        site = Site.objects.filter(slug=slug).first()
        if site is None:
            raise HttpError(404, "没有该站点。")
    if site is None:
        raise HttpError(403, "您在任何站点都没有岗位。")
    try:
        return figures.dashboard_scope(request.auth, site)
    except permissions.PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None


def _figure_out(figure: figures.Figure) -> dict:
    return {
        "code": figure.code,
        "title": figure.title,
        "section": figure.section,
        "note": figure.note,
        "parts": [{"key": p.key, "label": p.label, "count": p.count} for p in figure.parts],
        "headers": [str(h) for h in figure.headers],
        "rows": figure.rows,
    }


@router.get("/oversight/figures", response=DashboardOut, auth=staff_auth)
def list_figures(request, site: str = ""):
    """Every figure of the dashboard for the caller's site (or `site`, a slug), with the
    counts of its parts and its table."""
    scope = _scope(request, site)
    return {
        "site": scope.site.slug,
        "whole_site": scope.whole_site,
        "today": scope.today.isoformat(),
        "figures": [_figure_out(f) for f in figures.compute_all(scope)],
    }


@router.get("/oversight/figures/{code}", response=ItemsOut, auth=staff_auth)
def figure_items(request, code: str, filters: Query[ItemFilters]):
    """The items behind one count (`part`; the figure's first part by default)."""
    scope = _scope(request, filters.site)
    figure = figures.compute(code, scope)
    if figure is None:
        raise HttpError(404, "没有该监测项。")
    part = figure.part(filters.part)
    if part is None:
        raise HttpError(404, "没有该统计口径。")
    items = filtered_items(part, filters.dict())
    count = items.count() if hasattr(items, "count") and not isinstance(items, list) else len(items)
    return {
        "code": figure.code,
        "part": part.key,
        "count": count,
        "columns": part.columns,
        "items": [
            {
                "id": getattr(obj, "pk", None),
                "cells": [str(c) for c in part.cells(obj)],
                "url": part.link(obj),
            }
            for obj in page(items, filters)
        ],
    }


# --------------------------------------------------------------------------- province overview
# Public (no session): the figures of /xxgk/sites/, for a site and the sites below it.


class SiteFiguresOut(Schema):
    slug: str
    name: str
    sites: int = Field(description="本行包含的站点数（下级站点含其自身的下级）")
    records: int = Field(description="已公开的政府信息条数")
    catalogue_leaves: int = Field(description="标准目录中应主动公开的末级事项数")
    catalogue_covered: int = Field(description="其中已有现行政府信息的事项数")
    coverage_percent: float | None
    requests_received: int = Field(description="本年度收到的依申请公开申请件数")
    requests_replied: int
    requests_on_time: int = Field(description="在答复期限内答复的件数（当场答复计为按期）")
    on_time_percent: float | None


class OverviewOut(Schema):
    site: str
    name: str
    year: int
    today: str
    own: SiteFiguresOut = Field(description="本级站点自身")
    children: list[SiteFiguresOut] = Field(description="每个下级站点一行，含其下级")
    total: SiteFiguresOut = Field(description="本级与全部下级站点的合计")


@router.get(
    "/sites/{slug}/overview",
    response=OverviewOut,
    summary="下级站点政务公开概览",
    url_name="overview",
)
def site_overview(request, slug: str, year: int | None = None):
    """The site's own figures, one row per child site (its subtree summed) and the totals;
    `year` (2008 to this year) defaults to this year."""
    site = Site.objects.filter(slug=slug).first()
    if site is None:
        raise HttpError(404, "没有该站点。")
    if year is not None and province.valid_year(year) is None:  # the API's one 422 body
        raise ValidationError(
            [{"loc": ("query", "year"), "msg": "应在 2008 年到今年之间。", "type": "out_of_range"}]
        )
    data = province.overview(site, year=year)
    return {
        "site": site.slug,
        "name": site.name,
        "year": data.year,
        "today": data.today.isoformat(),
        "own": data.own.as_dict(),
        "children": [row.as_dict() for row in data.children],
        "total": data.total.as_dict(),
    }
