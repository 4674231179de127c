"""自查 and 督查: problems found, assigned to the organisation that fixes them, rectified with
evidence, accepted or returned by the office, and the inspection report.

The office (公开办) organises and supervises 政务公开 work in its government (《政府信息公开
条例》第四条) and inspects it (第四十七条: 政府信息公开工作主管部门应当加强对政府信息公开工作的
日常指导和监督检查, 对未按照要求开展工作的予以督促整改或者通报批评). So the office admin opens
inspections, assigns items and accepts rectifications; the responsible organisation's own staff
write what they did. Every step checks its actor here (views and the demo call the same
functions), writes an audit event and moves the row's version, so two people acting on the same
page cannot both win.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from gongkai.core import officialdoc, permissions
from gongkai.core.audit import record_event, snapshot
from gongkai.core.models import AuditEventType, Organisation, Role, Site
from gongkai.core.uploads import SuspiciousFile, accept_by_content
from gongkai.core.versioning import expect
from gongkai.core.workcalendar import add_working_days, document_date

from .models import (
    ITEM_DONE,
    Finding,
    Inspection,
    InspectionItem,
    InspectionState,
    ItemState,
    RectificationEvidence,
)

#: who organises inspections and accepts rectifications (《条例》第四条、第四十七条)
OFFICE_ROLES = (Role.OFFICE_ADMIN,)
#: who writes an organisation's rectification: its own staff
RECTIFY_ROLES = (Role.EDITOR, Role.REVIEWER)
#: who reads inspections: the office, and the third-party evaluator (read only)
READ_SITE_ROLES = (Role.OFFICE_ADMIN, Role.EVALUATOR)

EVIDENCE_KINDS = ("pdf", "png", "jpeg", "docx", "xlsx")
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
MAX_DEADLINE_DAYS = 250

ITEM_FIELDS = [
    "state",
    "organisation",
    "deadline",
    "deadline_days",
    "severity",
    "points",
    "record",
    "finding",
]


class InspectionError(ValueError):
    """A step the rules do not allow; the message (Chinese) is shown as is."""


# --------------------------------------------------------------------------- who sees what


def can_manage(actor, site: Site) -> bool:
    return permissions.allows(actor, site, OFFICE_ROLES)


def reads_whole_site(actor, site: Site) -> bool:
    return permissions.allows(actor, site, READ_SITE_ROLES)


def visible_inspections(user, site: Site) -> QuerySet[Inspection]:
    """The office and the evaluator see every inspection of the site; an organisation's staff
    those with an item assigned to one of their organisations."""
    qs = Inspection.objects.filter(site=site)
    if reads_whole_site(user, site):
        return qs
    mine = permissions.organisations_for(user, RECTIFY_ROLES, site=site)
    return qs.filter(items__organisation__in=mine).distinct()


def visible_items(user, inspection: Inspection) -> QuerySet[InspectionItem]:
    qs = inspection.items.select_related("organisation", "finding", "record")
    if reads_whole_site(user, inspection.site):
        return qs
    mine = permissions.organisations_for(user, RECTIFY_ROLES, site=inspection.site)
    return qs.filter(organisation__in=mine)


def can_rectify(actor, item: InspectionItem) -> bool:
    return item.organisation_id is not None and permissions.allows(
        actor, item.organisation, RECTIFY_ROLES
    )


# --------------------------------------------------------------------------- helpers


def _audit(event, actor, obj, before, message) -> None:
    fields = ITEM_FIELDS if isinstance(obj, InspectionItem) else ["state", "kind", "held_on"]
    record_event(
        event,
        actor=actor,
        obj=obj,
        site=obj.site,
        before=before,
        after=snapshot(obj, fields),
        message=message,
    )


def _locked_item(item: InspectionItem, version: int | None) -> InspectionItem:
    """The item's row locked for this step; `version` is what the page showed (None: the
    caller's instance). Raises VersionConflict if someone acted on it since."""
    expect(item, item.version if version is None else version, fields=ITEM_FIELDS)
    fresh = InspectionItem.objects.select_related("inspection__site", "organisation").get(
        pk=item.pk
    )
    if fresh.inspection.state != InspectionState.OPEN:
        raise InspectionError("该检查已结束，不能再办理其中的问题。")
    return fresh


