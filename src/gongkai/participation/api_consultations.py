"""/api/v1/participation/consultations.{csv,json}: open data of 征求意见 (issue 14 point 9).
Only published consultations; the feedback counts only once the report is published."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from ninja import Router

from gongkai.core.models import Site

from . import consultations as rules

router = Router(tags=["公众参与"])


def _site(slug: str | None):
    return get_object_or_404(Site, slug=slug) if slug else None


@router.get(
    "/participation/consultations.json",
    summary="征求意见及意见采纳情况（JSON）",
    response={200: str},
)
def consultations_json(request, site: str | None = None):
    """每项已发布的征求意见一条；意见采纳情况发布后附意见条数和采纳、部分采纳、未采纳的数量。"""
    rows = rules.open_data_rows(_site(site))
    return JsonResponse(
        {"columns": rules.OPEN_DATA_COLUMNS, "consultations": rows},
        json_dumps_params={"ensure_ascii": False},
    )


@router.get(
    "/participation/consultations.csv", summary="征求意见及意见采纳情况（CSV）", response={200: str}
)
def consultations_csv(request, site: str | None = None):
    """与 JSON 相同的内容，UTF-8（带 BOM，便于 Excel 打开）。"""
    response = HttpResponse(
        rules.open_data_csv(_site(site)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="consultations.csv"'
    return response
