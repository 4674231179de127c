"""The compliance dashboard at /staff/oversight/ and its drill-down lists (issue 12 point 1).

Views stay thin: the figures and who may see them are gongkai.oversight.figures."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from gongkai.core import permissions
from gongkai.core.models import Role, Site
from gongkai.core.views import staff_required

from . import figures, findings

PAGE_SIZE = 30


def _site(request: HttpRequest) -> Site:
    """The staff member's site, or a child of it named by ?site= (a parent site's office)."""
    site = permissions.staff_site(request)
    if site is None:
        raise permissions.PermissionDenied("您在任何站点都没有岗位。")
    slug = request.GET.get("site")
    if slug and slug != site.slug:
        child = Site.objects.filter(slug=slug).first()
        if child is None or not figures.sees_whole_site(request.user, child):
            raise Http404("没有该站点，或您不能查看该站点的监测。")
        return child
    return site


def _scope(request: HttpRequest) -> figures.Scope:
    return figures.dashboard_scope(request.user, _site(request))


def _table(figure: figures.Figure, site_query: str) -> list[list[tuple]]:
    """The figure's rows as (value, drill-down URL or "") cells."""
    base = reverse("oversight_staff:figure", args=[figure.code]) + "?"
    rows = []
    for i, row in enumerate(figure.rows):
        cells = []
        for j, value in enumerate(row):
            query = figure.cell_links.get((i, j))
            cells.append((value, f"{base}{query}{site_query}" if query else ""))
        rows.append(cells)
    return rows


@staff_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    site_query = f"&site={scope.site.slug}" if request.GET.get("site") else ""
    computed = figures.compute_all(scope)
    sections: dict[str, list] = {}
    for figure in computed:
        sections.setdefault(figure.section, []).append(
            {"figure": figure, "rows": _table(figure, site_query)}
        )
    children = []
    for child in figures.child_sites(request.user, scope.site):
        child_scope = figures.dashboard_scope(request.user, child, scope.today)
        children.append((child, {f.code: f for f in figures.compute_all(child_scope)}))
    context = {
        "scope": scope,
        "site": scope.site,
        "site_query": site_query,
        "sections": [(figures.SECTIONS.get(key, key), items) for key, items in sections.items()],
        "charts": [f.chart_data() for f in computed if f.chart and f.rows],
        "children": children,
        "child_rows": _child_rows(computed, children),
        "findings_summary": findings.findings_summary(scope.site),
        "office_admin": permissions.can_act_on_site(request.user, scope.site, [Role.OFFICE_ADMIN]),
    }
    return render(request, "oversight/dashboard.html", context)


def _child_rows(computed, children) -> list:
    """One row per figure part, one column per child site (side by side)."""
    rows = []
    for figure in computed:
        for part in figure.parts[:2]:
            counts = []
            for child, by_code in children:
                other = by_code.get(figure.code)
                other_part = other.part(part.key) if other else None
                counts.append(
                    (other_part.count if other_part else "—", child.slug, figure.code, part.key)
                )
            rows.append((figure.title, part.label, counts))
    return rows


def filtered_items(part: figures.Part, params) -> object:
    """The part's items narrowed by the filters it accepts (?domain=, ?organisation=, ?stage=);
    a value that is not a number (for id filters) is ignored."""
    items = part.items
    for name, lookup in part.filters.items():
        value = params.get(name)
        if not value:
            continue
        if lookup.endswith("_id"):
            if not value.isdigit() or len(value) > 18:
                continue
            value = int(value)
        if hasattr(items, "filter"):
            items = items.filter(**{lookup: value})
    return items


@staff_required
@require_GET
def figure_detail(request: HttpRequest, code: str) -> HttpResponse:
    scope = _scope(request)
    figure = figures.compute(code, scope)
    if figure is None:
        raise Http404("没有该监测项。")
    part = figure.part(request.GET.get("part"))
    if part is None:
        raise Http404("没有该统计口径。")
    items = filtered_items(part, request.GET)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "scope": scope,
        "site": scope.site,
        "figure": figure,
        "part": part,
        "page": page,
        "rows": [(part.cells(obj), part.link(obj)) for obj in page],
        "query": query.urlencode(),
        "site_query": f"&site={scope.site.slug}" if request.GET.get("site") else "",
    }
    return render(request, "oversight/figure_detail.html", context)


def workbench_panel(request):
    """公开监测 on the workbench: the headline counts for whoever may see a dashboard."""
    if not getattr(request.user, "is_authenticated", False):
        return None
    site = permissions.staff_site(request)
    if site is None:
        return None
    try:
        scope = figures.dashboard_scope(request.user, site)
    except permissions.PermissionDenied:
        return None
    headline = []
    for code in ("coverage", "requests"):
        figure = figures.compute(code, scope)
        if figure is not None and figure.parts:
            headline.append((figure.title, figure.parts[0]))
    return "oversight/dashboard_panel.html", {"headline": headline, "scope": scope}