def _step(item: InspectionItem, transition: str) -> None:
    try:
        getattr(item, transition)()
    except TransitionNotAllowed:
        raise InspectionError(
            f"该问题当前状态为“{item.get_state_display()}”，不能进行这一操作。"
        ) from None


def _save(item: InspectionItem) -> None:
    item.version += 1
    item.save()


def _require_open(inspection: Inspection) -> None:
    if inspection.state != InspectionState.OPEN:
        raise InspectionError("该检查已结束，不能再添加或修改问题。")


def _text(value: str, label: str, limit: int = 5000) -> str:
    value = (value or "").strip()
    if not value:
        raise InspectionError(f"请填写{label}。")
    if len(value) > limit:
        raise InspectionError(f"{label}不能超过 {limit} 字。")
    return value


# --------------------------------------------------------------------------- the inspection


def open_inspection(
    actor, site: Site, *, kind: str, title: str, period: str, held_on: date, summary: str = ""
) -> Inspection:
    permissions.require(actor, "组织自查或督查", site, OFFICE_ROLES)
    inspection = Inspection.objects.create(
        site=site,
        kind=kind,
        title=_text(title, "检查名称", 200),
        period=_text(period, "检查期间", 100),
        held_on=held_on,
        summary=(summary or "").strip(),
        organiser=office_of(actor, site),
        created_by=permissions.user_of(actor),
    )
    _audit(AuditEventType.OBJECT_CREATED, actor, inspection, None, "开展检查")
    return inspection


def update_texts(actor, inspection: Inspection, *, summary: str, next_steps: str) -> Inspection:
    """基本情况 and 下一步工作 of the report."""
    permissions.require(actor, "修改检查报告", inspection.site, OFFICE_ROLES)
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        inspection.summary = (summary or "").strip()
        inspection.next_steps = (next_steps or "").strip()
        inspection.version += 1
        inspection.save()
        _audit(AuditEventType.OBJECT_CHANGED, actor, inspection, None, "修改检查报告内容")
    return inspection


def _next_number(inspection: Inspection) -> int:
    last = inspection.items.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def open_findings(site: Site) -> QuerySet[Finding]:
    """The site's open findings not yet taken into an open inspection."""
    taken = InspectionItem.objects.filter(
        inspection__state=InspectionState.OPEN, finding__isnull=False
    ).exclude(state__in=ITEM_DONE)
    return (
        Finding.objects.filter(site=site, resolved_at__isnull=True)
        .exclude(pk__in=taken.values("finding"))
        .select_related("organisation")
    )


def add_findings(actor, inspection: Inspection, findings) -> list[InspectionItem]:
    """Take open findings of the site into the inspection, one item each; the finding's
    organisation, if it names one, becomes the item's proposed responsible organisation."""
    permissions.require(actor, "向检查添加问题", inspection.site, OFFICE_ROLES)
    items = []
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        _require_open(inspection)
        allowed = open_findings(inspection.site)
        for finding in findings:
            if not allowed.filter(pk=finding.pk).exists():
                raise InspectionError(
                    f"“{finding.title}”不是本站点未整改的检查问题，或已在检查中。"
                )
            item = InspectionItem.objects.create(
                inspection=inspection,
                number=_next_number(inspection),
                finding=finding,
                indicator=finding.indicator[:100],
                description=finding.title + (f"（{finding.detail}）" if finding.detail else ""),
                severity=finding.severity,
                points=finding.points,
                organisation=finding.organisation
                if finding.organisation and finding.organisation.site_id == inspection.site_id
                else None,
            )
            _audit(AuditEventType.OBJECT_CREATED, actor, item, None, "从自动检查结果添加问题")
            items.append(item)
    return items


