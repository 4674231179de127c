"""Public pages of a site. Later capabilities (catalogue, records, search …) fill the home page."""

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from gongkai.catalogue.services import leaves_for_organisations, record_counts
from gongkai.core.extensions import home_sections, render_panels
from gongkai.core.models import Organisation
from gongkai.records.models import State
from gongkai.records.selectors import published_records, record_links
from gongkai.search.service import site_ids_for

from .disclosure import page_for, section
from .models import Column, DisclosurePageKind, GazetteIssue, ReadingPoint


def home(request: HttpRequest) -> HttpResponse:
    site = request.site
    if site is None:
        return render(request, "portal/no_site.html", status=503)
    departments = Organisation.objects.filter(site=site, is_active=True, depth=2).order_by("path")
    context = {
        "columns": home_columns(site),
        "departments": departments,
        "children": site.children.all(),
        "sections": render_panels(home_sections, request),
    }
    return render(request, "portal/home.html", context)


def home_columns(site, per_column: int = 6) -> list[tuple[Column, list]]:
    """要闻动态, 通知公告, 政策文件, 政策解读 … with their latest records; a parent site shows
    its children's records too."""
    records = published_records().filter(site_id__in=site_ids_for(site))
    return [
        (column, list(records.filter(kind__in=column.record_kinds)[:per_column]))
        for column in Column.objects.filter(site=site, show_on_home=True)
    ]


def column(request: HttpRequest, slug: str) -> HttpResponse:
    """One column's records, newest first, paged."""
    if request.site is None:
        raise Http404
    column = get_object_or_404(Column, site=request.site, slug=slug)
    records = published_records().filter(
        site_id__in=site_ids_for(request.site), kind__in=column.record_kinds
    )
    page = Paginator(records, 20).get_page(request.GET.get("page"))
    return render(request, "portal/column.html", {"column": column, "page": page})


def organisations(request: HttpRequest) -> HttpResponse:
    """机构职能: the directory of the site's organisations (《条例》第二十条第（二）项)."""
    if request.site is None:
        raise Http404
    orgs = Organisation.objects.filter(site=request.site, is_active=True).order_by("path")
    return render(request, "portal/organisations.html", {"organisations": orgs})


def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    """One organisation: its functions, contacts and the information it has published."""
    if request.site is None:
        raise Http404
    org = get_object_or_404(Organisation, pk=pk, site=request.site, is_active=True)
    records = record_links(published_records(request.site).filter(organisation=org))
    page = Paginator(records, 20).get_page(request.GET.get("page"))
    duties = list(leaves_for_organisations(request.site, [org]))
    counts = record_counts([item.pk for item in duties])
    for item in duties:
        item.published_count = counts.get(item.pk, 0)
    context = {
        "org": org,
        "duties": duties,
        "page": page,
        "parent": Organisation.objects.get_parent(org),
        "children": Organisation.objects.get_children(org).filter(is_active=True),
    }
    return render(request, "portal/organisation.html", context)


def disclosure(request: HttpRequest) -> HttpResponse:
    """The 政府信息公开 section laid out as 国办发〔2017〕47号 prescribes: 公开指南, 公开制度,
    法定主动公开内容, 依申请公开, 公开年报."""
    if request.site is None:
        raise Http404
    return render(request, "portal/disclosure.html", {"parts": section(request.site)})


def disclosure_page(request: HttpRequest, kind: str) -> HttpResponse:
    if request.site is None or kind not in DisclosurePageKind.values:
        raise Http404
    page = page_for(request.site, kind)
    return render(
        request, "portal/disclosure_page.html", {"page": page, "parts": section(request.site)}
    )


def reading_points(request: HttpRequest) -> HttpResponse:
    """信息公开查阅点 (《政府信息公开条例》第二十五条)."""
    if request.site is None:
        raise Http404
    points = ReadingPoint.objects.filter(site=request.site)
    return render(request, "portal/reading_points.html", {"points": points})


def gazette(request: HttpRequest) -> HttpResponse:
    """政府公报 by year (《政府信息公开条例》第二十三条 names the gazette as a channel)."""
    if request.site is None:
        raise Http404
    issues = GazetteIssue.objects.filter(site=request.site, is_published=True)
    years: dict[int, list[GazetteIssue]] = {}
    for issue in issues.order_by("-year", "-number"):
        years.setdefault(issue.year, []).append(issue)
    return render(request, "portal/gazette.html", {"years": years})


def gazette_issue(request: HttpRequest, year: int, number: int) -> HttpResponse:
    """One issue: its articles, each linking to the record page, and the PDF download."""
    if request.site is None:
        raise Http404
    issue = get_object_or_404(
        GazetteIssue, site=request.site, year=year, number=number, is_published=True
    )
    # a withdrawn record stays in the printed issue but is no longer linked here
    articles = [a for a in issue.articles_in_order if a.record.state == State.PUBLISHED]
    return render(request, "portal/gazette_issue.html", {"issue": issue, "articles": articles})


def gazette_pdf(request: HttpRequest, year: int, number: int) -> FileResponse:
    """The issue's generated PDF, served by the app so it works wherever media lives."""
    if request.site is None:
        raise Http404
    issue = get_object_or_404(
        GazetteIssue, site=request.site, year=year, number=number, is_published=True
    )
    if not issue.pdf:
        raise Http404
    filename = f"{issue.title}.pdf"
    return FileResponse(
        issue.pdf.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )
