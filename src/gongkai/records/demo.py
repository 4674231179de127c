"""Demo records for 迎江区 and 瓯海区, published through the real workflow (draft → submit →
confidentiality review → approve → publish) under the demo catalogue's leaves, as the newest
records on top of the 18-month archive (`demo_archive`). Each goes under the leaf its keywords
name, or is left out on a site without one (瓯海区 has no 市政服务 catalogue). Idempotent: a
title that already exists on a site is skipped."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from gongkai.catalogue.models import CatalogueItem
from gongkai.core.models import Organisation, OrganisationKind, Site, User
from gongkai.core.workcalendar import is_workday

from . import indexing, numbering, workflow
from .models import InterpretationRule, ItemPublishing, Kind, Record, RecordRevision

CHECKS = {
    "no_state_secrets": True,
    "no_personal_info": True,
    "no_business_secrets": True,
    "no_stability_risk": True,
}

# (keywords to find a leaf, fields)
DEMO = [
    (
        ("停水", "供水", "水"),
        {
            "title": "关于2026年城区供水管网改造停水的通知",
            "kind": Kind.NOTICE,
            "genre": "通知",
            "subject": "09",
            "summary": "因城区供水管网改造，部分区域将于10月8日临时停水。",
            "body": "<p>各位用户：</p><p>因城区供水管网改造施工，定于2026年10月8日8:00至18:00"
            "对人民路、湖心路沿线区域暂停供水，请提前做好储水准备。如遇特殊情况，恢复供水时间将另行通知。</p>"
            "<p>咨询电话：0556-5501234。</p>",
        },
    ),
    (
        ("燃气", "许可"),
        {
            "title": "燃气经营许可证核发结果公示",
            "kind": Kind.GENERAL,
            "genre": "公示",
            "subject": "08",
            "summary": "公示本季度燃气经营许可证核发结果。",
            "body": "<p>根据《城镇燃气管理条例》，现将本季度燃气经营许可证核发结果公示如下：</p>"
            "<table><thead><tr><th>企业名称</th><th>许可证编号</th><th>有效期</th></tr></thead><tbody>"
            "<tr><td>示例燃气有限公司</td><td>皖202601001</td><td>2026-09-30至2029-09-29</td></tr>"
            "</tbody></table>",
        },
    ),
]


def _item(keywords, title, kind, genre, subject, body):
    return (
        keywords,
        {"title": title, "kind": kind, "genre": genre, "subject": subject, "body": body},
    )


# More of a site's daily publishing, so the home columns look like a working portal.
DEMO += [
    _item(("道路", "挖掘"), "城区人民路段道路开挖施工交通管制的通告", Kind.NOTICE, "通告", "09",
          "<p>因雨污分流改造，人民路（湖心路至龙山路段）自11月25日起半幅封闭施工，工期30天，请过往车辆绕行。</p>"),
    _item(("燃气",), "关于开展冬季城镇燃气安全隐患排查整治的通知", Kind.NOTICE, "通知", "09",
          "<p>为切实做好冬季燃气安全工作，定于12月在全区开展城镇燃气安全隐患排查整治，重点检查餐饮场所和老旧小区。</p>"),
    _item(("照明", "路灯"), "城区路灯节能改造工程完工", Kind.GENERAL, "其他", "09",
          "<p>城区路灯节能改造工程已完工，共更换LED路灯1200余盏，年节电约45万千瓦时。</p>"),
    _item(("绿化", "园林"), "滨江公园绿化提升工程开工", Kind.GENERAL, "其他", "09",
          "<p>滨江公园绿化提升工程正式开工，计划新增绿地2.3万平方米，预计明年4月完工。</p>"),
    _item(("供水", "水"), "关于居民反映小区自来水水压偏低问题的回应", Kind.RESPONSE, "函", "09",
          "<p>针对近期部分居民反映的水压偏低问题，区住建局会同自来水公司已完成加压泵站检修，水压已恢复正常。</p>"),
    _item(("广告",), "户外广告设置审批结果公示", Kind.GENERAL, "公示", "09",
          "<p>现将本月户外广告设置审批结果予以公示，公示期5个工作日。</p>"),
    _item(("排水", "污水"), "城镇污水排入排水管网许可办理指南更新的说明", Kind.RESPONSE, "其他", "09",
          "<p>根据《城镇排水与污水处理条例》，排水许可办理指南已更新申请材料清单，实行“最多跑一次”。</p>"),
]  # fmt: skip

POLICY = {
    "title": "城市道路占用挖掘管理办法",
    "kind": Kind.POLICY,
    "genre": "办法",
    "subject": "09",
    "issuer": "区人民政府办公室",  # numbered with the office's 代字 (迎政办〔year〕N号)
    "summary": "规范城市道路占用、挖掘的审批与监管。",
    "body": "<h2>第一章 总则</h2><p>第一条 为加强城市道路管理，保障城市道路完好，根据《城市道路管理条例》，"
    "结合本区实际，制定本办法。</p><p>第二条 本办法适用于本区行政区域内城市道路的占用、挖掘及其监督管理。</p>",
}
INTERPRETATION = {
    "title": "《城市道路占用挖掘管理办法》政策解读",
    "kind": Kind.INTERPRETATION,
    "genre": "解读",
    "subject": "09",
    "interpretation_form": "qa",
    "body": "<h2>一、制定背景</h2><p>近年来城市道路占用挖掘需求增多，为统一审批标准、减少“马路拉链”，制定本办法。</p>"
    "<h2>二、主要内容</h2><p>明确审批条件、施工期限和恢复标准。</p>",
}


def _leaf(site: Site, keywords, fallback: bool = True) -> CatalogueItem | None:
    leaves = CatalogueItem.objects.filter(site=site, numchild=0).order_by("path")
    for word in keywords:
        found = leaves.filter(name__contains=word).first()
        if found:
            return found
    return leaves.first() if fallback else None


def workdays_ago(n: int):
    """The n-th working day before today: demo documents are dated on working days."""
    day = timezone.localdate()
    while n:
        day -= timedelta(days=1)
        n -= is_workday(day)
    return day


def _numbered(site: Site, fields: dict, written) -> tuple[dict, Organisation | None]:
    """A document with an `issuer` gets that organisation's 文号 of the year (demo_archive's
    机关代字), taken from the same counter as the archive's documents."""
    from .demo_archive import SITES

    fields = dict(fields)
    issuer = fields.pop("issuer", None)
    if not issuer:
        return fields, None
    if issuer == "区人民政府":
        organisation = Organisation.objects.get(site=site, kind=OrganisationKind.GOVERNMENT)
    else:
        organisation = Organisation.objects.get(site=site, name=issuer)
    code = SITES.get(site.slug, {}).get("codes", {}).get(organisation.name)
    if code and not fields.get("document_number"):
        fields["document_number"] = numbering.next_document_number(site, code, written.year)
    return fields, organisation


