"""Public pages of the standard catalogue: the programme's special column (试点工作专栏) entry.

The public sees the latest published version (动态调整, 国办发〔2017〕42号) with its number and
date; each leaf links to the government information published under it."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .deadlines import DeadlineRule
from .io.dump import walk
from .models import CatalogueItem
from .services import domain_counts, public_catalogue, records_for_item


def _site(request):
    if getattr(request, "site", None) is None:
        raise Http404("没有站点")
    return request.site


def index(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    version, snapshot = public_catalogue(site)
    return render(
        request, "catalogue/index.html", {"version": version, "domains": domain_counts(snapshot)}
    )


def table_rows(items: list[dict]) -> list[dict]:
    """One row per leaf, with rowspans for the 一级事项 (and 二级事项 over 三级事项) cells."""
    rows = []
    for path, node in walk(items):
        if node.get("children") or len(path) < 2:
            continue
        rule = DeadlineRule.from_dict(node.get("deadline"), original=node.get("deadline_text", ""))
        rows.append({"path": path, "leaf": node, "rule": rule, "span1": 0, "span2": 0})
    for level, key in ((1, "span1"), (2, "span2")):
        first = 0
        for index in range(1, len(rows) + 1):
            if (
                index == len(rows)
                or rows[index]["path"][:level] != rows[first]["path"][:level]
                or (level == 2 and (len(rows[index]["path"]) < 3 or len(rows[first]["path"]) < 3))
            ):
                rows[first][key] = index - first
                first = index
    return rows


def domain(request: HttpRequest, domain_id: int) -> HttpResponse:
    site = _site(request)
    version, snapshot = public_catalogue(site)
    entry = next((d for d in snapshot if d.get("id") == domain_id), None)
    if entry is None:
        raise Http404("没有这个公开领域")
    rows = table_rows(entry["items"])
    has_level3 = any(len(r["path"]) == 3 for r in rows)
    counts = next(c for c in domain_counts([entry]))
    context = {
        "version": version,
        "domain": entry,
        "rows": rows,
        "has_level3": has_level3,
        "counts": counts,
    }
    return render(request, "catalogue/domain.html", context)


def item(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site(request)
    leaf = get_object_or_404(CatalogueItem.objects.select_related("domain"), pk=pk, site=site)
    ancestors = list(CatalogueItem.objects.get_ancestors(leaf))
    context = {
        "item": leaf,
        "ancestors": ancestors,
        "rule": leaf.deadline_rule(),
        "channels": leaf.channels.order_by("order", "id"),
        "organisations": leaf.organisations.order_by("path"),
        "records": records_for_item(leaf),
    }
    return render(request, "catalogue/item.html", context)
