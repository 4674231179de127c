"""Staff pages of the catalogue: office admins maintain the standard (import with preview,
edit, move, assign, publish, compare); every agency sees its own duties. Views stay thin: the
rules are in services.py and io/."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gongkai.core import permissions
from gongkai.core.audit import record_event
from gongkai.core.models import AuditEventType
from gongkai.core.versioning import VersionConflict, VersionForm, model_values
from gongkai.core.views import staff_required

from . import services
from .forms import AssignForm, ImportForm, ItemForm, MoveForm, PublishForm
from .io.dump import dump_catalogue
from .io.errors import CatalogueFileError
from .io.exporter import export_xlsx_bytes
from .io.importer import CatalogueImporter
from .io.readers import read_bytes, sniff
from .models import CatalogueChange, CatalogueItem, CatalogueVersion, Domain
from .services import domain_counts, is_catalogue_admin

SESSION_KEY = "catalogue_import"


def _site(request):
    site = permissions.staff_site(request)
    if site is None:
        raise PermissionDenied("您在任何站点都没有岗位。")
    return site


def _admin_site(request):
    site = _site(request)
    services.require_admin(request.user, site)
    return site


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    domains = Domain.objects.filter(site=site).order_by("sort_order", "id")
    counts = {c["id"]: c for c in domain_counts(dump_catalogue(site, with_ids=True))}
    context = {
        "domains": [(d, counts.get(d.pk, {})) for d in domains],
        "admin": is_catalogue_admin(request.user, site),
        "version": services.latest_version(site),
        "pending": services.pending_changes(site).count(),
        "site": site,
    }
    return render(request, "catalogue/staff/index.html", context)


@staff_required
def domain_tree(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site(request)
    domain = get_object_or_404(Domain, pk=pk, site=site)
    items = (
        CatalogueItem.objects.filter(domain=domain)
        .order_by("path")
        .prefetch_related("organisations")
    )
    return render(
        request,
        "catalogue/staff/domain.html",
        {"domain": domain, "items": items, "admin": is_catalogue_admin(request.user, site)},
    )


def _item(request, pk: int) -> CatalogueItem:
    site = _site(request)
    return get_object_or_404(
        CatalogueItem.objects.select_related("domain", "site"), pk=pk, site=site
    )


@staff_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    allowed, why = services.can_edit_item(request.user, item)

    def item_form(data):
        instance = CatalogueItem.objects.get(pk=item.pk)
        return ItemForm(data, instance=instance, site=item.site, versioned=True)

    form = item_form(request.POST or None)
    form.load(item.version, model_values(item, services.EDIT_COMPARE))
    conflict = None
    if request.method == "POST":
        if not allowed:
            return render(
                request, "catalogue/staff/locked.html", {"item": item, "why": why}, status=403
            )
        if form.is_valid():
            data = {
                f: form.cleaned_data[f]
                for f in form.cleaned_data
                if f not in ("reason", "channels", *VersionForm.VERSION_KEYS)
            }
            version, base = form.version_data()
            try:
                services.update_item(
                    item,
                    data,
                    form.cleaned_data["channels"],
                    form.cleaned_data["reason"],
                    request.user,
                    version=version,
                    base=base,
                )
            except VersionConflict as exc:
                # Nothing was saved; the user's input stays in the form beside the differences.
                conflict = exc
                form = item_form(VersionForm.after_conflict(request.POST, exc))
            except (PermissionDenied, ValidationError) as exc:
                form.add_error(None, _message(exc))
            else:
                messages.success(request, f"已保存“{item.name}”。")
                return redirect("catalogue_staff:domain", pk=item.domain_id)
    return render(
        request,
        "catalogue/staff/item_form.html",
        {"form": form, "item": item, "allowed": allowed, "why": why, "conflict": conflict},
        status=409 if conflict else 200,
    )


@staff_required
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    site = _admin_site(request)
    domain = get_object_or_404(Domain, pk=pk, site=site)
    parent = None
    if request.GET.get("parent") or request.POST.get("parent"):
        parent = get_object_or_404(
            CatalogueItem, pk=request.GET.get("parent") or request.POST.get("parent"), domain=domain
        )
    form = ItemForm(request.POST or None, site=site)
    if request.method == "POST" and form.is_valid():
        data = {
            f: form.cleaned_data[f] for f in form.cleaned_data if f not in ("reason", "channels")
        }
        try:
            item = services.add_item(
                site,
                domain,
                parent,
                data,
                form.cleaned_data["channels"],
                None,
                form.cleaned_data["reason"],
                request.user,
            )
        except (PermissionDenied, ValidationError) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, f"已新增“{item.name}”。")
            return redirect("catalogue_staff:domain", pk=domain.pk)
    return render(
        request,
        "catalogue/staff/item_form.html",
        {"form": form, "domain": domain, "parent": parent, "allowed": True},
    )


@staff_required
def item_move(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    services.require_admin(request.user, item.site)
    form = MoveForm(request.POST or None, item=item)
    if item.is_official:
        return render(
            request,
            "catalogue/staff/locked.html",
            {"item": item, "why": services.LOCKED_MESSAGE},
            status=403 if request.method == "POST" else 200,
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.move_item(
                item,
                form.cleaned_data["direction"],
                form.cleaned_data["reason"],
                request.user,
                form.cleaned_data.get("target"),
            )
        except (PermissionDenied, ValidationError) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, f"已移动“{item.name}”。")
            return redirect("catalogue_staff:domain", pk=item.domain_id)
    return render(
        request,
        "catalogue/staff/simple_form.html",
        {"form": form, "item": item, "title": f"移动：{item.name}"},
    )


@staff_required
def item_assign(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    services.require_admin(request.user, item.site)
    initial = {"organisations": list(item.organisations.all())}
    form = AssignForm(request.POST or None, initial=initial, site=item.site)
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_organisations(
                item, form.cleaned_data["organisations"], form.cleaned_data["reason"], request.user
            )
        except (PermissionDenied, ValidationError) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, f"已调整“{item.name}”的公开主体。")
            return redirect("catalogue_staff:domain", pk=item.domain_id)
    return render(
        request,
        "catalogue/staff/simple_form.html",
        {"form": form, "item": item, "title": f"指定公开主体：{item.name}"},
    )


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc) or "没有权限。"


# --------------------------------------------------------------------------- import / export


def _upload_dir() -> Path:
    path = Path(settings.VAR_DIR) / "catalogue-uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


@staff_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload → preview (nothing saved) → confirm."""
    site = _admin_site(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data, name = read_bytes(upload)
            sniff(data)
        except CatalogueFileError as exc:
            form.add_error("file", str(exc))
            return render(request, "catalogue/staff/import.html", {"form": form})
        token = secrets.token_hex(16)
        (_upload_dir() / f"{token}.bin").write_bytes(data)
        request.session[SESSION_KEY] = {
            "token": token,
            "name": name,
            "site": site.pk,
            "domain": form.cleaned_data["domain"],
            "official": form.cleaned_data["official"],
            "reason": form.cleaned_data["reason"],
        }
        return redirect("catalogue_staff:import_preview")
    return render(request, "catalogue/staff/import.html", {"form": form})


def _pending_upload(request, site):
    pending = request.session.get(SESSION_KEY)
    if not pending or pending.get("site") != site.pk:
        raise Http404("没有待确认的导入文件")
    path = _upload_dir() / f"{pending['token']}.bin"
    if not path.is_file():
        raise Http404("导入文件已过期，请重新上传")
    return pending, path


def _importer(request, site, pending, path):
    importer = CatalogueImporter(
        site,
        domain=pending["domain"],
        official=pending["official"],
        actor=request.user,
        reason=pending["reason"],
    )
    source = _Named(path.read_bytes(), pending["name"])
    return importer, source


class _Named:
    def __init__(self, data: bytes, name: str):
        self._data, self.name = data, name

    def read(self, size=-1):
        return self._data


@staff_required
def import_preview(request: HttpRequest) -> HttpResponse:
    site = _admin_site(request)
    pending, path = _pending_upload(request, site)
    importer, source = _importer(request, site, pending, path)
    context = {"pending": pending}
    try:
        plans = importer.read(source)
        summary = importer.apply(plans, dry_run=True)
        context["summary"] = summary
        context["plans"] = [
            {
                "name": plan.name,
                "rows": [
                    (row, summary.row_status.get((plan.name, tuple(row.names)), "unchanged"))
                    for table in plan.tables
                    for row in table.rows
                ],
            }
            for plan in plans
        ]
    except CatalogueFileError as exc:
        context["error"] = exc
    return render(request, "catalogue/staff/import_preview.html", context)


@staff_required
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    site = _admin_site(request)
    pending, path = _pending_upload(request, site)
    importer, source = _importer(request, site, pending, path)
    try:
        summary = importer.apply(importer.read(source), retire=request.POST.get("retire") == "1")
    except CatalogueFileError as exc:
        messages.error(request, str(exc))
        return redirect("catalogue_staff:import_preview")
    path.unlink(missing_ok=True)
    request.session.pop(SESSION_KEY, None)
    messages.success(request, summary.line())
    return redirect("catalogue_staff:index")


@staff_required
def export(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    domain = None
    if request.GET.get("domain"):
        domain = get_object_or_404(Domain, pk=request.GET["domain"], site=site)
    data = export_xlsx_bytes(site, domain)
    record_event(
        AuditEventType.EXPORTED,
        actor=request.user,
        site=site,
        message=f"导出标准目录{f'（{domain.name}）' if domain else ''}",
    )
    filename = f"{site.slug}-catalogue{'-' + str(domain.pk) if domain else ''}.xlsx"
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --------------------------------------------------------------------------- lists


@staff_required
def deadlines(request: HttpRequest) -> HttpResponse:
    site = _admin_site(request)
    return render(
        request, "catalogue/staff/deadlines.html", {"items": services.unparsed_deadlines(site)}
    )


@staff_required
def duties(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    return render(
        request,
        "catalogue/staff/duties.html",
        {"items": services.duties_for(request.user, site), "site": site},
    )


@staff_required
def versions(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    admin = is_catalogue_admin(request.user, site)
    form = PublishForm(request.POST or None)
    if request.method == "POST":
        services.require_admin(request.user, site)
        if form.is_valid():
            version = services.publish_version(site, request.user, form.cleaned_data["note"])
            messages.success(request, f"已发布标准目录第{version.number}版。")
            return redirect("catalogue_staff:versions")
    context = {
        "form": form,
        "admin": admin,
        "versions": CatalogueVersion.objects.filter(site=site).defer("snapshot"),
        "changes": CatalogueChange.objects.filter(site=site).select_related("version")[:100],
        "pending": services.pending_changes(site).count(),
    }
    return render(request, "catalogue/staff/versions.html", context)


@staff_required
def compare(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    all_versions = list(CatalogueVersion.objects.filter(site=site).defer("snapshot"))
    a, b = request.GET.get("a"), request.GET.get("b") or "current"

    def snapshot(value):
        if value == "current":
            return "当前目录（未发布）", dump_catalogue(site, with_ids=True)
        version = get_object_or_404(CatalogueVersion, site=site, number=value)
        return f"第{version.number}版", version.snapshot

    context = {"versions": all_versions, "a": a, "b": b}
    if a:
        if not (a.isdigit() or a == "current") or not (b.isdigit() or b == "current"):
            raise Http404
        (label_a, old), (label_b, new) = snapshot(a), snapshot(b)
        context.update(label_a=label_a, label_b=label_b, diff=services.compare_snapshots(old, new))
    return render(request, "catalogue/staff/compare.html", context)


def export_url(domain=None) -> str:
    url = reverse("catalogue_staff:export")
    return f"{url}?domain={domain.pk}" if domain else url
