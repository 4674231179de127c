"""The dashboard's figures through the JSON API (staff session, scoped like the page):
`GET /api/v1/oversight/figures` and the items behind one count,
`GET /api/v1/oversight/figures/{code}?part=…`."""

from __future__ import annotations

from ninja import Query, Router, Schema
from ninja.errors import HttpError

from gongkai.core import permissions
from gongkai.core.api import staff_auth
from gongkai.core.models import Site
from gongkai.core.pagination import Paging, page

from . import figures
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
