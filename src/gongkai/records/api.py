"""The records API: published records for anyone (《条例》第二十四条: retrieval and download on
the unified platform), and a token-authenticated staff API so other systems can feed drafts
into the same review workflow — never around it."""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer

from gongkai.catalogue.models import CatalogueItem
from gongkai.core.models import Organisation, Site
from gongkai.core.pagination import ObjectId, Paging, page

from . import workflow
from .content import UploadRejected
from .models import ApiToken, Disclosure, Kind, Record, State, Validity
from .selectors import PUBLIC_STATES, published_records
from .workflow import VersionConflict, WorkflowError

router = Router(tags=["信息发布"])


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; the token is looked up by its SHA-256."""

    def authenticate(self, request, token: str):
        digest = hashlib.sha256(token.encode()).hexdigest()
        row = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=digest, revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


class AttachmentOut(Schema):
    name: str
    kind: str
    size: int
    url: str


class RecordOut(Schema):
    index_number: str
    title: str
    url: str
    kind: str
    kind_label: str
    organisation: str
    organisation_id: int
    catalogue_item: str
    catalogue_item_id: int
    domain_id: int
    document_number: str
    written_on: date | None
    formed_on: date
    published_at: datetime | None
    subject: str = Field(description="主题分类")
    genre: str = Field(description="体裁")
    validity: str = Field(
        description="有效性：valid 有效 / invalid 失效 / repealed 废止，空为不适用"
    )
    state: str = Field(description="published 已发布 / expired 已失效 / withdrawn 已撤回")
    summary: str


class RecordDetailOut(RecordOut):
    body: str = Field(description="正文（已净化的 HTML）；已撤回的信息为空")
    withdrawal_reason: str
    policy_index_number: str | None = None
    interpretations: list[str] = Field(description="解读的索引号")
    attachments: list[AttachmentOut]


class RecordPage(Schema):
    count: int
    items: list[RecordOut]


class RecordFilters(Paging):
    site: str | None = Field(None, description="站点标识，默认为当前域名对应的站点")
    organisation: ObjectId | None = None
    catalogue_item: ObjectId | None = None
    domain: ObjectId | None = None
    kind: Kind | None = None
    validity: Validity | None = None
    year: int | None = Field(None, ge=1949, le=9999, description="发布年份")
    q: str | None = Field(None, max_length=50, description="标题包含的文字")
    limit: int = Field(20, ge=1, le=100, description="每页条数")


def _out(record: Record) -> dict:
    return {
        "index_number": record.index_number,
        "title": record.title,
        "url": record.get_absolute_url(),
        "kind": record.kind,
        "kind_label": record.get_kind_display(),
        "organisation": record.organisation.name,
        "organisation_id": record.organisation_id,
        "catalogue_item": record.catalogue_item.name,
        "catalogue_item_id": record.catalogue_item_id,
        "domain_id": record.catalogue_item.domain_id,
        "document_number": record.document_number,
        "written_on": record.written_on,
        "formed_on": record.formed_on,
        "published_at": record.published_at,
        "subject": record.get_subject_display(),
        "genre": record.genre,
        "validity": record.validity,
        "state": record.state,
        "summary": record.summary,
    }


def _site(request, slug: str | None) -> Site:
    if slug:
        return get_object_or_404(Site, slug=slug)
    if request.site is None:
        raise HttpError(404, "没有站点")
    return request.site


@router.get("/records", response=RecordPage, summary="已公开的政府信息（可筛选）")
def list_records(request, filters: Query[RecordFilters]):
    site = _site(request, filters.site)
    qs = published_records(site)
    if filters.organisation:
        qs = qs.filter(organisation_id=filters.organisation)
    if filters.catalogue_item:
        qs = qs.filter(catalogue_item_id=filters.catalogue_item)
    if filters.domain:
        qs = qs.filter(catalogue_item__domain_id=filters.domain)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.validity:
        qs = qs.filter(validity=filters.validity)
    if filters.year:
        qs = qs.filter(published_at__year=filters.year)
    if filters.q:
        qs = qs.filter(title__contains=filters.q)
    items = page(qs, filters)
    return {"count": qs.count(), "items": [_out(r) for r in items]}


@router.get("/records/{site_slug}/{index_number}", response=RecordDetailOut, summary="一条政府信息")
def get_record(request, site_slug: str, index_number: str):
    from django.urls import reverse

    from .workflow import public_attachments

    record = get_object_or_404(
        Record.objects.select_related("organisation", "catalogue_item", "policy"),
        site__slug=site_slug,
        index_number=index_number,
        state__in=PUBLIC_STATES,
    )
    withdrawn = record.state == State.WITHDRAWN
    data = _out(record)
    data.update(
        body="" if withdrawn else record.body,
        withdrawal_reason=record.withdrawal_reason,
        policy_index_number=record.policy.index_number if record.policy else None,
        interpretations=list(
            record.interpretations.filter(state__in=[State.PUBLISHED, State.EXPIRED]).values_list(
                "index_number", flat=True
            )
        ),
        attachments=[]
        if withdrawn
        else [
            {
                "name": a.name,
                "kind": a.kind,
                "size": a.size,
                "url": reverse("records:attachment", args=[record.index_number, a.pk]),
            }
            for a in public_attachments(record)
        ],
    )
    return data


# --------------------------------------------------------------------------- staff API


class DraftFields(Schema):
    """The drafting fields a record is created and edited with."""

    kind: Kind = Kind.GENERAL
    title: str = Field(..., min_length=1, max_length=300)
    formed_on: date = Field(..., description="形成/变更日期，公开时限自次日起算")
    written_on: date | None = None
    document_number: str = Field("", max_length=100)
    subject: str = Field("01", max_length=2, description="主题分类代码 01–21")
    genre: str = Field("通知", max_length=10)
    keywords: str = Field("", max_length=200)
    summary: str = ""
    body: str = Field("", description="HTML 正文，服务器端净化")
    validity: Validity = Validity.NONE
    disclosure: Disclosure = Disclosure.PROACTIVE
    disclosure_reason: str = ""
    policy_id: int | None = Field(None, description="解读所对应的政策信息 ID")


class DraftIn(DraftFields):
    organisation_id: int
    catalogue_item_id: int
    docx_base64: str | None = Field(None, description="可选：Base64 编码的 .docx，作为正文")


class DraftUpdateIn(DraftFields):
    """The whole set of drafting fields, and the version they were read at."""

    version: int = Field(..., ge=1, le=2**31 - 1, description="读取时的版本号（乐观锁）")


class FieldChangeOut(Schema):
    name: str
    label: str
    theirs: str = Field(description="对方保存的值")
    yours: str = Field(description="本次提交的值")


class ConflictOut(Schema):
    detail: str
    version: int = Field(description="当前版本号")
    changes: list[FieldChangeOut]


class DraftOut(Schema):
    id: int
    version: int = Field(description="版本号：修改时原样提交")
    state: str
    title: str
    due_date: date | None
    due_explanation: str
    notes: list[str]
    staff_url: str


class ErrorOut(Schema):
    detail: str


def _draft_out(record: Record, notes: list[str]) -> dict:
    from django.urls import reverse

    return {
        "id": record.pk,
        "version": record.version,
        "state": record.state,
        "title": record.title,
        "due_date": record.due_date,
        "due_explanation": record.due_explanation,
        "notes": notes,
        "staff_url": reverse("records_staff:detail", args=[record.pk]),
    }


@router.post(
    "/staff/records",
    auth=ApiTokenAuth(),
    response={201: DraftOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="创建信息草稿（需接口令牌）",
)
def create_draft(request, payload: DraftIn):
    user = request.auth
    organisation = get_object_or_404(Organisation, pk=payload.organisation_id)
    item = get_object_or_404(CatalogueItem, pk=payload.catalogue_item_id)
    data = payload.dict(
        exclude={"organisation_id", "catalogue_item_id", "policy_id", "docx_base64"}
    )
    data["kind"] = str(payload.kind)
    data["validity"] = str(payload.validity)
    data["disclosure"] = str(payload.disclosure)
    if payload.kind == Kind.INTERPRETATION:
        data["policy"] = Record.objects.filter(pk=payload.policy_id).first()
    docx = None
    if payload.docx_base64:
        try:
            docx = base64.b64decode(payload.docx_base64, validate=True)
        except (binascii.Error, ValueError):
            return Status(400, {"detail": "docx_base64 不是有效的 Base64 编码。"})
    try:
        record, notes = workflow.create_draft(
            user, organisation=organisation, catalogue_item=item, data=data, docx=docx
        )
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    except (WorkflowError, UploadRejected) as exc:
        return Status(400, {"detail": str(exc)})
    return Status(201, _draft_out(record, notes))


@router.get(
    "/staff/records/{record_id}",
    auth=ApiTokenAuth(),
    response={200: DraftOut, 404: ErrorOut},
    summary="查看本人有权限的信息（需接口令牌）",
)
def get_draft(request, record_id: int):
    record = get_object_or_404(workflow.records_for(request.auth), pk=record_id)
    return Status(200, _draft_out(record, []))


@router.put(
    "/staff/records/{record_id}",
    auth=ApiTokenAuth(),
    response={200: DraftOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut},
    summary="修改草稿（需接口令牌；须提交读取时的版本号，被他人修改过时返回 409）",
)
def update_draft(request, record_id: int, payload: DraftUpdateIn):
    record = get_object_or_404(workflow.records_for(request.auth), pk=record_id)
    data = payload.dict(exclude={"version", "policy_id"})
    data["kind"] = str(payload.kind)
    data["validity"] = str(payload.validity)
    data["disclosure"] = str(payload.disclosure)
    if payload.kind == Kind.INTERPRETATION:
        data["policy"] = Record.objects.filter(pk=payload.policy_id).first()
    try:
        # What the client saw is unknown: a conflict lists where it differs from the stored.
        notes = workflow.update_draft(request.auth, record, data, version=payload.version, base="")
    except VersionConflict as exc:
        return Status(
            409,
            {
                "detail": str(exc),
                "version": exc.current,
                "changes": [vars(c) for c in exc.changes],
            },
        )
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    except (WorkflowError, UploadRejected) as exc:
        return Status(400, {"detail": str(exc)})
    return Status(200, _draft_out(record, notes))


@router.post(
    "/staff/records/{record_id}/submit",
    auth=ApiTokenAuth(),
    response={200: DraftOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="提交审核（需接口令牌）",
)
def submit_draft(request, record_id: int):
    record = get_object_or_404(workflow.records_for(request.auth), pk=record_id)
    try:
        workflow.submit(request.auth, record)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    except WorkflowError as exc:
        return Status(400, {"detail": str(exc)})
    return Status(200, _draft_out(record, []))