def add_item(
    actor,
    inspection: Inspection,
    *,
    indicator: str,
    description: str,
    severity: str,
    points=0,
) -> InspectionItem:
    """A problem found by hand (人工检查)."""
    permissions.require(actor, "向检查添加问题", inspection.site, OFFICE_ROLES)
    if points is None or points < 0:
        raise InspectionError("扣分不能为负数。")
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        _require_open(inspection)
        item = InspectionItem.objects.create(
            inspection=inspection,
            number=_next_number(inspection),
            indicator=_text(indicator, "指标", 100),
            description=_text(description, "问题描述"),
            severity=severity,
            points=points,
        )
        _audit(AuditEventType.OBJECT_CREATED, actor, item, None, "人工添加问题")
    return item


def due_date(*, working_days: int | None = None, on: date | None = None, start: date | None = None):
    """The deadline: a date, or N working days after today (the day itself not counted, as
    the 条例's periods are counted, core.workcalendar)."""
    if (working_days is None) == (on is None):
        raise InspectionError("请填写整改期限：工作日数或截止日期，二选一。")
    today = start or timezone.localdate()
    if on is not None:
        if on < today:
            raise InspectionError("整改截止日期不能早于今天。")
        return on, None
    if not 1 <= working_days <= MAX_DEADLINE_DAYS:
        raise InspectionError(f"整改期限应为 1 至 {MAX_DEADLINE_DAYS} 个工作日。")
    return add_working_days(today, working_days).date, working_days


def assign(
    actor,
    item: InspectionItem,
    *,
    organisation: Organisation,
    working_days: int | None = None,
    on: date | None = None,
    version: int | None = None,
) -> InspectionItem:
    """交办: the organisation that fixes the item, and by when."""
    permissions.require(actor, "交办检查问题", item.inspection.site, OFFICE_ROLES)
    if organisation.site_id != item.inspection.site_id or not organisation.is_active:
        raise InspectionError("责任单位应为本站点的在用机构。")
    deadline, days = due_date(working_days=working_days, on=on)
    with transaction.atomic():
        item = _locked_item(item, version)
        before = snapshot(item, ITEM_FIELDS)
        _step(item, "assign")
        item.organisation = organisation
        item.deadline, item.deadline_days = deadline, days
        _save(item)
        _audit(AuditEventType.STATE_CHANGED, actor, item, before, "交办整改")
    return item


def check_evidence(name: str, data: bytes) -> str:
    """An evidence file's kind judged by its content (core.uploads): PDF, images, Word or
    Excel; damaged files and zip bombs are refused."""
    try:
        return accept_by_content(
            name, data, kinds=EVIDENCE_KINDS, purpose="佐证材料", max_bytes=MAX_EVIDENCE_BYTES
        )
    except SuspiciousFile as exc:
        raise InspectionError(str(exc)) from None


def _store_evidence(
    item: InspectionItem, name: str, data: bytes, kind: str, actor
) -> RectificationEvidence:
    """Store a file `check_evidence` accepted as `kind`, its metadata stripped."""
    from gongkai.records.content import UploadRejected, strip_metadata

    try:
        # author names in file metadata are personal information (《条例》第十五条)
        data = strip_metadata(kind, data, name)
    except UploadRejected as exc:
        raise InspectionError(str(exc)) from None
    sha256 = hashlib.sha256(data).hexdigest()
    extension = {"jpeg": ".jpg"}.get(kind, f".{kind}")
    evidence = RectificationEvidence(
        item=item,
        file_name=(name or f"佐证材料{extension}")[:200],
        file_kind=kind,
        file_size=len(data),
        sha256=sha256,
        uploaded_by=permissions.user_of(actor),
    )
    evidence.file.save(f"{sha256[:16]}{extension}", ContentFile(data), save=False)
    evidence.save()
    return evidence


