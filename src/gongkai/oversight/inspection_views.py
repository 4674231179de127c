"""Staff pages of 自查/督查 and 第三方评估. Thin: the rules and the permission checks are in
inspections.py and evaluation.py; these pages scope what they show and render the forms."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from gongkai.core import officialdoc, permissions
from gongkai.core.models import Organisation
from gongkai.core.uploads import CONTENT_TYPES
from gongkai.core.versioning import VersionConflict
from gongkai.core.views import staff_required

from . import evaluation, inspections
from .inspection_forms import (
    AcceptForm,
    AssignForm,
    CloseInspectionForm,
    FindingsForm,
    InspectionForm,
    ItemForm,
    ReasonForm,
    RectifyForm,
    ReportTextsForm,
    SheetCreateForm,
    TemplateForm,
    score_form,
)
from .models import (
    EvaluationSheet,
    IndicatorTemplate,
    Inspection,
    InspectionItem,
    ItemState,
    RectificationEvidence,
)

ERRORS = (inspections.InspectionError, evaluation.EvaluationError, VersionConflict)


def _site(request):
    site = permissions.staff_site(request)
    if site is None:
        raise PermissionDenied("您在任何站点都没有岗位。")
    return site


def _done(request, text: str, to: str):
    messages.success(request, f"{text}，已完成。")
    return redirect(to)


# --------------------------------------------------------------------------- inspections


@staff_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    manage = inspections.can_manage(request.user, site)
    form = InspectionForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST":
        if not manage:
            raise PermissionDenied("只有公开办管理员可以组织自查或督查。")
        if form.is_valid():
            try:
                inspection = inspections.open_inspection(request.user, site, **form.cleaned_data)
            except inspections.InspectionError as exc:
                form.add_error(None, str(exc))
            else:
                return _done(request, "检查已创建", inspection.get_absolute_url())
    rows = [
        (i, inspections.progress(i)) for i in inspections.visible_inspections(request.user, site)
    ]
    return render(
        request,
        "oversight/inspection_list.html",
        {"site": site, "rows": rows, "form": form, "manage": manage},
    )


def _inspection(request, pk) -> Inspection:
    site = _site(request)
    qs = inspections.visible_inspections(request.user, site)
    if request.user.is_superuser:
        qs = Inspection.objects.all()
    return get_object_or_404(qs.select_related("site"), pk=pk)


@staff_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    user, site = request.user, inspection.site
    manage = inspections.can_manage(user, site)
    action = request.POST.get("action") if request.method == "POST" else None
    bound = {action: request.POST} if action else {}
    forms = {
        "add_item": ItemForm(bound.get("add_item"), prefix="item"),
        "add_findings": FindingsForm(
            bound.get("add_findings"), prefix="findings", findings=inspections.open_findings(site)
        ),
        "texts": ReportTextsForm(
            bound.get("texts"),
            prefix="texts",
            initial={"summary": inspection.summary, "next_steps": inspection.next_steps},
        ),
        "close": CloseInspectionForm(bound.get("close"), prefix="close"),
    }
    if action:
        if action not in forms:
            raise Http404("没有这一操作")
        if not manage:
            raise PermissionDenied("只有公开办管理员可以办理检查。")
        form = forms[action]
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "add_item":
                    inspections.add_item(user, inspection, **data)
                elif action == "add_findings":
                    inspections.add_findings(user, inspection, list(data["findings"]))
                elif action == "texts":
                    inspections.update_texts(user, inspection, **data)
                else:
                    inspections.close_inspection(user, inspection, **data)
            except ERRORS as exc:
                form.add_error(None, str(exc))
            else:
                return _done(request, "操作成功", inspection.get_absolute_url())
    context = {
        "inspection": inspection,
        "site": site,
        "items": inspections.visible_items(user, inspection),
        "progress": inspections.progress(inspection),
        "manage": manage,
        "can_export": inspections.reads_whole_site(user, site),
        "forms": forms,
    }
    return render(request, "oversight/inspection_detail.html", context)


def _item(request, pk) -> InspectionItem:
    item = get_object_or_404(
        InspectionItem.objects.select_related("inspection__site", "organisation", "record"), pk=pk
    )
    user = request.user
    if not (
        user.is_superuser
        or inspections.reads_whole_site(user, item.inspection.site)
        or inspections.can_rectify(user, item)
    ):
        raise Http404("没有这一问题")
    return item


ITEM_ACTIONS = ("assign", "rectify", "accept", "return", "close")


@staff_required
def inspection_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    user, site = request.user, item.inspection.site
    action = request.POST.get("action") if request.method == "POST" else None
    if action and action not in ITEM_ACTIONS:
        raise Http404("没有这一操作")
    bound = {action: request.POST} if action else {}
    files = {action: request.FILES} if action else {}
    version = {"version": item.version}
    organisations = Organisation.objects.filter(site=site, is_active=True).order_by("path")
    record_qs = inspections.linkable_records(item)
    forms = {
        "assign": AssignForm(
            bound.get("assign"),
            prefix="assign",
            organisations=organisations,
            initial={**version, "organisation": item.organisation_id},
        ),
        "rectify": RectifyForm(
            bound.get("rectify"),
            files.get("rectify"),
            prefix="rectify",
            records=record_qs,
            initial={**version, "text": item.rectification, "record": item.record_id},
        ),
        "accept": AcceptForm(bound.get("accept"), prefix="accept", initial=version),
        "return": ReasonForm(bound.get("return"), prefix="return", initial=version),
        "close": ReasonForm(bound.get("close"), prefix="close", initial=version),
    }
    if action:
        form = forms[action]
        manage = inspections.can_manage(user, site)
        if action == "rectify" and not inspections.can_rectify(user, item):
            raise PermissionDenied("整改情况由责任单位的工作人员填报。")
        if action != "rectify" and not manage:
            raise PermissionDenied("只有公开办管理员可以交办、验收、退回或关闭问题。")
        if form.is_valid():
            data = dict(form.cleaned_data)
            v = data.pop("version", None)
            data.pop("base", None)
            try:
                if action == "assign":
                    inspections.assign(user, item, version=v, **data)
                elif action == "rectify":
                    uploads = [(f.name, f.read()) for f in data.pop("files")]
                    inspections.rectify(user, item, files=uploads, version=v, **data)
                elif action == "accept":
                    inspections.accept(user, item, version=v)
                elif action == "return":
                    inspections.send_back(user, item, reason=data["reason"], version=v)
                else:
                    inspections.close_item(user, item, reason=data["reason"], version=v)
            except ERRORS as exc:
                form.add_error(None, str(exc))
            else:
                return _done(request, "操作成功", item.get_absolute_url())
    manage = inspections.can_manage(user, site)
    context = {
        "item": item,
        "inspection": item.inspection,
        "evidence": item.evidence.all(),
        "manage": manage,
        "can_rectify": inspections.can_rectify(user, item)
        and item.state in (ItemState.ASSIGNED, ItemState.RETURNED),
        "can_assign": manage and item.state in (ItemState.NEW, ItemState.ASSIGNED),
        "can_review": manage and item.state == ItemState.SUBMITTED,
        "can_close": manage and item.state not in (ItemState.ACCEPTED, ItemState.CLOSED),
        "forms": forms,
    }
    return render(request, "oversight/inspection_item.html", context)


@staff_required
def inspection_evidence(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    item = _item(request, pk)
    evidence = get_object_or_404(RectificationEvidence, pk=evidence_pk, item=item)
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=evidence.file_kind != "pdf",
        filename=evidence.file_name,
        content_type=CONTENT_TYPES.get(evidence.file_kind, "application/octet-stream"),
    )


@staff_required
def inspection_report(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    data = inspections.export_report(request.user, inspection)
    return officialdoc.download(data, inspections.report_filename(inspection))


# --------------------------------------------------------------------------- evaluation


def _require_reader(request):
    site = _site(request)
    if not evaluation.can_read(request.user, site):
        raise PermissionDenied("第三方评估仅公开办管理员和评估人员可以查看。")
    return site


@staff_required
def evaluation_index(request: HttpRequest) -> HttpResponse:
    site = _require_reader(request)
    user = request.user
    manage = evaluation.can_manage(user, site)
    this_year = timezone.localdate().year
    form = SheetCreateForm(
        request.POST or None,
        years=range(this_year, this_year - 6, -1),
        organisations=Organisation.objects.filter(site=site, is_active=True).order_by("path"),
        templates=IndicatorTemplate.objects.filter(site=site),
        initial={"template": IndicatorTemplate.objects.filter(site=site).first()},
    )
    if request.method == "POST":
        if not manage:
            raise PermissionDenied("只有公开办管理员可以创建评估表。")
        if form.is_valid():
            try:
                sheet = evaluation.create_sheet(user, site, **form.cleaned_data)
            except ERRORS as exc:
                form.add_error(None, str(exc))
            else:
                return _done(request, "评估表已创建", sheet.get_absolute_url())
    sheets = evaluation.with_totals(evaluation.visible_sheets(user, site)).order_by(
        "-year", "organisation__path"
    )
    satisfaction = [evaluation.satisfaction(site, y) for y in (this_year, this_year - 1)]
    context = {
        "site": site,
        "sheets": sheets,
        "comparison": evaluation.comparison(site),
        "satisfaction": satisfaction,
        "form": form,
        "manage": manage,
    }
    return render(request, "oversight/evaluation_index.html", context)


@staff_required
def evaluation_templates(request: HttpRequest) -> HttpResponse:
    site = _require_reader(request)
    manage = evaluation.can_manage(request.user, site)
    default = request.POST.get("action") == "default"
    form = TemplateForm(None if default else request.POST or None)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied("只有公开办管理员可以定义评估指标。")
        if default:
            evaluation.add_default_template(request.user, site)
            return _done(request, "默认指标模板已导入", request.path)
        if form.is_valid():
            try:
                evaluation.create_template(request.user, site, **form.cleaned_data)
            except ERRORS as exc:
                form.add_error(None, str(exc))
            else:
                return _done(request, "指标模板已保存", request.path)
    templates = IndicatorTemplate.objects.filter(site=site).prefetch_related("rows")
    return render(
        request,
        "oversight/evaluation_templates.html",
        {
            "site": site,
            "templates": templates,
            "form": form,
            "manage": manage,
            "default_missing": not templates.filter(name=evaluation.DEFAULT_TEMPLATE).exists(),
            "default_name": evaluation.DEFAULT_TEMPLATE,
        },
    )


@staff_required
def evaluation_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site(request)
    qs = EvaluationSheet.objects.select_related("organisation", "site")
    if not request.user.is_superuser:
        qs = evaluation.visible_sheets(request.user, site)
    sheet = get_object_or_404(qs, pk=pk)
    user = request.user
    rows = list(sheet.rows.all())
    action = request.POST.get("action") if request.method == "POST" else None
    scores = score_form(sheet, rows, request.POST if action in ("save", "submit") else None)
    back = ReasonForm(
        request.POST if action == "return" else None,
        prefix="return",
        initial={"version": sheet.version},
    )
    if action:
        if action not in ("save", "submit", "return"):
            raise Http404("没有这一操作")
        if action == "return":
            if not evaluation.can_manage(user, sheet.site):
                raise PermissionDenied("只有公开办管理员可以退回评估表。")
            if back.is_valid():
                try:
                    evaluation.send_back(
                        user,
                        sheet,
                        reason=back.cleaned_data["reason"],
                        version=back.cleaned_data["version"],
                    )
                except ERRORS as exc:
                    back.add_error(None, str(exc))
                else:
                    return _done(request, "评估表已退回", sheet.get_absolute_url())
        else:
            if not evaluation.can_fill(user, sheet) and not user.is_superuser:
                raise PermissionDenied("评估表由第三方评估人员填写，公开办和各单位不能代为评分。")
            if scores.is_valid():
                data = scores.cleaned_data
                given = [
                    evaluation.RowScore(
                        row.pk,
                        data.get(f"score_{row.pk}"),
                        data.get(f"evidence_{row.pk}") or "",
                        data.get(f"note_{row.pk}") or "",
                    )
                    for row in rows
                ]
                try:
                    sheet = evaluation.fill(user, sheet, given, version=data["version"])
                    if action == "submit":
                        evaluation.submit(user, sheet)
                except ERRORS as exc:
                    scores.add_error(None, str(exc))
                else:
                    done = "评估表已提交" if action == "submit" else "评分已保存"
                    return _done(request, done, sheet.get_absolute_url())
    row_fields = [
        (row, [scores[f"{name}_{row.pk}"] for name in ("score", "evidence", "note")])
        for row in rows
    ]
    context = {
        "sheet": sheet,
        "rows": row_fields,
        "scores": scores,
        "back": back,
        "total": evaluation.total_score(sheet),
        "full": sum((r.weight for r in rows), start=0),
        "can_fill": evaluation.can_fill(user, sheet),
        "can_return": evaluation.can_manage(user, sheet.site) and sheet.state == "submitted",
    }
    return render(request, "oversight/evaluation_sheet.html", context)


@staff_required
def evaluation_export(request: HttpRequest) -> HttpResponse:
    site = _require_reader(request)
    year = request.GET.get("year")
    year = int(year) if year and year.isdigit() else None
    data = evaluation.export_results(request.user, site, year)
    return officialdoc.download(data, f"{site.name}第三方评估结果.xlsx")
