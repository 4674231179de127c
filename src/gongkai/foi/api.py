"""JSON API for requests: staff endpoints for cases and their events (session login, scoped
like the staff pages), and the public tracking endpoint (code + phone, rate limited)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.db.models import Q
from django_ratelimit.core import is_ratelimited
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from gongkai.core import permissions
from gongkai.core.api import staff_auth
from gongkai.core.audit import client_ip
from gongkai.core.pagination import MAX_LIMIT, Paging, page

from . import rules, workflow
from .models import FoiRequest

router = Router(tags=["依申请公开"])


class CaseOut(Schema):
    id: int
    serial: str
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    applicant_kind: str
    org_category: str
    name: str
    channel: str
    received_on: date
    state: str
    state_label: str = Field(..., alias="get_state_display")
    due_date: date | None
    due_provisional: bool
    outcome: str
    replied_on: date | None
    void: bool


class CaseDetailOut(CaseOut):
    id_type: str
    id_number: str
    org_name: str
    credit_code: str
    phone: str
    email: str
    address: str
    description: str
    document_title: str
    document_number: str
    wanted_form: str
    delivery: str
    receipt_basis: str
    outcome_reason: str
    due_explanation: str


class EventOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    date: date
    days: int
    old_due: date | None
    new_due: date | None
    note: str
    visible_to_applicant: bool
    actor_name: str


class ActionIn(Schema):
    action: Literal[
        "correction_asked",
        "correction_received",
        "abandoned",
        "consultation_started",
        "consultation_answered",
        "extended",
        "replied",
        "closed",
    ]
    date: date
    note: str = ""
    what: str = Field("", description="补正事项（correction_asked）")
    party: str = Field("", description="征求意见对象（consultation_started）")
    days: int = Field(0, description="延长的工作日数（extended）")
    approver: str = Field("", description="批准人（extended）")
    outcome: str = Field("", description="办理结果代码，如 2 或 3.4（replied）")


class TrackIn(Schema):
    code: str
    phone: str


class TrackEventOut(Schema):
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    date: date
    note: str


class TrackOut(Schema):
    serial: str
    organisation: str
    received_on: date
    state: str
    state_label: str
    due_date: date | None
    due_provisional: bool
    due_explanation: str
    outcome: str
    outcome_label: str
    replied_on: date | None
    events: list[TrackEventOut]


class Message(Schema):
    detail: str


class CasePaging(Paging):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="每页条数")


def _scoped(request):
    return permissions.scope_to_organisations(
        FoiRequest.objects.select_related("organisation"), request.auth
    )


def _case(request, case_id: int) -> FoiRequest:
    case = _scoped(request).filter(pk=case_id).first()
    if case is None:
        raise HttpError(404, "没有这条申请，或您无权查看。")
    return case


@router.get("/foi/cases", response=list[CaseOut], auth=staff_auth, summary="申请列表（按权限范围）")
def list_cases(
    request,
    paging: Query[CasePaging],
    state: str | None = None,
    due: Literal["week", "overdue", "open"] | None = None,
    q: str | None = None,
):
    from .staff_views import filter_due

    qs = _scoped(request)
    if state:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(Q(serial__icontains=q) | Q(name__icontains=q))
    if due:
        qs = filter_due(qs, due)
    return list(page(qs.order_by("-received_on", "-id"), paging))


@router.get(
    "/foi/cases/{case_id}",
    response={200: CaseDetailOut, 404: Message},
    auth=staff_auth,
    summary="申请详情",
)
def get_case(request, case_id: int):
    from .privacy import log_personal_data_view

    case = _case(request, case_id)
    log_personal_data_view(case, request.auth, where="接口")
    case.due_explanation = rules.due_from_events(case.events.all()).explain()
    return case


@router.get(
    "/foi/cases/{case_id}/events",
    response={200: list[EventOut], 404: Message},
    auth=staff_auth,
    summary="办理记录",
)
def list_events(request, case_id: int):
    return list(_case(request, case_id).events.all())


@router.post(
    "/foi/cases/{case_id}/events",
    response={200: CaseOut, 403: Message, 404: Message, 409: Message},
    auth=staff_auth,
    summary="办理一步（补正、征求意见、延期、答复、归档）",
)
def add_event(request, case_id: int, payload: ActionIn):
    case = _case(request, case_id)
    user = request.auth
    p = payload
    steps = {
        "correction_asked": lambda: workflow.ask_correction(
            case, on=p.date, what=p.what, actor=user
        ),
        "correction_received": lambda: workflow.receive_correction(
            case, on=p.date, note=p.note, actor=user
        ),
        "abandoned": lambda: workflow.abandon(case, on=p.date, actor=user),
        "consultation_started": lambda: workflow.start_consultation(
            case, on=p.date, party=p.party, actor=user
        ),
        "consultation_answered": lambda: workflow.end_consultation(
            case, on=p.date, note=p.note, actor=user
        ),
        "extended": lambda: workflow.extend(
            case, on=p.date, days=p.days, approver=p.approver, reason=p.note, actor=user
        ),
        "replied": lambda: workflow.reply(
            case, on=p.date, outcome=p.outcome, reason=p.note, actor=user
        ),
        "closed": lambda: workflow.close(case, on=p.date, reason=p.note, actor=user),
    }
    try:
        return Status(200, steps[p.action]())
    except permissions.PermissionDenied as exc:  # e.g. a deputy or evaluator: the step's guard
        return Status(403, {"detail": str(exc)})
    except (workflow.WorkflowError, rules.RuleError) as exc:
        return Status(409, {"detail": str(exc)})


@router.post(
    "/foi/track",
    response={200: TrackOut, 404: Message, 429: Message},
    summary="凭查询码和联系电话查询办理进度",
)
def track(request, payload: TrackIn):
    """Whoever holds the code and the phone number sees the status; anyone else learns nothing
    (the same answer for a wrong code and a wrong phone)."""
    from .views import TRACK_ERROR, find_tracked, public_view

    if is_ratelimited(
        request,
        group="foi-track",
        key=lambda group, req: client_ip(req) or "unknown",
        rate="30/h",
        increment=True,
    ):
        return Status(429, {"detail": "查询过于频繁，请稍后再试。"})
    site = getattr(request, "site", None)
    found = find_tracked(site, payload.code, payload.phone) if site else None
    if found is None:
        return Status(404, {"detail": TRACK_ERROR})
    view = public_view(found)
    due = view["due"]
    return Status(
        200,
        {
            "serial": found.serial,
            "organisation": found.organisation.name,
            "received_on": found.received_on,
            "state": found.state,
            "state_label": found.get_state_display(),
            "due_date": due.date if found.is_open else None,
            "due_provisional": due.provisional,
            "due_explanation": due.explain() if found.is_open else "",
            "outcome": found.outcome,
            "outcome_label": found.get_outcome_display() if found.outcome else "",
            "replied_on": found.replied_on,
            "events": view["timeline"],
        },
    )