def linkable_records(item: InspectionItem, limit: int = 200):
    """The records a rectification may point to: the responsible organisation's published
    ones, newest first (a long list is cut at `limit`)."""
    from gongkai.records.models import Record

    if item.organisation_id is None:
        return Record.objects.none()
    newest = (
        Record.objects.filter(organisation_id=item.organisation_id, published_at__isnull=False)
        .order_by("-published_at")
        .values_list("pk", flat=True)[:limit]
    )
    return Record.objects.filter(pk__in=list(newest)).order_by("-published_at")


def rectify(
    actor,
    item: InspectionItem,
    *,
    text: str,
    files=(),
    record=None,
    submit: bool = True,
    version: int | None = None,
) -> InspectionItem:
    """The organisation's 整改情况: what was done, evidence files and optionally the record
    that shows it; `submit` hands it to the office for acceptance."""
    permissions.require(
        actor,
        "填报该问题的整改情况",
        item.organisation or item.inspection.site,
        RECTIFY_ROLES,
        message="" if item.organisation_id else "该问题尚未交办责任单位。",
    )
    text = _text(text, "整改情况")
    if record is not None and record.organisation_id != item.organisation_id:
        raise InspectionError("只能关联本单位发布的信息。")
    checked = [(name, data, check_evidence(name, data)) for name, data in files]
    with transaction.atomic():
        item = _locked_item(item, version)
        if item.state not in (ItemState.ASSIGNED, ItemState.RETURNED):
            raise InspectionError(
                f"该问题当前状态为“{item.get_state_display()}”，不能填报整改情况。"
            )
        before = snapshot(item, ITEM_FIELDS)
        item.rectification = text
        item.record = record
        for name, data, kind in checked:
            _store_evidence(item, name, data, kind, actor)
        if submit:
            _step(item, "submit")
        _save(item)
        _audit(
            AuditEventType.STATE_CHANGED if submit else AuditEventType.OBJECT_CHANGED,
            actor,
            item,
            before,
            "提交整改情况" if submit else "保存整改情况",
        )
    return item


def accept(actor, item: InspectionItem, *, version: int | None = None) -> InspectionItem:
    """验收通过. Two office admins accepting the same page: the second finds the version moved
    and nothing is written twice."""
    permissions.require(actor, "验收整改情况", item.inspection.site, OFFICE_ROLES)
    with transaction.atomic():
        item = _locked_item(item, version)
        before = snapshot(item, ITEM_FIELDS)
        _step(item, "accept")
        item.return_reason = ""
        _save(item)
        _audit(AuditEventType.STATE_CHANGED, actor, item, before, "整改验收通过")
    return item


def send_back(actor, item: InspectionItem, *, reason: str, version: int | None = None):
    """退回: the reason goes to the organisation, which rectifies and submits again."""
    permissions.require(actor, "退回整改情况", item.inspection.site, OFFICE_ROLES)
    reason = _text(reason, "退回原因", 2000)
    with transaction.atomic():
        item = _locked_item(item, version)
        before = snapshot(item, ITEM_FIELDS)
        _step(item, "send_back")
        item.return_reason = reason
        _save(item)
        _audit(AuditEventType.STATE_CHANGED, actor, item, before, "退回整改情况")
    return item


def close_item(actor, item: InspectionItem, *, reason: str, version: int | None = None):
    """An item that is not rectified within this inspection (e.g. a false positive, or moved
    into next year's plan) is closed with its reason, which the report shows."""
    permissions.require(actor, "关闭检查问题", item.inspection.site, OFFICE_ROLES)
    reason = _text(reason, "关闭原因", 2000)
    with transaction.atomic():
        item = _locked_item(item, version)
        before = snapshot(item, ITEM_FIELDS)
        _step(item, "close")
        item.close_reason = reason
        _save(item)
        _audit(AuditEventType.STATE_CHANGED, actor, item, before, "关闭检查问题")
    return item


