"""/api/v1/sites/{site}/funds…: open data of third-party fund supervision (issue 14 point 9),
only published funds, with their disbursements (recipients masked or counted, as on the
public page) and reports. Amounts are exact decimals written as strings ("1234.50"), never
floats, so a sum read back equals the published total to the fen."""

from __future__ import annotations

import io
import json

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router

from gongkai.core.exports import SafeCsvWriter
from gongkai.core.models import Site

from . import funds as rules
from .models import Disbursement, SupervisionReport

router = Router(tags=["公众参与"])

FUND_COLUMNS = [
    ("id", "编号"),
    ("name", "资金名称"),
    ("kind", "资金类别"),
    ("administering_organisation", "资金管理单位"),
    ("supervisor", "第三方监管机构"),
    ("period_start", "使用期间起"),
    ("period_end", "使用期间止"),
    ("allocated", "资金总额（元）"),
    ("disbursed", "已拨付（元）"),
    ("balance", "结余（元）"),
    ("url", "页面地址"),
]
DISBURSEMENT_COLUMNS = [
    ("serial", "记录编号"),
    ("fund_id", "资金编号"),
    ("paid_on", "拨付日期"),
    ("amount", "金额（元）"),
    ("purpose", "用途"),
    ("recipient_category", "收款对象类别"),
    ("area", "地区"),
    ("recipient", "收款对象"),
    ("recipients_count", "受益户数"),
    ("status", "状态"),
    ("corrects", "更正的记录"),
    ("correction_reason", "更正原因"),
]
REPORT_COLUMNS = [
    ("id", "报告编号"),
    ("fund_id", "资金编号"),
    ("title", "报告标题"),
    ("period_start", "监管期间起"),
    ("period_end", "监管期间止"),
    ("published_at", "发布时间"),
    ("status", "状态"),
    ("corrects", "更正的报告"),
    ("findings", "发现问题数"),
    ("responded", "已回应问题数"),
    ("file_url", "报告文件"),
]


def _site(slug: str) -> Site:
    return get_object_or_404(Site, slug=slug)


def fund_rows(site: Site) -> list[dict]:
    rows = []
    for fund in rules.public_funds(site).order_by("id"):
        t = rules.totals(fund)
        rows.append(
            {
                "id": fund.pk,
                "name": fund.name,
                "kind": fund.get_kind_display(),
                "administering_organisation": fund.administering_organisation.name,
                "supervisor": fund.supervisor.name,
                "period_start": fund.period_start.isoformat(),
                "period_end": fund.period_end.isoformat(),
                "allocated": str(t.allocated),
                "disbursed": str(t.disbursed),
                "balance": str(t.balance),
                "url": reverse("funds:detail", args=[fund.pk]),
            }
        )
    return rows


def disbursement_rows(site: Site) -> list[dict]:
    entries = (
        Disbursement.objects.filter(fund__in=rules.public_funds(site))
        .select_related("corrects", "correction")
        .order_by("fund_id", "paid_on", "id")
    )
    return [
        {
            "serial": d.serial,
            "fund_id": d.fund_id,
            "paid_on": d.paid_on.isoformat(),
            "amount": str(d.amount),
            "purpose": rules.public_text(d.purpose),
            "recipient_category": d.get_recipient_category_display(),
            "area": d.area,
            "recipient": rules.public_recipient(d),
            "recipients_count": d.recipients_count,
            "status": "已更正" if hasattr(d, "correction") else "有效",
            "corrects": d.corrects.serial if d.corrects_id else "",
            "correction_reason": d.correction_reason,
        }
        for d in entries
    ]


def report_rows(site: Site) -> list[dict]:
    reports = (
        SupervisionReport.objects.filter(fund__in=rules.public_funds(site))
        .select_related("correction")
        .prefetch_related("findings__responses")
        .order_by("fund_id", "published_at", "id")
    )
    rows = []
    for r in reports:
        findings = list(r.findings.all())
        rows.append(
            {
                "id": r.pk,
                "fund_id": r.fund_id,
                "title": r.title,
                "period_start": r.period_start.isoformat(),
                "period_end": r.period_end.isoformat(),
                "published_at": r.published_at.isoformat(),
                "status": "已更正" if hasattr(r, "correction") else "有效",
                "corrects": r.corrects_id or "",
                "findings": len(findings),
                "responded": sum(1 for f in findings if f.responses.all()),
                "file_url": reverse("funds:report_file", args=[r.pk]),
            }
        )
    return rows


def _csv(rows: list[dict], columns, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # BOM: Excel and WPS open UTF-8 CSV correctly
    writer = SafeCsvWriter(buffer)
    writer.writerow([label for _key, label in columns])
    writer.writerows([[row[key] for key, _label in columns] for row in rows])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _json(rows: list[dict]) -> HttpResponse:
    return HttpResponse(
        json.dumps(rows, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )


@router.get("/sites/{site}/funds.json", summary="第三方监管资金 JSON", response={200: str})
def funds_json(request, site: str):
    """已公开的监管资金，含资金总额、已拨付、结余（按有效拨付记录计算，精确到分）。"""
    return _json(fund_rows(_site(site)))


@router.get("/sites/{site}/funds.csv", summary="第三方监管资金 CSV", response={200: str})
def funds_csv(request, site: str):
    s = _site(site)
    return _csv(fund_rows(s), FUND_COLUMNS, f"{s.slug}-funds.csv")


@router.get(
    "/sites/{site}/fund-disbursements.json", summary="资金拨付记录 JSON", response={200: str}
)
def disbursements_json(request, site: str):
    """拨付记录（个人只公开户数或脱敏姓名）；被更正的记录保留并标注“已更正”。"""
    return _json(disbursement_rows(_site(site)))


@router.get("/sites/{site}/fund-disbursements.csv", summary="资金拨付记录 CSV", response={200: str})
def disbursements_csv(request, site: str):
    s = _site(site)
    return _csv(disbursement_rows(s), DISBURSEMENT_COLUMNS, f"{s.slug}-fund-disbursements.csv")


@router.get("/sites/{site}/fund-reports.json", summary="第三方监管报告 JSON", response={200: str})
def reports_json(request, site: str):
    return _json(report_rows(_site(site)))


@router.get("/sites/{site}/fund-reports.csv", summary="第三方监管报告 CSV", response={200: str})
def reports_csv(request, site: str):
    s = _site(site)
    return _csv(report_rows(s), REPORT_COLUMNS, f"{s.slug}-fund-reports.csv")
