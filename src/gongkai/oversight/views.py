"""公开年报: the public list by year with downloads, and the staff upload page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from gongkai.core import permissions
from gongkai.core.uploads import CONTENT_TYPES
from gongkai.core.views import staff_required

from . import services
from .annual import due_dates
from .forms import ReportUploadForm
from .models import AnnualReport, FileKind


def _site(request):
    if getattr(request, "site", None) is None:
        raise Http404("没有站点")
    return request.site


def reports(request: HttpRequest) -> HttpResponse:
    """政府信息公开年报 (《条例》第四十九条、第五十条), grouped by year."""
    site = _site(request)
    return render(request, "oversight/reports.html", {"years": services.reports_by_year(site)})


def download(request: HttpRequest, pk: int) -> FileResponse:
    report = get_object_or_404(
        AnnualReport.objects.select_related("organisation"), pk=pk, site=_site(request)
    )
    return FileResponse(
        report.file.open("rb"),
        as_attachment=report.file_kind != FileKind.PDF,
        filename=report.file_name,
        content_type=CONTENT_TYPES[report.file_kind],
    )


@staff_required
def staff_reports(request: HttpRequest) -> HttpResponse:
    site = permissions.staff_site(request)
    if site is None:
        raise PermissionDenied("您在任何站点都没有岗位。")
    organisations = services.uploadable_organisations(request.user, site)
    form = ReportUploadForm(
        request.POST or None, request.FILES or None, organisations=organisations
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > services.MAX_REPORT_BYTES:
            form.add_error("file", services.size_message(upload.name, upload.size))
        else:
            try:
                result = services.upload_report(
                    request.user,
                    organisation=form.cleaned_data["organisation"],
                    year=form.cleaned_data["year"],
                    name=upload.name,
                    data=upload.read(),
                )
            except services.ReportRejected as exc:
                form.add_error("file", str(exc))
            else:
                done = "已替换" if result.replaced else "已上传"
                messages.success(request, f"{result.report.title}{done}。")
                return redirect("oversight_staff:reports")
    context = {
        "site": site,
        "form": form,
        "can_upload": organisations.exists(),
        "years": services.reports_by_year(site),
    }
    return render(request, "oversight/staff/reports.html", context)


def workbench_panel(request):
    """公开年报 on the workbench, for those who may upload a report."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    site = permissions.staff_site(request)
    if site is None or not services.uploadable_organisations(user, site).exists():
        return None
    latest = AnnualReport.objects.filter(site=site).order_by("-year").first()
    due_year = services.last_reportable_year()
    return "oversight/staff/panel.html", {
        "site": site,
        "count": AnnualReport.objects.filter(site=site).count(),
        "latest_year": latest.year if latest else None,
        "due_year": due_year,
        "due": due_dates(due_year),
    }