def close_inspection(actor, inspection: Inspection, *, note: str = "") -> Inspection:
    """An inspection ends when every item is accepted or closed with a reason."""
    permissions.require(actor, "结束检查", inspection.site, OFFICE_ROLES)
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if inspection.state != InspectionState.OPEN:
            raise InspectionError("该检查已结束。")
        pending = inspection.items.exclude(state__in=ITEM_DONE).count()
        if pending:
            raise InspectionError(f"还有 {pending} 个问题未验收通过或关闭，不能结束检查。")
        before = snapshot(inspection, ["state"])
        inspection.close()
        inspection.close_note = (note or "").strip()
        inspection.version += 1
        inspection.save()
        _audit(AuditEventType.STATE_CHANGED, actor, inspection, before, "结束检查")
    return inspection


# --------------------------------------------------------------------------- figures


@dataclass
class Progress:
    total: int
    done: int
    overdue: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def progress(inspection: Inspection) -> Progress:
    today = timezone.localdate()
    figures = inspection.items.aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(state__in=ITEM_DONE)),
        overdue=Count(
            "id",
            filter=Q(state__in=[ItemState.ASSIGNED, ItemState.RETURNED], deadline__lt=today),
        ),
    )
    return Progress(**figures)


def overdue_items(site: Site) -> QuerySet[InspectionItem]:
    return InspectionItem.objects.filter(
        inspection__site=site,
        inspection__state=InspectionState.OPEN,
        state__in=[ItemState.ASSIGNED, ItemState.RETURNED],
        deadline__lt=timezone.localdate(),
    )


# --------------------------------------------------------------------------- the report


def office_of(actor, site: Site) -> Organisation | None:
    """The organising office: where the actor is office admin in the site, else the site's
    公开办 (the deepest office-kind organisation, e.g. 区政务公开办公室 under 区人民政府办公室)."""
    from gongkai.core.models import Membership, OrganisationKind

    if getattr(actor, "is_authenticated", False):
        membership = (
            Membership.objects.filter(user=actor, role=Role.OFFICE_ADMIN, organisation__site=site)
            .select_related("organisation")
            .first()
        )
        if membership is not None:
            return membership.organisation
    offices = Organisation.objects.filter(site=site, is_active=True, kind=OrganisationKind.OFFICE)
    return max(offices, key=lambda o: (o.depth, -o.pk), default=None)


def signing_organ(inspection: Inspection) -> str:
    """The report's 发文机关署名: the organising office, else the site's government."""
    organiser = inspection.organiser or office_of(None, inspection.site)
    return organiser.name if organiser else inspection.site.name


def _status_text(item: InspectionItem) -> str:
    text = item.get_state_display()
    if item.state == ItemState.CLOSED and item.close_reason:
        text += f"（{item.close_reason}）"
    elif item.is_overdue:
        text += "（已逾期）"
    return text


def report_rows(inspection: Inspection) -> list[list[str]]:
    rows = []
    for item in inspection.items.select_related("organisation").order_by("number"):
        rows.append(
            [
                str(item.number),
                f"{item.description}（{item.indicator}，{item.get_severity_display()}）",
                item.organisation.name if item.organisation_id else "未交办",
                document_date(item.deadline) if item.deadline else "—",
                item.rectification or "—",
                _status_text(item),
            ]
        )
    return rows


def report_docx(inspection: Inspection, actor=permissions.SYSTEM) -> bytes:
    """检查报告 in the official-document layout (GB/T 9704-2012, core.officialdoc)."""
    items = inspection.items.all()
    state_counts = {s: 0 for s in ItemState.values}
    for state in items.values_list("state", flat=True):
        state_counts[state] += 1
    numbers = progress(inspection)
    doc = officialdoc.OfficialDocument()
    doc.title(f"{inspection.title}报告")
    doc.heading("一、基本情况")
    doc.body(
        f"{document_date(inspection.held_on)}，{signing_organ(inspection)}组织开展"
        f"{inspection.get_kind_display()}（检查期间：{inspection.period}）。"
        f"共发现问题 {numbers.total} 个，已验收通过 {state_counts[ItemState.ACCEPTED]} 个，"
        f"关闭 {state_counts[ItemState.CLOSED]} 个，尚在整改 "
        f"{numbers.total - numbers.done} 个，其中逾期 {numbers.overdue} 个。"
    )
    if inspection.summary:
        for paragraph in inspection.summary.splitlines():
            if paragraph.strip():
                doc.body(paragraph.strip())
    doc.heading("二、发现的问题及整改情况")
    doc.table(["序号", "问题", "责任单位", "整改期限", "整改情况", "状态"], report_rows(inspection))
    doc.heading("三、下一步工作")
    next_steps = inspection.next_steps.strip() or (
        "对尚未完成整改的问题持续跟踪督办，按期验收；将检查发现的共性问题纳入日常监测。"
    )
    for paragraph in next_steps.splitlines():
        if paragraph.strip():
            doc.body(paragraph.strip())
    signed_on = inspection.closed_at.date() if inspection.closed_at else timezone.localdate()
    doc.signature(signing_organ(inspection), document_date(signed_on))
    return doc.to_bytes()


