"""Staff pages of the guides import/export and of the three lists. Every staff member of the
site sees the page and downloads the export; only the office admin uploads (the rule lives in
io.import_guides / lists.import_list, checked again there)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from gongkai.catalogue.models import ListedItem, ListType
from gongkai.core import permissions
from gongkai.core.audit import record_event
from gongkai.core.models import AuditEventType, Role
from gongkai.core.views import staff_required

from .io import MAX_BYTES, GuideFileError, export_guides, import_guides
from .lists import import_list, list_figures

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class GuidesImportForm(forms.Form):
    file = forms.FileField(
        label=_("办事指南表"), help_text=_(".xlsx，不超过 10 MB；格式同导出文件")
    )
    dry_run = forms.BooleanField(label=_("只检查，不保存"), required=False)


class ListImportForm(forms.Form):
    list_type = forms.ChoiceField(
        label=_("清单类型"),
        choices=[("", _("从文件标题识别")), *ListType.choices],
        required=False,
    )
    file = forms.FileField(label=_("清单文件"), help_text=_(".xlsx，按编办或改革办公布的原表上传"))
    dry_run = forms.BooleanField(label=_("只检查，不保存"), required=False)


def _site(request):
    site = permissions.staff_site(request)
    if site is None:
        raise PermissionDenied("您在任何站点都没有岗位。")
    return site


def _is_admin(request, site) -> bool:
    return permissions.can_act_on_site(request.user, site, (Role.OFFICE_ADMIN,))


def _upload(form, request, site, run):
    """Run an import from the form's file; (summary, error) for the page."""
    if not _is_admin(request, site):
        raise PermissionDenied("只有公开办管理员可以导入。")
    if not form.is_valid():
        return None, None
    upload = form.cleaned_data["file"]
    if upload.size > MAX_BYTES:
        form.add_error("file", "文件超过 10 MB，无法导入。")
        return None, None
    try:
        return run(upload.read(upload.size), upload.name), None
    except GuideFileError as exc:
        return None, exc


@staff_required
def import_guides_page(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    form = GuidesImportForm(request.POST or None, request.FILES or None)
    summary = error = None
    if request.method == "POST":
        summary, error = _upload(
            form,
            request,
            site,
            lambda data, name: import_guides(
                data, site, actor=request.user, dry_run=form.cleaned_data["dry_run"], name=name
            ),
        )
    context = {
        "site": site,
        "form": form,
        "summary": summary,
        "error": error,
        "admin": _is_admin(request, site),
    }
    return render(request, "guides/io_import.html", context, status=400 if error else 200)


@staff_required
@require_GET
def export_guides_file(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    data = export_guides(site)
    record_event(AuditEventType.EXPORTED, actor=request.user, site=site, message="导出办事指南")
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{site.slug}-guides.xlsx"'
    return response


@staff_required
def lists_page(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    form = ListImportForm(request.POST or None, request.FILES or None)
    summary = error = None
    if request.method == "POST":
        summary, error = _upload(
            form,
            request,
            site,
            lambda data, name: import_list(
                data,
                site,
                actor=request.user,
                list_type=form.cleaned_data["list_type"] or None,
                dry_run=form.cleaned_data["dry_run"],
                name=name,
            ),
        )
    counts = list_figures(site)
    context = {
        "site": site,
        "form": form,
        "summary": summary,
        "error": error,
        "admin": _is_admin(request, site),
        "figures": counts,
        "lists": [(label, counts.rows.get(value, 0)) for value, label in ListType.choices],
        "recent": ListedItem.objects.filter(site=site).order_by("list_type", "code")[:200],
    }
    return render(request, "guides/io_lists.html", context, status=400 if error else 200)
