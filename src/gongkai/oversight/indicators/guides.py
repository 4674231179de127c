"""办事服务 indicators from the guides domain (website-indicators.md, 国办秘函〔2019〕19号):

- a published guide in force missing a key element (item name, legal basis, conditions,
  materials, procedure, time limit, fees, place, contact; guides.rules.missing_elements) makes
  the services "not usable": a veto item;
- service statistics (办件公示) not updated within 3 months: −2, with a warning in the month
  before (guides.cases.update_due says when).

Read-only: guides never imports oversight."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from gongkai.guides import cases, rules
from gongkai.guides.models import Material, ServiceItem

from ..checks import FindingDraft, register_check
from ..models import Severity
from . import GUIDE_ELEMENTS, POINTS, SERVICE_STATISTICS, warning_window


def check_guide_elements(site, today: date | None = None):
    """Every guide the public sees today is checked, not drafts: a draft cannot be published
    incomplete (guides' own rule), but a guide published before a rule tightened can."""
    today = today or timezone.localdate()
    guides = (
        rules.guides_in_force(ServiceItem.objects.filter(site=site), on=today)
        .select_related("item__organisation")
        .prefetch_related(
            "conditions",
            "steps",
            "windows",
            Prefetch("materials", queryset=Material.objects.select_related("certificate")),
        )
        .order_by("item__code")
    )
    for guide in guides:
        missing = rules.missing_elements(guide)
        if not missing:
            continue
        item = guide.item
        yield FindingDraft(
            key=f"guide:{item.code}",
            title=f"{item.name}的办事指南缺少{'、'.join(missing)}",
            severity=Severity.VETO,
            organisation=item.organisation,
            item_url=reverse("guides:item", args=[item.code]),
            detail=(
                f"现行第 {guide.number} 版（{guide.effective_from:%Y-%m-%d} 起施行）。办事指南缺少"
                "事项名称、设定依据、受理条件、申请材料、办理流程、办结时限、收费标准、办理地点、"
                "咨询方式等要素，属于网站检查的单项否决项（办事服务不可用）。"
            ),
        )


def check_case_statistics(site, today: date | None = None):
    today = today or timezone.localdate()
    url = reverse("guides_staff:hall_statistics")
    latest = cases.latest_month(site)
    if latest is None:
        if rules.guides_in_force(ServiceItem.objects.filter(site=site), on=today).exists():
            yield FindingDraft(
                key="cases:stale",
                title="尚未公开办件统计（办件公示）",
                severity=Severity.DEDUCTION,
                points=POINTS[SERVICE_STATISTICS],
                item_url=url,
                detail="本站已公开办事指南，但没有任何月份的办件统计；请导入一窗受理系统的统计。",
            )
        return
    due = cases.update_due(latest)
    if today >= due:
        yield FindingDraft(
            key="cases:stale",
            title=f"办件统计超过 {cases.UPDATE_MONTHS} 个月未更新（最近月份 {latest:%Y-%m}）",
            severity=Severity.DEDUCTION,
            points=POINTS[SERVICE_STATISTICS],
            item_url=url,
            due_on=due,
            detail="服务统计 3 个月内未更新，网站检查扣 2 分（办事服务）。",
        )
    elif (due - today).days <= warning_window(90):
        yield FindingDraft(
            key="cases:stale",
            title=f"办件统计 {(due - today).days} 天后将满 {cases.UPDATE_MONTHS} 个月未更新"
            f"（最近月份 {latest:%Y-%m}）",
            severity=Severity.WARNING,
            item_url=url,
            due_on=due,
        )


def register() -> None:
    register_check(
        "guide_elements",
        check_guide_elements,
        indicator=GUIDE_ELEMENTS,
        description="现行办事指南缺少事项名称、依据、条件、材料、流程、时限、收费、地点、咨询方式等要素",
        order=70,
    )
    register_check(
        "case_statistics",
        check_case_statistics,
        indicator=SERVICE_STATISTICS,
        description="办件统计（服务统计）3 个月内未更新",
        order=71,
    )
