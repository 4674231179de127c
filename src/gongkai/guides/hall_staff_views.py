"""Staff pages of the service hall under /staff/services/hall/: windows and the business each
accepts, the certificate library and the materials it replaces, and the import of the
acceptance system's monthly statistics. Only the office admin (windows.HALL_ROLES) of a site
sees them; the services check the actor again."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from gongkai.core import permissions
from gongkai.core.views import staff_required

from . import cases, certificates, windows
from .hall_forms import CaseImportForm, CertificateForm, WindowForm
from .models import CaseStatistic, CertificateType, Window

DENIED = "只有公开办管理员可以管理综合窗口、一库共享和办件统计。"


def _hall_site(request):
    """The staff member's site, when they manage its hall; else 403."""
    site = permissions.staff_site(request)
    if site is None or not permissions.can_act_on_site(request.user, site, windows.HALL_ROLES):
        raise permissions.PermissionDenied(DENIED)
    return site


def _window(request, pk) -> Window:
    return get_object_or_404(
        Window.objects.filter(site__in=windows.admin_sites(request.user)), pk=pk
    )


def _certificate(request, pk) -> CertificateType:
    return get_object_or_404(
        CertificateType.objects.filter(site__in=windows.admin_sites(request.user)), pk=pk
    )


@staff_required
def window_list(request: HttpRequest) -> HttpResponse:
    site = _hall_site(request)
    form = WindowForm(request.POST or None, site=site)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        items = data.pop("items")
        try:
            window = windows.save_window(request.user, site, data, items)
        except windows.WindowError as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, f"已新增窗口 {window}。")
            return redirect("guides_staff:hall_windows")
    rows = Window.objects.filter(site=site).prefetch_related("items").order_by("number")
    return render(
        request,
        "guides/hall_staff_windows.html",
        {"windows": rows, "form": form, "counts": windows.window_counts(site)},
        status=400 if request.method == "POST" else 200,
    )


@staff_required
def window_edit(request: HttpRequest, pk: int) -> HttpResponse:
    window = _window(request, pk)
    form = WindowForm(request.POST or None, instance=window, site=window.site)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        items = data.pop("items")
        try:
            windows.save_window(request.user, window.site, data, items, window=window)
        except windows.WindowError as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, f"已保存窗口 {window}。")
            return redirect("guides_staff:hall_windows")
    return render(
        request,
        "guides/hall_staff_window.html",
        {"window": window, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@staff_required
@require_POST
def window_delete(request: HttpRequest, pk: int) -> HttpResponse:
    window = _window(request, pk)
    try:
        windows.delete_window(request.user, window)
    except windows.WindowError as exc:
        flash.error(request, str(exc))
        return redirect("guides_staff:hall_window", pk=pk)
    flash.success(request, "已删除窗口。")
    return redirect("guides_staff:hall_windows")


@staff_required
def certificate_list(request: HttpRequest) -> HttpResponse:
    site = _hall_site(request)
    form = CertificateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            certificate = certificates.save_certificate(request.user, site, form.cleaned_data)
        except certificates.CertificateError as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, f"已新增“{certificate.name}”。")
            return redirect("guides_staff:hall_certificate", pk=certificate.pk)
    return render(
        request,
        "guides/hall_staff_certificates.html",
        {
            "entries": certificates.library(site).order_by("kind", "name"),
            "form": form,
            "counts": certificates.library_counts(site),
        },
        status=400 if request.method == "POST" else 200,
    )


@staff_required
def certificate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The entry's fields, and (action=materials) the materials it replaces, by name."""
    certificate = _certificate(request, pk)
    form = CertificateForm(
        request.POST if request.POST.get("action") != "materials" else None, instance=certificate
    )
    if request.method == "POST" and request.POST.get("action") == "materials":
        changed = certificates.assign_materials(
            request.user, certificate, request.POST.getlist("materials")
        )
        flash.success(request, f"已更新替代的申请材料（{changed} 项变更）。")
        return redirect("guides_staff:hall_certificate", pk=pk)
    if request.method == "POST" and form.is_valid():
        try:
            certificates.save_certificate(
                request.user, certificate.site, form.cleaned_data, certificate=certificate
            )
        except certificates.CertificateError as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, "已保存。")
            return redirect("guides_staff:hall_certificate", pk=pk)
    names = certificates.material_names(certificate.site)
    return render(
        request,
        "guides/hall_staff_certificate.html",
        {"certificate": certificate, "form": form, "material_names": names},
        status=400 if request.method == "POST" else 200,
    )


@staff_required
@require_POST
def certificate_delete(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = _certificate(request, pk)
    try:
        certificates.delete_certificate(request.user, certificate)
    except certificates.CertificateError as exc:
        flash.error(request, str(exc))
        return redirect("guides_staff:hall_certificate", pk=pk)
    flash.success(request, "已删除。")
    return redirect("guides_staff:hall_certificates")


@staff_required
def statistics(request: HttpRequest) -> HttpResponse:
    """办件统计: the latest months, and the import of the acceptance system's sheet."""
    site = _hall_site(request)
    form = CaseImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = cases.import_xlsx(
                request.user, site, upload.name, upload.read(cases.MAX_BYTES + 1)
            )
        except cases.CaseImportError as exc:
            errors = exc.errors
        else:
            flash.success(
                request,
                f"已导入 {result.total} 条（新增 {result.created}，更新 {result.updated}，"
                f"未变 {result.unchanged}），月份：{'、'.join(result.months)}。",
            )
            return redirect("guides_staff:hall_statistics")
    recent = (
        CaseStatistic.objects.filter(site=site)
        .select_related("item", "window")
        .order_by("-month", "item__code", "window__number")[:50]
    )
    return render(
        request,
        "guides/hall_staff_statistics.html",
        {
            "form": form,
            "errors": errors,
            "recent": recent,
            "latest": cases.latest_month(site),
        },
        status=400 if request.method == "POST" else 200,
    )


@staff_required
def statistics_template(request: HttpRequest) -> HttpResponse:
    _hall_site(request)
    response = HttpResponse(
        cases.template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''case-statistics.xlsx"
    return response


def workbench_panel(request):
    """办事大厅 on the office admin's workbench: the figures and the latest statistics month."""
    site = permissions.staff_site(request) if request.user.is_authenticated else None
    if site is None or not permissions.can_act_on_site(request.user, site, windows.HALL_ROLES):
        return None
    return (
        "guides/hall_staff_panel.html",
        {
            "windows": windows.window_counts(site),
            "latest": cases.latest_month(site),
        },
    )
