"""The public search page and the as-you-type suggestions it enhances itself with."""

from __future__ import annotations

from urllib.parse import urlencode

from django.apps import apps
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from gongkai.core.models import Organisation, Site

from . import service, tokenize
from .backends.base import SearchQuery

MAX_QUERY_CHARS = 100
SUGGEST_LIMIT = 8
INT_PARAMS = ("organisation", "domain", "catalogue_item", "year")
TEXT_PARAMS = ("kind", "validity")


def _int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 2**31 else None


def _scope(request: HttpRequest) -> tuple[Site, list[Site], list[int], Site | None]:
    """The current site, the sites below it, the ids searched, and the chosen child site."""
    site = request.site
    if site is None:
        raise Http404(_("没有可检索的站点"))
    ids = service.site_ids_for(site)
    children = list(Site.objects.filter(id__in=ids).exclude(id=site.id).order_by("id"))
    chosen = None
    slug = request.GET.get("site", "")
    if slug:
        chosen = next((s for s in [site, *children] if s.slug == slug), None)
    return site, children, ([chosen.id] if chosen else ids), chosen


def _filters(params) -> dict:
    filters = {}
    for key in INT_PARAMS:
        value = _int(params.get(key))
        if value is not None:
            filters[key] = value
    for key in TEXT_PARAMS:
        value = (params.get(key) or "").strip()[:40]
        if value:
            filters[key] = value
    return filters


def _domains(site_ids: list[int]) -> list:
    try:
        Domain = apps.get_model("catalogue", "Domain")
    except LookupError:
        return []
    return list(Domain.objects.filter(site_id__in=site_ids).order_by("id").values("id", "name"))


def _page_links(page: int, pages: int) -> list[int]:
    first, last = max(page - 3, 1), min(page + 3, pages)
    return list(range(first, last + 1))


def _foi_url() -> str:
    try:
        return reverse("foi:apply")
    except NoReverseMatch:
        return ""


def search_page(request: HttpRequest) -> HttpResponse:
    site, children, site_ids, chosen = _scope(request)
    q = (request.GET.get("q") or "").strip()[:MAX_QUERY_CHARS]
    filters = _filters(request.GET)
    sort = request.GET.get("sort") if request.GET.get("sort") in ("relevance", "date") else ""
    page = _int(request.GET.get("page")) or 1
    results = None
    if q or filters or chosen:
        query = SearchQuery(
            text=q,
            site_ids=site_ids,
            filters=filters,
            sort=sort or ("relevance" if q else "date"),
            page=page,
            autocorrect=not request.GET.get("exact"),
        )
        results = service.search(query)
        parsed = results.parsed
        if (
            parsed is not None
            and parsed.only_identifiers
            and results.strict_total == 1
            and results.hits
            and parsed.identifiers[0]
            == tokenize.normalize(results.hits[0].extra.get("index_number") or "")
        ):
            return redirect(results.hits[0].url)  # a pasted 索引号 opens its record
    params = {"q": q, "sort": sort, "site": chosen.slug if chosen else "", **filters}
    params = {k: v for k, v in params.items() if v not in ("", None)}

    def link(**change) -> str:
        merged = {**params, **change}
        merged = {k: v for k, v in merged.items() if v not in ("", None, 1) or k != "page"}
        merged = {k: v for k, v in merged.items() if v not in ("", None)}
        return "?" + urlencode(merged)

    context = {
        "search_q": q,
        "results": results,
        "filters": filters,
        "sort": sort or ("relevance" if q else "date"),
        "children": children,
        "chosen_site": chosen,
        "organisations": Organisation.objects.filter(site_id__in=site_ids, is_active=True)
        .order_by("path")
        .only("id", "name"),
        "domains": _domains(site_ids),
        "kind_labels": service.KIND_LABELS,
        "validity_labels": service.VALIDITY_LABELS,
    }
    if results is not None:
        for key, group in results.facets.items():
            for facet in group:
                facet.href = link(**{key: facet.value, "page": None})
        for facet in results.facets.get("kind", []):
            facet.label = service.KIND_LABELS.get(facet.value, facet.value)
        for hit in results.hits:
            hit.kind_label = service.KIND_LABELS.get(hit.kind, hit.kind)
        context.update(
            years=sorted(
                {int(f.value) for f in results.facets.get("year", [])}
                | ({filters["year"]} if "year" in filters else set()),
                reverse=True,
            ),
            pages=_page_links(results.query.page, results.pages),
            page=results.query.page,
            page_count=results.pages,
            page_links={n: link(page=n) for n in _page_links(results.query.page, results.pages)},
            prev_link=link(page=page - 1) if page > 1 else "",
            next_link=link(page=page + 1) if page < results.pages else "",
            suggestion_link=(
                "?" + urlencode({"q": results.suggestion}) if results.suggestion else ""
            ),
            original_link="?" + urlencode({"q": q, "exact": 1}) if results.corrected else "",
            partial_from=next((i for i, h in enumerate(results.hits) if h.partial), None),
        )
        if not results.hits and q:
            context.update(
                nearest_items=service.nearest_catalogue_items(q, site_ids),
                typed_suggestions=service.suggest(q[:4], site_ids, 5),
                foi_url=_foi_url(),
            )
    response = render(request, "search/results.html", context)
    patch_cache_control(response, private=True, max_age=0)
    return response


def suggest(request: HttpRequest) -> JsonResponse:
    """JSON for the box's suggestions as you type: {"q": ..., "suggestions": [{title, url}]}."""
    q = (request.GET.get("q") or "").strip()[:50]
    items = []
    if q and request.site is not None:
        items = service.suggest(q, service.site_ids_for(request.site), SUGGEST_LIMIT)
    response = JsonResponse(
        {"q": q, "suggestions": items}, json_dumps_params={"ensure_ascii": False}
    )
    patch_cache_control(response, public=True, max_age=60)
    return response
