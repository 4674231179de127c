"""GET /api/v1/sites/{site}/catalogue: the published standard catalogue as a tree, with filters;
.csv and .json exports. The public data is the latest published version (the same the public
pages show), or the current catalogue before any version is published."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from gongkai.core.models import Site

from .io.exporter import to_csv, to_json
from .services import public_catalogue

router = Router(tags=["标准目录"])


class DeadlineOut(Schema):
    kind: str = Field(
        description="时限类型：working_days 工作日、natural_days 自然日、before_event 事前、periodic 定期、realtime 实时、immediate 及时、long_term 长期、on_request 依申请、unparsed 未识别"
    )
    days: int | None = Field(None, description="天数")
    hours: int | None = Field(None, description="小时数")
    event: str = Field("", description="起算事件或定期说明")
    period: str = Field("", description="周期：monthly/quarterly/half_yearly/yearly")


class ItemOut(Schema):
    id: int | None = Field(None, description="事项ID")
    name: str = Field(description="事项名称")
    level: int = Field(description="层级：1 一级事项、2 二级事项、3 三级事项")
    serial: str = Field("", description="序号")
    content: str = Field("", description="公开内容（要素）")
    basis: str = Field("", description="公开依据")
    deadline_text: str = Field("", description="公开时限（原文）")
    deadline: DeadlineOut | None = Field(None, description="公开时限（规则）")
    responsible_text: str = Field("", description="公开主体（原文）")
    organisations: list[str] = Field([], description="公开主体机构")
    channels: list[str] = Field([], description="公开渠道和载体")
    audience_society: bool = Field(False, description="公开对象：全社会")
    audience_specific: bool = Field(False, description="公开对象：特定群体")
    mode_proactive: bool = Field(False, description="公开方式：主动")
    mode_on_request: bool = Field(False, description="公开方式：依申请")
    level_county: bool = Field(False, description="公开层级：县级")
    level_township: bool = Field(False, description="公开层级：乡级")
    five_stage: str = Field("", description="五公开：决策/执行/管理/服务/结果")
    is_official: bool = Field(False, description="来自正式标准（锁定）")
    children: list["ItemOut"] = Field([], description="下级事项")


class DomainOut(Schema):
    id: int | None = Field(None, description="领域ID")
    domain: str = Field(description="公开领域")
    is_national: bool = Field(False, description="国家规定领域")
    items: list[ItemOut] = Field(description="事项树")


class CatalogueOut(Schema):
    version: int | None = Field(None, description="已发布版本号；未发布时为空")
    published_at: str | None = Field(None, description="版本发布时间")
    domains: list[DomainOut]


class CatalogueFilters(Schema):
    domain: str | None = Field(None, description="公开领域名称或ID")
    organisation: str | None = Field(None, description="公开主体机构名称或ID")
    mode: str | None = Field(None, description="公开方式：proactive 主动 / on_request 依申请")


def _prune(nodes: list[dict], keep) -> list[dict]:
    result = []
    for node in nodes:
        if node.get("children"):
            children = _prune(node["children"], keep)
            if children:
                result.append({**node, "children": children})
        elif keep(node):
            result.append(node)
    return result


def _filtered(site: Site, filters: CatalogueFilters):
    version, snapshot = public_catalogue(site)
    domains = snapshot
    if filters.domain:
        domains = [
            d
            for d in domains
            if d["domain"] == filters.domain or str(d.get("id")) == filters.domain
        ]

    def keep(node: dict) -> bool:
        if filters.organisation:
            wanted = filters.organisation
            ids = [str(i) for i in node.get("organisation_ids", [])]
            if wanted not in node.get("organisations", []) and wanted not in ids:
                return False
        if filters.mode == "proactive" and not node.get("mode_proactive"):
            return False
        if filters.mode == "on_request" and not node.get("mode_on_request"):
            return False
        return True

    if filters.organisation or filters.mode:
        domains = [{**d, "items": _prune(d["items"], keep)} for d in domains]
        domains = [d for d in domains if d["items"]]
    return version, domains


def _with_rules(nodes: list[dict]) -> list[dict]:
    out = []
    for node in nodes:
        node = dict(node)
        if "deadline" in node:
            rule = node.get("deadline") or {}
            node["deadline"] = rule if rule else {"kind": "unparsed"}
        node["children"] = _with_rules(node.get("children", []))
        out.append(node)
    return out


@router.get("/sites/{site}/catalogue", response=CatalogueOut, summary="标准目录（事项树）")
def catalogue(request, site: str, filters: Query[CatalogueFilters]):
    """已发布的标准目录：公开领域 → 一级/二级/三级事项，末级事项带公开标准要素。"""
    site_obj = get_object_or_404(Site, slug=site)
    version, domains = _filtered(site_obj, filters)
    return {
        "version": version.number if version else None,
        "published_at": version.published_at.isoformat() if version else None,
        "domains": [{**d, "items": _with_rules(d["items"])} for d in domains],
    }


@router.get("/sites/{site}/catalogue.csv", summary="标准目录 CSV 导出", response={200: str})
def catalogue_csv(request, site: str, filters: Query[CatalogueFilters]):
    """每个末级事项一行，UTF-8（带 BOM，便于 Excel 打开）。"""
    site_obj = get_object_or_404(Site, slug=site)
    _version, domains = _filtered(site_obj, filters)
    response = HttpResponse(to_csv(domains), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{site_obj.slug}-catalogue.csv"'
    return response


@router.get("/sites/{site}/catalogue.json", summary="标准目录 JSON 导出", response={200: str})
def catalogue_json(request, site: str, filters: Query[CatalogueFilters]):
    """完整事项树（与目录版本快照同一格式）。"""
    site_obj = get_object_or_404(Site, slug=site)
    _version, domains = _filtered(site_obj, filters)
    response = HttpResponse(to_json(domains), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{site_obj.slug}-catalogue.json"'
    return response
