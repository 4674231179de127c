"""Public pages of fund supervision (/participate/funds/): the site's supervised funds with
their computed totals, each fund's disbursements (paged), the supervisor's reports with their
files and the administering organisation's responses. Only what is published."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from . import funds as rules
from .models import SupervisionReport


def _site(request):
    if request.site is None:
        raise Http404
    return request.site


def public_disbursement(d) -> dict:
    """A disbursement as the public sees it: recipients counted or masked, never named."""
    return {
        "serial": d.serial,
        "paid_on": d.paid_on,
        "amount": d.amount,
        "purpose": rules.public_text(d.purpose),
        "category": d.get_recipient_category_display(),
        "area": d.area,
        "recipient": rules.public_recipient(d),
        "count": d.recipients_count,
        "corrected": d.is_corrected,
        "corrects": d.corrects.serial if d.corrects_id else "",
        "correction_reason": d.correction_reason,
    }


def fund_list(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    items = [(f, rules.totals(f)) for f in rules.public_funds(site)]
    return render(request, "participation/funds/list.html", {"items": items})


def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site(request)
    fund = get_object_or_404(rules.public_funds(site), pk=pk)
    entries = fund.disbursements.select_related("corrects", "correction").order_by(
        "-paid_on", "-id"
    )
    page = Paginator(entries, 20).get_page(request.GET.get("page"))
    rows = []
    for d in page:
        d.is_corrected = hasattr(d, "correction")
        rows.append(public_disbursement(d))
    reports = fund.reports.select_related("corrects").prefetch_related(
        "findings__responses__organisation", "findings__reviews"
    )
    report_rows = [(r, hasattr(r, "correction")) for r in reports]
    return render(
        request,
        "participation/funds/detail.html",
        {"fund": fund, "totals": rules.totals(fund), "page": page, "rows": rows,
         "reports": report_rows},
    )  # fmt: skip


def report_file(request: HttpRequest, pk: int) -> FileResponse:
    site = _site(request)
    report = get_object_or_404(
        SupervisionReport.objects.filter(fund__site=site, fund__published=True), pk=pk
    )
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=False, filename=report.file_name, content_type="application/pdf"
    )
