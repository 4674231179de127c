"""Staff pages of the computed annual report, and its public web page and .docx; the rules
live in oversight.annual, these views only route forms to them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from gongkai.core import permissions
from gongkai.core.officialdoc import download
from gongkai.core.pdf import PdfUnavailable
from gongkai.core.versioning import VersionConflict, parse_version
from gongkai.core.views import staff_required

from . import annual
from .models import AnnualReport, AnnualReportDraft, ReportSource
from .services import FIRST_YEAR, last_reportable_year, reporting_organisations


def _site(request):
    site = permissions.staff_site(request)
    if site is None:
        raise PermissionDenied("您在任何站点都没有岗位。")
    return site


def _organisations(request, site):
    return reporting_organisations(site).filter(
        pk__in=permissions.organisations_for(request.user, annual.EDIT_ROLES, site=site).values(
            "pk"
        )
    )


def _draft(request, pk: int) -> AnnualReportDraft:
    draft = get_object_or_404(
        AnnualReportDraft.objects.select_related("organisation", "site", "published"), pk=pk
    )
    permissions.require(
        request.user, "查看该机关的政府信息公开工作年度报告", draft.organisation, annual.EDIT_ROLES
    )
    return draft


@staff_required
def annual_list(request: HttpRequest) -> HttpResponse:
    """The organs whose report the user writes, the reports begun, and a form to open one."""
    site = _site(request)
    organisations = _organisations(request, site)
    if request.method == "POST":
        organisation = organisations.filter(pk=request.POST.get("organisation") or 0).first()
        if organisation is None:
            messages.error(request, "请选择您可以编写年度报告的机关。")
        else:
            try:
                draft = annual.open_draft(request.user, organisation, request.POST.get("year"))
            except annual.AnnualReportError as exc:
                messages.error(request, str(exc))
            else:
                return redirect("oversight_staff:annual_detail", pk=draft.pk)
    drafts = AnnualReportDraft.objects.filter(organisation__in=organisations).select_related(
        "organisation"
    )
    context = {
        "site": site,
        "organisations": organisations,
        "years": list(range(last_reportable_year(), FIRST_YEAR - 1, -1)),
        "drafts": drafts,
    }
    return render(request, "oversight/annual_list.html", context)


@staff_required
def annual_detail(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    return _render_detail(request, draft)


def _render_detail(request, draft, status=200, conflict=None, sections=None):
    live = annual.compute(draft.organisation, draft.year)
    view = annual.report_view(draft, live)
    context = {
        **annual.html_context(view),
        "can_edit": draft.state == "draft",
        "can_reopen": permissions.can_act_on(request.user, draft.organisation, annual.REOPEN_ROLES),
        "conflict": conflict,
        "texts": sections or {name: getattr(draft, name) for name in annual.TEXT_FIELDS},
        "generated": annual.generated_overview(draft.organisation, draft.year, live)
        if draft.state == "draft"
        else "",
        "cell_choices": [(key, annual.cell_label(key)) for key in annual.all_keys()],
        "entered_keys": annual.entered_keys(),
        "government": annual.is_government_report(draft.organisation),
    }
    return render(request, "oversight/annual_detail.html", context, status=status)


def _step(request, pk, action):
    """Run one step on the draft; Chinese message back on the page, 409 on a stale version."""
    draft = _draft(request, pk)
    version = parse_version(request.POST.get("version"))
    if version is None:
        messages.error(request, "页面缺少版本信息，请重新打开后再操作。")
        return redirect("oversight_staff:annual_detail", pk=draft.pk)
    try:
        done = action(draft, version)
    except VersionConflict as exc:
        messages.error(request, str(exc))
        return _render_detail(request, draft, status=409, conflict=exc)
    except (annual.AnnualReportError, PdfUnavailable) as exc:
        messages.error(request, str(exc))
        return redirect("oversight_staff:annual_detail", pk=draft.pk)
    messages.success(request, done)
    return redirect("oversight_staff:annual_detail", pk=draft.pk)


@staff_required
@require_POST
def annual_sections(request: HttpRequest, pk: int) -> HttpResponse:
    texts = {name: request.POST.get(name, "") for name in annual.TEXT_FIELDS}
    draft = _draft(request, pk)
    version = parse_version(request.POST.get("version"))
    try:
        if version is None:
            raise annual.AnnualReportError("页面缺少版本信息，请重新打开后再保存。")
        annual.save_sections(request.user, draft, version, **texts)
    except VersionConflict as exc:
        messages.error(request, str(exc))
        draft.refresh_from_db()
        return _render_detail(request, draft, status=409, conflict=exc, sections=texts)
    except annual.AnnualReportError as exc:
        messages.error(request, str(exc))
        return redirect("oversight_staff:annual_detail", pk=draft.pk)
    messages.success(request, "正文已保存。")
    return redirect("oversight_staff:annual_detail", pk=draft.pk)


@staff_required
@require_POST
def annual_cell(request: HttpRequest, pk: int) -> HttpResponse:
    key = request.POST.get("key", "")

    def action(draft, version):
        cell = annual.set_cell(
            request.user,
            draft,
            version,
            key,
            request.POST.get("value", ""),
            request.POST.get("reason", ""),
        )
        label = annual.cell_label(key)
        return f"已修改{label}。" if cell else f"{label}已恢复为系统计算值。"

    return _step(request, pk, action)


@staff_required
@require_POST
def annual_final(request: HttpRequest, pk: int) -> HttpResponse:
    def action(draft, version):
        annual.finalise(request.user, draft, version)
        return "报告已定稿，数据已冻结。"

    return _step(request, pk, action)


@staff_required
@require_POST
def annual_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    def action(draft, version):
        annual.reopen(request.user, draft, version, request.POST.get("reason", ""))
        return "报告已重新打开，可以修改。"

    return _step(request, pk, action)


@staff_required
@require_POST
def annual_publish(request: HttpRequest, pk: int) -> HttpResponse:
    def action(draft, version):
        annual.publish(request.user, draft, version)
        return "报告已公布在“政府信息公开 › 公开年报”。"

    return _step(request, pk, action)


@staff_required
def annual_file(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The report as it stands, .docx or PDF, for review before it is published."""
    if kind not in ("docx", "pdf"):
        raise Http404("没有这种格式")
    draft = _draft(request, pk)
    view = annual.report_view(draft)
    if kind == "docx":
        return download(annual.docx_bytes(view), annual.file_name(draft, ".docx"))
    try:
        data = annual.pdf_bytes(view)
    except PdfUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("oversight_staff:annual_detail", pk=draft.pk)
    return download(data, annual.file_name(draft, ".pdf"))


# --------------------------------------------------------------------------- public


def _published(request, pk: int) -> AnnualReportDraft:
    site = getattr(request, "site", None)
    if site is None:
        raise Http404("没有站点")
    report = get_object_or_404(
        AnnualReport.objects.select_related("organisation"),
        pk=pk,
        site=site,
        source=ReportSource.COMPUTED,
    )
    draft = AnnualReportDraft.objects.filter(published=report).select_related("organisation")
    draft = draft.first()
    if draft is None:
        raise Http404("没有这份报告")
    return draft


def public_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The published report as a web page: the same parts as the PDF, tables with captions
    and header scopes. It shows the published snapshot, never today's figures."""
    draft = _published(request, pk)
    view = annual.report_view(draft, frozen=True)
    context = {**annual.html_context(view), "report": draft.published}
    return render(request, "oversight/annual_public.html", context)


def public_docx(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _published(request, pk)
    view = annual.report_view(draft, frozen=True)
    return download(annual.docx_bytes(view), annual.file_name(draft, ".docx"))
