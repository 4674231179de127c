"""Staff pages of fund supervision (/staff/participation/funds/): the supervisor's staff
record disbursements and publish reports, the administering organisation responds to
findings, the office admin registers funds and assigns supervisors. Views only shape the
request; participation.funds checks the actor again and decides."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from gongkai.core import permissions
from gongkai.core.views import staff_required

from . import fund_forms as forms
from . import funds as rules
from .models import Disbursement, RectificationStatus, SupervisionFinding, SupervisionReport


def _fund(request, pk):
    return get_object_or_404(
        rules.visible_to_staff(request.user).select_related(
            "site", "supervisor", "administering_organisation"
        ),
        pk=pk,
    )


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    site = permissions.staff_site(request)
    is_office = site is not None and permissions.allows(user, site, rules.OFFICE_ROLES)
    funds = rules.visible_to_staff(user).select_related("supervisor", "administering_organisation")
    rows = [
        {
            "fund": f,
            "totals": rules.totals(f),
            "supervises": rules.can_supervise(user, f),
            "administers": rules.can_respond(user, f),
            "awaiting": rules.awaiting_response(type(f).objects.filter(pk=f.pk)).count(),
        }
        for f in funds
    ]
    return render(
        request, "participation/funds/staff/index.html", {"rows": rows, "is_office": is_office}
    )


@staff_required
def create(request: HttpRequest) -> HttpResponse:
    site = permissions.staff_site(request)
    permissions.require(request.user, "登记监管资金", site, rules.OFFICE_ROLES)
    form = forms.FundForm(request.POST or None, site=site)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                fund = rules.create_fund(request.user, site, **form.cleaned_data)
            except rules.RuleError as exc:
                form.add_error(None, str(exc))
            else:
                flash.success(request, "已登记监管资金。")
                return redirect("funds_staff:fund", pk=fund.pk)
        status = 400
    return render(request, "participation/funds/staff/create.html", {"form": form}, status=status)


def _correction_form(request, fund):
    """The disbursement form, filled from an entry when the supervisor chose to correct it."""
    old = fund.disbursements.filter(pk=request.GET.get("correct") or 0).first()
    if old is None:
        return forms.DisbursementForm(prefix="d")
    fields = ("paid_on", "amount", "purpose", "recipient_category", "area", "recipient")
    initial = {f: getattr(old, f) for f in fields}
    initial.update(recipients_count=old.recipients_count, corrects=old.pk)
    return forms.DisbursementForm(prefix="d", initial=initial)


def _report_correction_form(request, fund):
    """The report form, filled from a standing report when the supervisor chose to correct it
    (the PDF must be uploaded again: a correction is a whole new report)."""
    old = fund.reports.filter(pk=request.GET.get("correct_report") or 0).first()
    if old is None:
        return forms.ReportForm(prefix="r")
    initial = {
        "title": old.title,
        "period_start": old.period_start,
        "period_end": old.period_end,
        "summary": old.summary,
        "findings": "\n".join(f.text for f in old.findings.all()),
        "corrects": old.pk,
    }
    return forms.ReportForm(prefix="r", initial=initial)


def _page(request, fund, status=200, **overrides):
    user = request.user
    context = {
        "fund": fund,
        "totals": rules.totals(fund),
        "disbursements": fund.disbursements.select_related("corrects").order_by("-paid_on", "-id")[
            :50
        ],
        "reports": [
            (r, hasattr(r, "correction"))
            for r in fund.reports.select_related("corrects", "correction").prefetch_related(
                "findings__responses__organisation", "findings__reviews"
            )
        ],
        "statuses": RectificationStatus.choices,
        "supervises": rules.can_supervise(user, fund),
        "administers": rules.can_respond(user, fund),
        "is_office": permissions.allows(user, fund.site, rules.OFFICE_ROLES),
        "disbursement_form": _correction_form(request, fund),
        "report_form": _report_correction_form(request, fund),
        "assign_form": forms.AssignForm(
            site=fund.site, prefix="a", initial={"supervisor": fund.supervisor_id}
        ),
        "respond": rules.can_respond(user, fund),
        "error": "",
        **overrides,
    }
    return render(request, "participation/funds/staff/fund.html", context, status=status)


@staff_required
def fund(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _fund(request, pk))


@staff_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    fund = _fund(request, pk)
    form = forms.AssignForm(request.POST, site=fund.site, prefix="a")
    if form.is_valid():
        try:
            rules.assign_supervisor(request.user, fund, form.cleaned_data["supervisor"])
        except rules.RuleError as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, "已指定监管机构。")
            return redirect("funds_staff:fund", pk=fund.pk)
    else:
        permissions.require(request.user, "指定监管机构", fund.site, rules.OFFICE_ROLES)
    return _page(request, fund, 400, assign_form=form)


@staff_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    fund = _fund(request, pk)
    rules.set_published(request.user, fund, request.POST.get("published") == "1")
    flash.success(request, "已更新公开状态。")
    return redirect("funds_staff:fund", pk=fund.pk)


def _corrects(model, fund, value):
    if not value:
        return None
    return model.objects.filter(fund=fund, pk=value).first() or value


@staff_required
@require_POST
def disburse(request: HttpRequest, pk: int) -> HttpResponse:
    fund = _fund(request, pk)
    form = forms.DisbursementForm(request.POST, prefix="d")
    if not form.is_valid():
        # the refusal comes first: someone who may not record learns that, not a form error
        permissions.require(request.user, "登记资金拨付", fund.supervisor, rules.SUPERVISOR_ROLES)
        return _page(request, fund, 400, disbursement_form=form)
    data = dict(form.cleaned_data)
    data["corrects"] = _corrects(Disbursement, fund, data.get("corrects"))
    try:
        rules.record_disbursement(request.user, fund, **data)
    except rules.RuleError as exc:
        form.add_error(None, str(exc))
        return _page(request, fund, 400, disbursement_form=form)
    flash.success(request, "已登记拨付记录，并在网站公开。")
    return redirect("funds_staff:fund", pk=fund.pk)


@staff_required
@require_POST
def report(request: HttpRequest, pk: int) -> HttpResponse:
    fund = _fund(request, pk)
    form = forms.ReportForm(request.POST, request.FILES, prefix="r")
    if not form.is_valid():
        permissions.require(request.user, "发布监管报告", fund.supervisor, rules.SUPERVISOR_ROLES)
        return _page(request, fund, 400, report_form=form)
    data = form.cleaned_data
    upload = data["file"]
    try:
        rules.publish_report(
            request.user,
            fund,
            title=data["title"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            summary=data["summary"],
            findings=form.finding_list(),
            file_name=upload.name,
            data=upload.read(),
            corrects=_corrects(SupervisionReport, fund, data.get("corrects")),
            correction_reason=data.get("correction_reason", ""),
        )
    except rules.RuleError as exc:
        form.add_error(None, str(exc))
        return _page(request, fund, 400, report_form=form)
    flash.success(request, "监管报告已发布。")
    return redirect("funds_staff:fund", pk=fund.pk)


@staff_required
@require_POST
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_object_or_404(
        SupervisionFinding.objects.select_related("report__fund").filter(
            report__fund__in=rules.visible_to_staff(request.user)
        ),
        pk=pk,
    )
    fund = finding.report.fund
    form = forms.ResponseForm(request.POST)
    if form.is_valid():
        try:
            rules.respond(request.user, finding, form.cleaned_data["text"])
        except rules.RuleError as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, "已发布回应。")
            return redirect("funds_staff:fund", pk=fund.pk)
    else:
        permissions.require(
            request.user,
            "回应监管发现的问题",
            fund.administering_organisation,
            rules.RESPONDER_ROLES,
        )
    errors = [str(e) for e in form.non_field_errors()] + [
        str(e) for e in form.errors.get("text", [])
    ]
    return _page(request, fund, 400, error="回应未发布：" + "；".join(errors))


@staff_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_object_or_404(
        SupervisionFinding.objects.select_related("report__fund").filter(
            report__fund__in=rules.visible_to_staff(request.user)
        ),
        pk=pk,
    )
    fund = finding.report.fund
    try:
        rules.review_finding(
            request.user, finding, request.POST.get("status", ""), request.POST.get("note", "")
        )
    except rules.RuleError as exc:
        return _page(request, fund, 400, error=f"整改状态未保存：{exc}")
    flash.success(request, "已记录整改核实情况。")
    return redirect("funds_staff:fund", pk=fund.pk)


def workbench_panel(request):
    """监管发现待回应: for the administering organisation's staff, findings not yet answered."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    findings = list(rules.awaiting_response(rules.administered_by(user))[:10])
    if not findings:
        return None
    return ("participation/funds/staff/panel.html", {"findings": findings})
