"""Staff pages of the migration under /staff/legacy/: the overview with the per-column report,
the review queue, a page's detail with its confirm and reject forms, the column confirm and
the rules editor. Thin: who may do what and every change are in review.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from gongkai.core.html import sanitize_html
from gongkai.core.permissions import staff_site
from gongkai.core.versioning import VersionConflict
from gongkai.core.views import staff_required

from . import reports, review
from .classify import REVIEW_BELOW
from .forms import ColumnConfirmForm, ConfirmForm, RejectForm, RuleForm
from .models import ClassificationRule, ImportRun, LegacyPage

#: LegacyPage.metadata keys, as the detail page names them
METADATA_LABELS = [
    ("site_name", "站点名称"),
    ("site_code", "网站标识码"),
    ("organisation_name", "发布机构"),
    ("index_number", "索引号"),
    ("document_number", "文号"),
    ("written_on", "成文日期"),
    ("subject", "主题分类"),
    ("keywords", "关键词"),
]
#: the column filter's value for pages without an old column
NO_COLUMN = "-"
EVIDENCE_LABELS = {
    "meta": "网页元数据",
    "table": "信息公开元数据表",
    "line": "正文上方的发布信息行",
    "extractor": "正文提取",
    "title-tag": "网页标题",
}


def _site(request):
    """The staff member's site, for those who may review it (a publishing role there)."""
    site = staff_site(request)
    if site is None or not review.may_review(request.user, site):
        raise PermissionDenied("您没有权限查看旧站迁移。")
    return site


def _page(request, pk: int) -> LegacyPage:
    site = _site(request)
    return get_object_or_404(
        review.pages_for(request.user, site).select_related(
            "proposed_item", "proposed_organisation", "record", "run"
        ),
        pk=pk,
    )


def _bool(value: str | None) -> bool | None:
    return {"1": True, "0": False}.get(value or "")


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    """Runs with their counts, and the per-column report (pages before and after)."""
    site = _site(request)
    rows = reports.column_report(site)
    return render(
        request,
        "legacy/staff/index.html",
        {
            "site": site,
            "runs": ImportRun.objects.filter(site=site)[:20],
            "rows": rows,
            "total": reports.totals(rows),
            "pending": review.pending_count(request.user, site),
        },
    )