def report_filename(inspection: Inspection) -> str:
    return f"{inspection.title}报告.docx"


def export_report(actor, inspection: Inspection) -> bytes:
    if not reads_whole_site(actor, inspection.site):
        raise permissions.PermissionDenied("您没有权限导出该检查报告。")
    data = report_docx(inspection, actor)
    record_event(
        AuditEventType.EXPORTED,
        actor=actor,
        obj=inspection,
        site=inspection.site,
        message="导出检查报告",
    )
    return data


CHINESE_NUMERALS = "一二三四五六七八九十"


def _numeral(n: int) -> str:
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return f"{CHINESE_NUMERALS[tens - 1] if tens > 1 else ''}十{CHINESE_NUMERALS[ones - 1] if ones else ''}"


def package_reports(site: Site, year: int) -> bytes:
    """验收材料: the year's inspections with their rectifications, in one official document."""
    inspections = list(
        Inspection.objects.filter(site=site, held_on__year=year).order_by("held_on", "id")
    )
    doc = officialdoc.OfficialDocument()
    doc.title(f"{site.name}{year}年政务公开自查督查及整改情况")
    if not inspections:
        doc.body(f"{year}年未在平台上记录自查或督查。")
    for n, inspection in enumerate(inspections, start=1):
        numbers = progress(inspection)
        doc.heading(f"{_numeral(n)}、{inspection.title}")
        doc.body(
            f"{inspection.get_kind_display()}，{document_date(inspection.held_on)}，检查期间"
            f"{inspection.period}；发现问题 {numbers.total} 个，已完成 {numbers.done} 个，"
            f"逾期 {numbers.overdue} 个；状态：{inspection.get_state_display()}。"
        )
        doc.table(
            ["序号", "问题", "责任单位", "整改期限", "整改情况", "状态"], report_rows(inspection)
        )
    office = office_of(None, site)
    doc.signature(office.name if office else site.name, document_date(timezone.localdate()))
    return doc.to_bytes()


def workbench_panel(request):
    """督查整改 on the workbench: the office sees what waits for acceptance, an organisation's
    staff what they have to rectify; hidden when there is nothing of theirs."""
    user = request.user
    site = permissions.staff_site(request) if getattr(user, "is_authenticated", False) else None
    if site is None:
        return None
    items = InspectionItem.objects.filter(
        inspection__site=site, inspection__state=InspectionState.OPEN
    )
    manage = can_manage(user, site)
    if not manage:
        mine = permissions.organisations_for(user, RECTIFY_ROLES, site=site)
        items = items.filter(organisation__in=mine)
    figures = items.aggregate(
        waiting=Count("id", filter=Q(state=ItemState.SUBMITTED)),
        rectifying=Count("id", filter=Q(state__in=[ItemState.ASSIGNED, ItemState.RETURNED])),
        overdue=Count(
            "id",
            filter=Q(
                state__in=[ItemState.ASSIGNED, ItemState.RETURNED],
                deadline__lt=timezone.localdate(),
            ),
        ),
    )
    if not manage and not figures["rectifying"] and not figures["waiting"]:
        return None
    return "oversight/inspection_panel.html", {"manage": manage, **figures}
