"""Demo of third-party fund supervision for 迎江区: a relief and poverty-alleviation fund of
区民政局 supervised by 安庆某会计师事务所 (a third-party organisation with its own staff
account yj_supervisor), with disbursements and one published report, all recorded by the
supervisor's account through participation.funds. One finding is answered by 民政局, one
is left waiting, so 民政局's workbench shows it. Idempotent: an existing fund is left alone."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from gongkai.core.demo import DEMO_PASSWORD
from gongkai.core.models import (
    LegalType,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    Site,
    User,
)
from gongkai.core.permissions import SYSTEM

from . import funds
from .models import FundKind, RecipientCategory, SupervisedFund

FIRM = "安庆某会计师事务所"
FUND = "迎江区扶贫救灾资金（困难群众救助和防汛救灾）"
SUPERVISOR_USERNAME = "yj_supervisor"


def report_pdf(title: str, paragraphs: list[str]) -> bytes:
    """The report as a real PDF (the project's PDF helper), or a blank page without it."""
    from gongkai.core.pdf import PdfUnavailable, html_to_pdf

    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    try:
        return html_to_pdf(
            f"<html><head><meta charset='utf-8'></head><body><h1>{escape(title)}</h1>{body}"
            "</body></html>",
            "监管报告",
        )
    except PdfUnavailable:
        import io

        from pypdf import PdfWriter

        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()


def ensure_firm(site: Site) -> Organisation:
    firm = Organisation.objects.filter(site=site, name=FIRM).first()
    if firm is None:
        firm = Organisation.objects.add_root(
            {
                "site": site,
                "name": FIRM,
                "code": f"{site.slug}-tp-audit",
                "kind": OrganisationKind.THIRD_PARTY,
                "legal_type": LegalType.ENTERPRISE,
                "address": "安徽省安庆市迎江区",
                "duties": "受区政府委托，对扶贫、救灾等专项资金的拨付和使用实施第三方监管。",
            }
        )
    return firm


def ensure_supervisor(firm: Organisation) -> User:
    user = User.objects.filter(username=SUPERVISOR_USERNAME).first()
    if user is None:
        user = User.objects.create_user(
            SUPERVISOR_USERNAME,
            f"{SUPERVISOR_USERNAME}@example.com",
            None,
            display_name="会计师事务所监管员",
        )
        User.objects.filter(pk=user.pk).update(password=make_password(DEMO_PASSWORD))
        user.refresh_from_db()
    Membership.objects.get_or_create(user=user, organisation=firm, role=Role.EDITOR)
    return user


def load_funds_demo() -> list[str]:
    site = Site.objects.filter(slug="yingjiang").first()
    civil = Organisation.objects.filter(site=site, name="区民政局").first() if site else None
    if site is None or civil is None:
        return []
    if SupervisedFund.objects.filter(site=site, name=FUND).exists():
        return []
    today = timezone.localdate()
    start = date(today.year, 1, 1)
    with transaction.atomic():
        firm = ensure_firm(site)
        supervisor = ensure_supervisor(firm)
        fund = funds.create_fund(
            SYSTEM,
            site,
            name=FUND,
            kind=FundKind.RELIEF,
            administering_organisation=civil,
            supervisor=firm,
            total_amount=Decimal("1200000.00"),
            period_start=start,
            period_end=date(today.year, 12, 31),
            description="用于困难群众临时救助、受灾农户住房修缮和村级防汛设施修复。"
            "资金拨付由第三方监管机构逐笔核实后公开。",
        )
        plan = [
            (
                60,
                "250000.00",
                "受灾农户住房修缮补助",
                RecipientCategory.HOUSEHOLD,
                "新洲乡",
                "",
                50,
            ),
            (
                45,
                "180000.00",
                "防汛堤段修复",
                RecipientCategory.VILLAGE,
                "长风乡",
                "同乐村村民委员会",
                1,
            ),
            (30, "96500.50", "困难群众临时救助", RecipientCategory.HOUSEHOLD, "华中路街道", "", 83),
            (
                15,
                "12000.00",
                "特困人员临时救助",
                RecipientCategory.HOUSEHOLD,
                "新河路街道",
                "王秀兰",
                1,
            ),
        ]
        for days, amount, purpose, category, area, recipient, count in plan:
            funds.record_disbursement(
                supervisor,
                fund,
                paid_on=max(start, today - timedelta(days=days)),
                amount=amount,
                purpose=purpose,
                recipient_category=category,
                area=area,
                recipient=recipient,
                recipients_count=count,
            )
        title = f"{today.year}年上半年扶贫救灾资金第三方监管报告"
        findings = [
            "新洲乡2户受灾农户补助发放时间超过规定的15个工作日。",
            "长风乡防汛堤段修复项目验收资料不全，缺少竣工验收记录。",
        ]
        summary = "经抽查拨付凭证和入户核实，资金拨付总体规范，未发现截留挪用。发现问题2项，已反馈资金管理单位整改。"
        report = funds.publish_report(
            supervisor,
            fund,
            title=title,
            period_start=start,
            period_end=today,
            summary=summary,
            findings=findings,
            file_name="监管报告.pdf",
            data=report_pdf(title, [summary, *findings]),
        )
        funds.respond(
            SYSTEM,
            report.findings.get(number=1),
            "已督促新洲乡完成补助发放，并建立发放时限台账，每月核对。",
        )
    return [f"资金监管：{SUPERVISOR_USERNAME}（{FIRM}，第三方监管机构），密码同上"]
