"""/api/v1/services/…: the open data of 办事服务 (guides in force, windows, the certificate
library, scenarios; the same records as /services/export.json, guides.hsds) for anyone, and
the acceptance system's monthly case statistics (办件公示) for the office admin, by session
(CSRF checked, as foi.api) or by API token (as records.api)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from gongkai.core import permissions
from gongkai.core.api import staff_auth
from gongkai.core.models import Site
from gongkai.core.pagination import Paging, page
from gongkai.records.api import ApiTokenAuth

from . import cases, hsds

router = Router(tags=["办事服务"])


def _hall_site(request, slug: str | None) -> Site:
    if slug:
        return get_object_or_404(Site, slug=slug)
    if request.site is None:
        raise HttpError(404, "没有站点")
    return request.site


class HallSiteFilter(Schema):
    site: str | None = Field(None, description="站点标识，默认为当前域名对应的站点")


class GuidePaging(Paging):
    site: str | None = Field(None, description="站点标识，默认为当前域名对应的站点")


class GuidePageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[dict]


@router.get("/services/guides", response=GuidePageOut, summary="现行办事指南（HSDS 式样，分页）")
def list_service_guides(request, filters: Query[GuidePaging]):
    site = _hall_site(request, filters.site)
    guides = hsds.guides(site)
    return {
        "count": guides.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [hsds.service(g) for g in page(guides, filters)],
    }


@router.get("/services/guides/{code}", response=dict, summary="一个事项的现行办事指南")
def get_service_guide(request, code: str, filters: Query[HallSiteFilter]):
    site = _hall_site(request, filters.site)
    guide = hsds.guides(site).filter(item__code=code).first()
    if guide is None:
        raise HttpError(404, "没有该事项的现行办事指南。")
    return hsds.service(guide)


@router.get("/services/windows", response=list[dict], summary="受理窗口及其受理事项")
def list_service_windows(request, filters: Query[HallSiteFilter]):
    site = _hall_site(request, filters.site)
    codes = {g.item.code for g in hsds.guides(site)}
    windows = site.windows.filter(is_active=True).prefetch_related("items").order_by("number")
    return [hsds.location(w, codes) for w in windows]


@router.get(
    "/services/certificate-types", response=list[dict], summary="一库共享：电子证照和共享数据"
)
def list_certificate_types(request, filters: Query[HallSiteFilter]):
    from .certificates import library

    site = _hall_site(request, filters.site)
    return [hsds.certificate_type(c) for c in library(site).order_by("kind", "name")]


@router.get("/services/scenarios", response=list[dict], summary="已发布的情景导航")
def list_service_scenarios(request, filters: Query[HallSiteFilter]):
    site = _hall_site(request, filters.site)
    return [hsds.scenario(s) for s in hsds.scenarios(site)]


class CaseRowIn(Schema):
    month: str = Field(description="统计月份，如 2026-10")
    item_code: str = Field(description="事项编码")
    window_number: str = Field("", description="窗口号；空为全部窗口合计")
    received: int = Field(0, ge=0, description="受理件数")
    completed: int = Field(0, ge=0, description="办结件数")
    approved: int = Field(0, ge=0, description="准予件数")
    refused: int = Field(0, ge=0, description="不予件数")
    on_time: int = Field(0, ge=0, description="按时办结件数")


class CaseStatisticsIn(Schema):
    rows: list[CaseRowIn] = Field(..., max_length=cases.MAX_ROWS)


class CaseStatisticsOut(Schema):
    created: int
    updated: int
    unchanged: int
    months: list[str]


class CaseErrorsOut(Schema):
    detail: str
    errors: list[str] = []


@router.post(
    "/services/case-statistics",
    auth=[ApiTokenAuth(), staff_auth],
    response={200: CaseStatisticsOut, 400: CaseErrorsOut, 403: CaseErrorsOut},
    summary="报送办件统计（公开办管理员；按事项、窗口、月份覆盖，重复报送不变）",
)
def post_case_statistics(request, payload: CaseStatisticsIn):
    """All rows or none: a bad row is named by its number (第 N 条) and nothing is stored."""
    user = request.auth
    site = permissions.staff_site(request)
    if site is None:
        return Status(403, {"detail": "您在任何站点都没有岗位。"})
    rows = [(f"第 {n} 条", row.dict()) for n, row in enumerate(payload.rows, 1)]
    try:
        result = cases.store(user, site, rows, source="api")
    except permissions.PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    except cases.CaseImportError as exc:
        return Status(400, {"detail": "办件统计未导入，请改正后重新报送。", "errors": exc.errors})
    return Status(200, vars(result))
