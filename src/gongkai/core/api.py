from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError
from ninja.security import SessionAuth

from . import permissions
from .models import Organisation, Site
from .views import needs_second_factor
from .workcalendar import add_working_days

router = Router(tags=["基础"])


class StaffSessionAuth(SessionAuth):
    """The staff session for the API of every app: django session login (CSRF checked on
    writes), a staff role and, when required, the second factor."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if not user or not permissions.is_staff_member(user) or needs_second_factor(request):
            return None
        return user


staff_auth = StaffSessionAuth()


class SiteOut(Schema):
    slug: str
    name: str
    province: str
    city: str
    parent: str | None = Field(None, alias="parent.slug")
    site_code: str


class OrganisationOut(Schema):
    id: int
    name: str
    code: str
    kind: str
    legal_type: str
    receives_requests: bool = Field(
        description="可否受理政府信息公开申请（《条例》第二条、第五十四条）"
    )
    depth: int
    parent_id: int | None = None
    address: str
    office_hours: str
    phone: str


class DueDateOut(Schema):
    start: date
    days: int
    due: date
    provisional: bool = Field(description="该年度官方放假安排未载入时为 true，日期为暂定")
    explanation: str


@router.get("/sites", response=list[SiteOut], summary="站点列表")
def list_sites(request):
    return Site.objects.select_related("parent").order_by("id")


@router.get("/sites/{slug}", response=SiteOut, summary="站点详情")
def get_site(request, slug: str):
    return get_object_or_404(Site.objects.select_related("parent"), slug=slug)


@router.get("/sites/{slug}/organisations", response=list[OrganisationOut], summary="机构目录")
def list_organisations(request, slug: str):
    site = get_object_or_404(Site, slug=slug)
    orgs = list(Organisation.objects.filter(site=site, is_active=True).order_by("path"))
    by_path = {o.path: o.id for o in orgs}
    for org in orgs:
        org.parent_id = by_path.get(org.path[: -Organisation.steplen]) if org.depth > 1 else None
    return orgs


@router.get("/calendar/due", response=DueDateOut, summary="按工作日计算期限")
def calendar_due(request, start: date, days: int = Query(20, ge=0, le=400)):
    """N working days after `start` (the start day not counted), per the State Council calendar.
    The bound is in the parameter, so a wrong `days` gets the API's one 422 (message, detail)."""
    try:
        due = add_working_days(start, days)
    except ValueError as exc:  # a due date past 9999-12-31: the same 422 as any bad parameter
        raise ValidationError(
            [{"loc": ("query", "start"), "msg": str(exc), "type": "out_of_range"}]
        ) from None
    return {
        "start": start,
        "days": days,
        "due": due.date,
        "provisional": due.provisional,
        "explanation": due.explain(),
    }
