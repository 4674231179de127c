"""/api/v1/participation/events/figures.(json|csv): the attendance figures of events, open
data (issue 14 point 9). Only what is published: events published on the site, already held,
whose minutes and figures the organiser has published; the figures are counted from the
registrations, as the event page shows them."""

from __future__ import annotations

import io
import json

from django.http import Http404, HttpResponse
from django.utils import timezone
from ninja import Router

from gongkai.core.exports import SafeCsvWriter
from gongkai.core.models import Site

from . import events as rules

router = Router(tags=["公众参与"])

COLUMNS = [
    ("id", "编号"),
    ("kind", "类型"),
    ("title", "名称"),
    ("organisation", "主办机构"),
    ("starts_at", "开始时间"),
    ("place", "地点"),
    ("capacity", "总名额"),
    ("reserved", "预留名额"),
    ("selection", "确定方式"),
    ("applied", "报名人数"),
    ("confirmed", "确认参加"),
    ("checked_in", "实际签到"),
    ("minutes_published_at", "纪要发布时间"),
]


def _site(request, slug: str | None) -> Site:
    if slug:
        site = Site.objects.filter(slug=slug).first()
    else:
        site = getattr(request, "site", None)
    if site is None:
        raise Http404("没有该站点")
    return site


def published_figures(site: Site) -> list[dict]:
    rows = []
    events = rules.public_events(site).filter(
        ends_at__lt=timezone.now(), minutes_published_at__isnull=False
    )
    for event in events.order_by("starts_at", "id"):
        f = rules.figures(event)
        rows.append(
            {
                "id": event.pk,
                "kind": event.get_kind_display(),
                "title": event.title,
                "organisation": event.organisation.name,
                "starts_at": timezone.localtime(event.starts_at).isoformat(),
                "place": event.place,
                "capacity": event.capacity,
                "reserved": event.reserved,
                "selection": event.get_selection_display(),
                "applied": f.applied,
                "confirmed": f.confirmed,
                "checked_in": f.checked_in,
                "minutes_published_at": timezone.localtime(event.minutes_published_at).isoformat(),
            }
        )
    return rows


@router.get("/participation/events/figures.json", summary="活动参加情况 JSON", response={200: str})
def event_figures_json(request, site: str | None = None):
    """已举行并已发布纪要的活动：报名、确认参加和实际签到人数（由报名和签到记录统计）。"""
    site_obj = _site(request, site)
    body = json.dumps(
        {"site": site_obj.slug, "events": published_figures(site_obj)}, ensure_ascii=False
    )
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@router.get("/participation/events/figures.csv", summary="活动参加情况 CSV", response={200: str})
def event_figures_csv(request, site: str | None = None):
    """同 JSON，每场活动一行，UTF-8（带 BOM，便于 Excel 打开）。"""
    site_obj = _site(request, site)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = SafeCsvWriter(buffer)
    writer.writerow([label for _key, label in COLUMNS])
    for row in published_figures(site_obj):
        writer.writerow([row[key] for key, _label in COLUMNS])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{site_obj.slug}-events.csv"'
    return response