def _backdate(record: Record, written) -> None:
    """Published on the working day after it was written, not at the moment the demo ran."""
    day = written + timedelta(days=1)
    while not is_workday(day):
        day += timedelta(days=1)
    day = min(day, timezone.localdate())
    moment = timezone.make_aware(datetime.combine(day, time(9, 30)))
    moment = min(moment, timezone.now())
    Record.objects.filter(pk=record.pk).update(published_at=moment)
    RecordRevision.objects.filter(record=record, number=1).update(published_at=moment)
    indexing.refresh(record.pk)


def _publish(site: Site, leaf: CatalogueItem, fields: dict, prefix: str, days_ago: int):
    existing = Record.objects.filter(site=site, title=fields["title"]).first()
    if existing:
        return existing
    formed = workdays_ago(days_ago)
    fields, issuer = _numbered(site, fields, formed)
    organisation = (
        issuer
        or leaf.organisations.filter(site=site).first()
        or Organisation.objects.get(site=site, name="区住房和城乡建设局")
    )
    drafter = User.objects.get(username=f"{prefix}_admin")
    approver = User.objects.get(username="admin")
    record, _ = workflow.create_draft(
        drafter,
        organisation=organisation,
        catalogue_item=leaf,
        data={"formed_on": formed, "written_on": formed, **fields},
    )
    workflow.submit(drafter, record)
    workflow.review_confidentiality(approver, record, CHECKS, "经审查不涉密")
    workflow.approve(approver, record)
    workflow.publish(approver, record)
    _backdate(record, formed)
    return record


def load_records_demo() -> list[str]:
    """Publish the demo records on both demo sites (after the catalogue demo)."""
    try:
        from gongkai.catalogue.demo import load_catalogue_demo
    except ImportError:  # pragma: no cover - the catalogue demo is optional
        load_catalogue_demo = None
    if load_catalogue_demo is not None and not CatalogueItem.objects.exists():
        load_catalogue_demo()
    lines = []
    for slug, prefix in (("yingjiang", "yj"), ("ouhai", "oh")):
        site = Site.objects.filter(slug=slug).first()
        if site is None or not User.objects.filter(username=f"{prefix}_admin").exists():
            continue
        if not CatalogueItem.objects.filter(site=site, numchild=0).exists():
            lines.append(f"{site.name}：没有标准目录事项，跳过演示信息。")
            continue
        count = 0
        for days_ago, (keywords, fields) in enumerate(DEMO, start=3):  # one a few days apart
            leaf = _leaf(site, keywords, fallback=False)
            if leaf is not None:
                _publish(site, leaf, fields, prefix, days_ago)
                count += 1
        leaf = _leaf(site, ("政策文件",), fallback=False)
        if leaf is not None:
            ItemPublishing.objects.get_or_create(
                catalogue_item=leaf, defaults={"interpretation_rule": InterpretationRule.BLOCK}
            )
            if not Record.objects.filter(site=site, title=POLICY["title"]).exists():
                _publish_policy_pair(site, leaf, prefix)
            count += 2
        if count:
            lines.append(f"{site.name}：演示政府信息 {count} 条已发布。")
    return lines


def _publish_policy_pair(site: Site, leaf: CatalogueItem, prefix: str) -> Record:
    """A 规范性文件 with its 政策解读, published together (同步解读)."""
    organisation = leaf.organisations.filter(site=site).first() or Organisation.objects.get(
        site=site, name="区住房和城乡建设局"
    )
    drafter = User.objects.get(username=f"{prefix}_admin")
    approver = User.objects.get(username="admin")
    formed = workdays_ago(2)
    fields, issuer = _numbered(site, POLICY, formed)
    organisation = issuer or organisation
    policy, _ = workflow.create_draft(
        drafter,
        organisation=organisation,
        catalogue_item=leaf,
        data={"formed_on": formed, "written_on": formed, **fields},
    )
    workflow.submit(drafter, policy)
    workflow.review_confidentiality(approver, policy, CHECKS, "经审查不涉密")
    workflow.approve(approver, policy)
    interpretation, _ = workflow.create_draft(
        drafter,
        organisation=organisation,
        catalogue_item=leaf,
        data={"formed_on": formed, "policy": policy, **INTERPRETATION},
    )
    workflow.submit(drafter, interpretation)
    workflow.review_confidentiality(approver, interpretation, CHECKS, "经审查不涉密")
    workflow.approve(approver, interpretation)
    workflow.publish(approver, Record.objects.get(pk=policy.pk))
    _backdate(policy, formed)
    _backdate(interpretation, formed)
    return policy
