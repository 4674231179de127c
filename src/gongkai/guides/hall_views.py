"""Public pages of the service hall under /services/: which window takes what (综合窗口), the
shared certificate and data library (一库共享), the monthly case statistics (办件公示) and
the open data export. Views are thin: the figures come from guides.windows, .certificates,
.cases and .hsds."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import cases, certificates, hsds, windows
from .models import TrustLevel


def _site(request):
    if request.site is None:
        raise Http404
    return request.site


def window_list(request: HttpRequest) -> HttpResponse:
    """综合窗口: each open window, its hours and the business it accepts."""
    site = _site(request)
    return render(
        request,
        "guides/hall_windows.html",
        {"windows": windows.public_windows(site), "counts": windows.window_counts(site)},
    )


def certificate_list(request: HttpRequest) -> HttpResponse:
    """一库共享: the library with trust levels explained and how many items each serves."""
    site = _site(request)
    entries = list(certificates.library(site).order_by("kind", "trust_level", "name"))
    levels = [
        (TrustLevel(level).label, text) for level, text in certificates.LEVEL_EXPLAINED.items()
    ]
    return render(
        request,
        "guides/hall_certificates.html",
        {
            "certificate_entries": [e for e in entries if e.kind == "certificate"],
            "data_entries": [e for e in entries if e.kind == "data"],
            "levels": levels,
            "counts": certificates.library_counts(site),
        },
    )


def statistics(request: HttpRequest) -> HttpResponse:
    """办件公示: one month's table per item and window (the latest by default)."""
    site = _site(request)
    available = cases.months(site)
    month = cases.parse_month(request.GET.get("month", "")) if request.GET.get("month") else None
    if month is None or month not in available:
        month = available[0] if available else None
    return render(
        request,
        "guides/hall_statistics.html",
        {
            "months": available,
            "month": month,
            "rows": cases.monthly_rows(site, month) if month else [],
            "totals": cases.totals(site, month=month) if month else None,
        },
    )


def export_json(request: HttpRequest) -> HttpResponse:
    """The open data of the site's services, HSDS-style (guides.hsds)."""
    data = hsds.export(_site(request))
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="services.json"'
    return response
