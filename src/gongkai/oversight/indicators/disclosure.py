"""The openness guide and the catalogue kept current (《政府信息公开条例》第十二条: 政府信息
公开指南和政府信息公开目录应当"及时更新"; 第五十三条: not updating them is a liability ground).

The 条例 gives no period, so the checks hold three concrete meanings of "及时":
- the guide (and the rules page beside it) is reviewed at least once a year, the cycle of the
  annual report (第四十九条、第五十条) in which the office looks back on its work;
- the guide quotes the openness office's name, address, hours, phone, fax and e-mail
  (第十二条 lists them): when one of them changes in the organisation's data and the stored
  guide still shows the old one, the guide is out of date at once, whatever its age, because
  it sends applicants to the wrong place. (A site without a stored guide shows a default made
  live from that data, which cannot go stale.)
- an adjustment of the standard catalogue not published as a new version within 30 days is
  invisible to the public (the portal shows the latest published version): the catalogue is
  government information that changed, and 第二十六条 gives 20 working days (about 4 weeks)."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from gongkai.catalogue.models import CatalogueChange
from gongkai.core.html import html_to_text
from gongkai.core.sites import openness_office
from gongkai.portal.disclosure import DEFAULT_TITLES
from gongkai.portal.models import DisclosurePage, DisclosurePageKind

from ..checks import FindingDraft, register_check
from ..models import Severity
from . import CATALOGUE, DISCLOSURE_GUIDE, POINTS, warning_window

GUIDE_REVIEW_DAYS = 365
CATALOGUE_PUBLISH_DAYS = 30
#: what the guide quotes of the office (《条例》第十二条), field → label
QUOTED_FIELDS = {
    "name": "机构名称",
    "address": "办公地址",
    "office_hours": "办公时间",
    "phone": "联系电话",
    "fax": "传真号码",
    "email": "电子邮箱",
}


def _normalise(text: str) -> str:
    return "".join(text.split())


def check_guide(site, today: date | None = None):
    today = today or timezone.localdate()
    pages = {p.kind: p for p in DisclosurePage.objects.filter(site=site)}
    for kind in (DisclosurePageKind.GUIDE, DisclosurePageKind.RULES):
        page = pages.get(kind)
        if page is None:
            continue
        url = reverse("portal_staff:disclosure_edit", args=[kind])
        title = page.title or DEFAULT_TITLES[kind]
        updated = timezone.localdate(page.updated_at)
        due = updated + timedelta(days=GUIDE_REVIEW_DAYS)
        if today >= due:
            yield FindingDraft(
                key=f"disclosure:{kind}:age",
                title=f"《{title}》已超过 1 年未更新（更新于 {updated:%Y-%m-%d}）",
                severity=Severity.DEDUCTION,
                points=POINTS[DISCLOSURE_GUIDE],
                item_url=url,
                due_on=due,
                detail="《政府信息公开条例》第十二条要求公开指南及时更新；请核对后重新保存。",
            )
        elif (due - today).days <= warning_window(GUIDE_REVIEW_DAYS):
            yield FindingDraft(
                key=f"disclosure:{kind}:age",
                title=f"《{title}》{(due - today).days} 天后将满 1 年未更新",
                severity=Severity.WARNING,
                item_url=url,
                due_on=due,
            )
    guide = pages.get(DisclosurePageKind.GUIDE)
    office = openness_office(site)
    if guide is None or office is None:
        return
    text = _normalise(html_to_text(guide.body))
    missing = [
        label
        for name, label in QUOTED_FIELDS.items()
        if _normalise(getattr(office, name) or "") and _normalise(getattr(office, name)) not in text
    ]
    if missing:
        yield FindingDraft(
            key="disclosure:guide:contacts",
            title=f"《{guide.title}》中的{'、'.join(missing)}与{office.name}现有信息不一致",
            severity=Severity.DEDUCTION,
            points=POINTS[DISCLOSURE_GUIDE],
            organisation=office,
            item_url=reverse("portal_staff:disclosure_edit", args=[DisclosurePageKind.GUIDE]),
            detail="公开指南应载明政府信息公开工作机构的名称、办公地址、办公时间、联系电话、传真号码、"
            "互联网联系方式（《政府信息公开条例》第十二条）；机构信息变更后请同步更新指南。",
        )


def check_catalogue(site, today: date | None = None):
    today = today or timezone.localdate()
    oldest = (
        CatalogueChange.objects.filter(site=site, version__isnull=True)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if oldest is None:
        return
    pending = CatalogueChange.objects.filter(site=site, version__isnull=True).count()
    since = timezone.localdate(oldest)
    due = since + timedelta(days=CATALOGUE_PUBLISH_DAYS)
    url = reverse("catalogue_staff:versions")
    if today >= due:
        yield FindingDraft(
            key="catalogue:unpublished",
            title=f"标准目录有 {pending} 项调整超过 {CATALOGUE_PUBLISH_DAYS} 天未发布新版本"
            f"（最早调整于 {since:%Y-%m-%d}）",
            severity=Severity.DEDUCTION,
            points=POINTS[CATALOGUE],
            item_url=url,
            due_on=due,
            detail="公众看到的是最近发布的目录版本；调整后请及时发布（《政府信息公开条例》第十二条）。",
        )
    elif (due - today).days <= warning_window(CATALOGUE_PUBLISH_DAYS):
        yield FindingDraft(
            key="catalogue:unpublished",
            title=f"标准目录的 {pending} 项调整 {(due - today).days} 天后将满 "
            f"{CATALOGUE_PUBLISH_DAYS} 天未发布",
            severity=Severity.WARNING,
            item_url=url,
            due_on=due,
        )


def register() -> None:
    register_check(
        "disclosure_guide",
        check_guide,
        indicator=DISCLOSURE_GUIDE,
        description="公开指南、公开制度 1 年内未更新，指南中的公开办联系信息与机构信息不一致",
        order=60,
    )
    register_check(
        "catalogue_current",
        check_catalogue,
        indicator=CATALOGUE,
        description="标准目录调整后 30 天内未发布新版本",
        order=61,
    )