@staff_required
def report_csv(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    response = HttpResponse(reports.report_csv(site), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{site.slug}-legacy-columns.csv"'
    return response


@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    """Pages waiting for a person; filters by confidence and old column (GET, no script)."""
    site = _site(request)
    low = _bool(request.GET.get("low"))
    column = request.GET.get("column") or None
    if column == NO_COLUMN:
        column = ""  # the pages the old site gave no column
    pages = review.pending_pages(request.user, site, low_confidence=low, column=column)
    shown = list(pages[:200])
    return render(
        request,
        "legacy/staff/queue.html",
        {
            "pages": shown,
            "count": pages.count(),
            "columns": review.pending_columns(request.user, site),
            "low": request.GET.get("low", ""),
            "column": NO_COLUMN if column == "" else (column or ""),
            "column_chosen": column is not None,
            "no_column": NO_COLUMN,
            "threshold": REVIEW_BELOW,
            "column_form": ColumnConfirmForm(initial={"column": column or ""}),
        },
    )


@staff_required
def page_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = _page(request, pk)
    return _detail(request, page)


def _detail(request, page, confirm_form=None, reject_form=None, status=200):
    meta = page.metadata or {}
    evidence = meta.get("evidence") or {}
    fields = [
        (label, meta.get(key), EVIDENCE_LABELS.get(evidence.get(key, ""), ""))
        for key, label in METADATA_LABELS
        if meta.get(key)
    ]
    pending = page.review_state == "pending" and page.record_id is None
    return render(
        request,
        "legacy/staff/page.html",
        {
            "page": page,
            "fields": fields,
            "body": mark_safe(sanitize_html(page.body_html or "").html),  # noqa: S308 (sanitised)
            "files": page.files.all().order_by("pk"),
            "pending": pending,
            "confirm_form": confirm_form
            or (ConfirmForm(user=request.user, page=page) if pending else None),
            "reject_form": reject_form or (RejectForm(initial={"version": page.version})),
            "threshold": REVIEW_BELOW,
        },
        status=status,
    )


@staff_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    page = _page(request, pk)
    form = ConfirmForm(request.POST, user=request.user, page=page)
    if not form.is_valid():
        return _detail(request, page, confirm_form=form, status=400)
    try:
        record = review.confirm(
            request.user,
            page,
            catalogue_item=form.cleaned_data["catalogue_item"],
            organisation=form.cleaned_data["organisation"],
            version=form.cleaned_data["version"],
        )
    except VersionConflict:
        messages.error(
            request, "该页面已被他人处理（您打开页面后有人确认或不予迁移），未重复发布。"
        )
        return redirect("legacy_staff:page", page.pk)
    except review.ReviewRefused as exc:
        form.add_error(None, str(exc))
        return _detail(request, page, confirm_form=form, status=400)
    messages.success(
        request, f"已发布为“{record.title}”（索引号 {record.index_number}），可在信息列表中查看。"
    )
    return redirect(_next_in_queue(request, page))


def _next_in_queue(request, page) -> str:
    """Back to the queue, keeping its filters (the form carries them)."""
    query = request.POST.get("back", "")
    url = reverse("legacy_staff:queue")
    return f"{url}?{query}" if query and "//" not in query else url


@staff_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    page = _page(request, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _detail(request, page, reject_form=form, status=400)
    try:
        review.reject(
            request.user, page, form.cleaned_data["reason"], version=form.cleaned_data["version"]
        )
    except VersionConflict:
        messages.error(request, "该页面已被他人处理，未作更改。")
        return redirect("legacy_staff:page", page.pk)
    except review.ReviewRefused as exc:
        form.add_error(None, str(exc))
        return _detail(request, page, reject_form=form, status=400)
    messages.success(request, f"“{page.title}”不予迁移，已记录理由。")
    return redirect(_next_in_queue(request, page))


@staff_required
@require_POST
def column_confirm(request: HttpRequest) -> HttpResponse:
    """Confirm a whole old column under its proposals."""
    site = _site(request)
    form = ColumnConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请求无效，请重新选择栏目。")
        return redirect("legacy_staff:queue")
    column = form.cleaned_data["column"]
    result = review.confirm_column(
        request.user,
        site,
        column,
        include_low_confidence=form.cleaned_data["include_low_confidence"],
    )
    messages.success(
        request,
        f"栏目“{column or '（无栏目）'}”：已确认发布 {len(result.confirmed)} 条，"
        f"留待逐条确认 {len(result.skipped)} 条。",
    )
    for page, why in result.skipped[:10]:
        messages.info(request, f"“{page.title}”：{why}")
    url = reverse("legacy_staff:queue")
    if not result.skipped:
        return redirect(url)
    return redirect(f"{url}?{urlencode({'column': column or NO_COLUMN})}")


@staff_required
def rules(request: HttpRequest) -> HttpResponse:
    """The rules editor: the list and the add form (office admins change; others read)."""
    site = _site(request)
    can_edit = review.may_edit_rules(request.user, site)
    form = RuleForm(site=site)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("只有公开办管理员可以修改归类规则。")
        form = RuleForm(request.POST, site=site)
        if form.is_valid():
            try:
                review.save_rule(request.user, site, form.cleaned_data)
            except review.ReviewRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, "已新增规则。规则对新导入的页面生效；点“重新归类”可用于待确认页面。"
                )
                return redirect("legacy_staff:rules")
    return render(
        request,
        "legacy/staff/rules.html",
        {
            "rules": ClassificationRule.objects.filter(site=site).select_related(
                "catalogue_item", "organisation"
            ),
            "form": form,
            "can_edit": can_edit,
        },
        status=400 if form.errors else 200,
    )


@staff_required
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site(request)
    if not review.may_edit_rules(request.user, site):
        raise PermissionDenied("只有公开办管理员可以修改归类规则。")
    rule = get_object_or_404(ClassificationRule, pk=pk, site=site)
    form = RuleForm(request.POST or None, instance=rule, site=site)
    if request.method == "POST" and form.is_valid():
        try:
            review.save_rule(request.user, site, form.cleaned_data, rule)
        except review.ReviewRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "规则已保存。")
            return redirect("legacy_staff:rules")
    return render(
        request,
        "legacy/staff/rule_edit.html",
        {"rule": rule, "form": form},
        status=400 if form.errors else 200,
    )


@staff_required
@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site(request)
    rule = get_object_or_404(ClassificationRule, pk=pk, site=site)
    review.delete_rule(request.user, rule)
    messages.success(request, f"已删除规则：{rule}。")
    return redirect("legacy_staff:rules")


@staff_required
@require_POST
def repropose(request: HttpRequest) -> HttpResponse:
    """重新归类: the rules again, on every page still waiting."""
    site = _site(request)
    changed = review.repropose_pending(request.user, site)
    messages.success(request, f"已按现行规则重新归类待确认页面，{changed} 条的建议有变化。")
    return redirect("legacy_staff:queue")
