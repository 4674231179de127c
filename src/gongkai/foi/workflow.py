"""Every change to a request goes through here (《条例》第四十五条: 登记、审核、办理、答复、归档).

Each step checks the legal conditions, moves the state machine, appends a `FoiEvent`,
recomputes the due date from the whole event log, writes an `AuditEvent`, and sends the
applicant's notification after the transaction commits. Illegal steps raise `WorkflowError`
with a Chinese message; nothing is written then.
"""

from __future__ import annotations

import hashlib
import uuid
from contextlib import contextmanager
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from gongkai.core import officialdoc, permissions
from gongkai.core.audit import actor_snapshot, record_event, snapshot
from gongkai.core.models import AuditEventType, Organisation, Role, Site
from gongkai.core.sequences import next_value
from gongkai.core.versioning import expect
from gongkai.core.workcalendar import add_working_days, count_working_days

from . import notify, rules
from .models import (
    CONCLUDED,
    LOG_KINDS,
    Appeal,
    AppealResult,
    ApplicantKind,
    Attachment,
    AttachmentKind,
    Channel,
    EventKind,
    FeeNotice,
    FoiEvent,
    FoiRequest,
    Outcome,
    State,
)

AUDIT_FIELDS = [
    "state",
    "due_date",
    "outcome",
    "replied_on",
    "correction_due",
    "delivered_on",
    "fees_total",
    "closed_on",
    "closed_reason",
    "void",
]


# Who may take the steps: the organisation's editors, reviewers and the office admin (whose
# site covers every organisation), the same roles that scope the case list; erasing personal
# data is the office admin's (or the retention job's, as permissions.SYSTEM).
HANDLE_ROLES = permissions.WRITE_ROLES
ADMIN_ROLES = (Role.OFFICE_ADMIN,)


class WorkflowError(ValueError):
    """A step the rules do not allow; the message is shown to the user as is."""


def today() -> date:
    return timezone.localdate()


def _actor_name(actor) -> str:
    snap = actor_snapshot(actor)
    return snap["actor_name"] or snap["actor_username"]


# --------------------------------------------------------------------------- registration


def _next_serial(site: Site, year: int) -> str:
    """申请编号 YEAR-NNNN from the shared locked sequence (core.sequences), as 索引号 are."""
    prefix = f"{year}-"

    def seed() -> int:
        # Serials registered before the sequence existed, compared as numbers, not text.
        used = FoiRequest.objects.filter(site=site, serial__startswith=prefix)
        return max(
            (
                int(s[len(prefix) :])
                for s in used.values_list("serial", flat=True)
                if s[len(prefix) :].isdigit()
            ),
            default=0,
        )

    def is_free(number: int) -> bool:
        return not FoiRequest.objects.filter(site=site, serial=f"{prefix}{number:04d}").exists()

    number = next_value(site, "foi.serial", str(year), seed=seed, is_free=is_free)
    return f"{prefix}{number:04d}"


def _unique_code() -> str:
    while True:
        code = rules.new_tracking_code()
        if not FoiRequest.objects.filter(tracking_code=code).exists():
            return code


APPLICANT_FIELDS = [
    "applicant_kind",
    "org_category",
    "name",
    "id_type",
    "id_number",
    "org_name",
    "credit_code",
    "phone",
    "email",
    "address",
    "postcode",
    "description",
    "document_title",
    "document_number",
    "purpose",
    "wanted_form",
    "delivery",
]


@transaction.atomic
def register(
    *,
    organisation: Organisation,
    applicant: dict,
    channel: str,
    submitted_on: date,
    signed_on: date | None = None,
    confirmed_on: date | None = None,
    mail_signed: bool = False,
    files: list[tuple[str, object]] = (),
    actor,
) -> FoiRequest:
    """Register a request (online by the applicant, or by staff for a letter, visit, fax or
    email) with its receipt date by 《条例》第三十一条; the reply clock starts that day."""
    permissions.require(
        actor, "为该机关登记申请", organisation, HANDLE_ROLES, public=channel == Channel.ONLINE
    )
    received_on, basis = rules.receipt_date(
        channel,
        submitted_on=submitted_on,
        signed_on=signed_on,
        confirmed_on=confirmed_on,
        mail_signed=mail_signed,
    )
    if received_on > today():
        raise WorkflowError("收到申请的日期不能晚于今天。")
    if not organisation.is_active:
        raise WorkflowError("该机关已撤销，不能受理申请。")
    if not organisation.receives_requests:
        raise WorkflowError(
            f"{organisation.name}（{organisation.get_legal_type_display()}）不是行政机关或"
            "法律、法规授权的组织，不受理政府信息公开申请（《条例》第二条、第五十四条）。"
        )
    values = {key: applicant.get(key, "") for key in APPLICANT_FIELDS}
    if values["applicant_kind"] == ApplicantKind.NATURAL:
        values["org_category"] = ""
        values["org_name"] = ""
        values["credit_code"] = ""
    elif not values["org_category"]:
        raise WorkflowError("法人或其他组织，请选择组织类别。")
    request = FoiRequest(
        site=organisation.site,
        organisation=organisation,
        serial=_next_serial(organisation.site, received_on.year),
        tracking_code=_unique_code(),
        channel=channel,
        submitted_on=submitted_on,
        received_on=received_on,
        receipt_basis=basis,
        **values,
    )
    request.save()
    for kind, uploaded in files:
        if uploaded:
            store_attachment(request, kind, uploaded, actor=actor)
    _append(request, EventKind.RECEIVED, received_on, actor, note=basis)
    request.save()
    record_event(
        AuditEventType.OBJECT_CREATED,
        actor=actor,
        obj=request,
        after=snapshot(request, AUDIT_FIELDS + ["received_on", "channel", "organisation"]),
        message=f"登记政府信息公开申请（{request.get_channel_display()}）",
    )
    notify.later(request, "received")
    return request


def store_attachment(
    request: FoiRequest, kind: str, uploaded, actor=None, kinds=None
) -> Attachment:
    """Keep a file privately after checking its type by content and its size."""
    uploaded.seek(0)
    data = uploaded.read(rules.MAX_UPLOAD_BYTES + 1)
    try:
        content_type, ext = rules.check_upload(data, max(uploaded.size, len(data)), kinds=kinds)
    except rules.RuleError as exc:
        raise WorkflowError(f"{getattr(uploaded, 'name', '文件')}：{exc}") from None
    return _save_file(
        request, kind, data, getattr(uploaded, "name", "文件"), content_type, ext, actor
    )


def _save_file(request, kind, data: bytes, original_name, content_type, ext, actor) -> Attachment:
    attachment = Attachment(
        request=request,
        kind=kind,
        original_name=str(original_name)[:200],
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=_actor_name(actor) or "申请人",
    )
    attachment.file.save(f"{uuid.uuid4().hex}{ext}", ContentFile(data), save=False)
    attachment.save()
    return attachment


def keep_letter_pdf(request: FoiRequest, data: bytes, name: str, *, actor) -> Attachment:
    """The reply letter's PDF, converted on its first download, kept with the case."""
    permissions.require(actor, "保存答复告知书", request, HANDLE_ROLES)
    return _save_file(
        request, AttachmentKind.REPLY_LETTER, data, name, "application/pdf", ".pdf", actor
    )


def letter_name(request: FoiRequest, fmt: str, title: str = "答复告知书") -> str:
    return f"{title}-{request.serial}.{fmt}"


def reply_letter(request: FoiRequest, fmt: str, actor=permissions.SYSTEM) -> bytes:
    """The reply letter as sent (.docx made at the reply, PDF converted once and kept), so
    staff, the applicant's download and the e-mail all hand out the same file. A letter whose
    file was erased with the applicant's data is made again from the case. Raises
    PdfUnavailable when the PDF cannot be made on this server."""
    from . import letters

    stored = request.attachments.filter(kind=AttachmentKind.REPLY_LETTER).exclude(file="")
    content_type = officialdoc.DOCX_TYPE if fmt == "docx" else "application/pdf"
    kept = stored.filter(content_type=content_type).last()
    if kept is not None:
        with kept.file.open("rb") as handle:
            return handle.read()
    if fmt == "docx":
        return letters.reply_letter_docx(request)
    data = letters.reply_letter_pdf(request)
    keep_letter_pdf(request, data, letter_name(request, "pdf"), actor=actor)
    return data


def correction_letter(request: FoiRequest, fmt: str) -> bytes:
    """The 补正告知书, made from the case each time (it is short): what to correct, by when,
    and how to do it online. Raises PdfUnavailable when the PDF cannot be made here."""
    from . import letters

    parts = letters.correction_paragraphs(request, notify.tracking_url(request))
    return letters.letter_docx(parts) if fmt == "docx" else letters.letter_pdf(parts)


def has_correction_notice(request: FoiRequest) -> bool:
    return _has_event(request, EventKind.CORRECTION_ASKED)


def released_files(request: FoiRequest):
    """The information released with the reply (what the applicant may download)."""
    return request.attachments.filter(kind=AttachmentKind.RELEASED).exclude(file="")


def log_delivery(request: FoiRequest, kind: str, note: str, actor=None) -> FoiEvent:
    """One line of the delivery log (e-mail sent, file downloaded): not a step of the case, so
    neither the version nor the clock moves. The note names documents, never the applicant's
    address or phone."""
    if kind not in LOG_KINDS:
        raise ValueError(f"not a log event: {kind}")
    return _append(request, kind, today(), actor or permissions.SYSTEM, note=note, visible=False)


def first_download(request: FoiRequest, what: str) -> FoiEvent | None:
    """Log the applicant's first download of `what` (later ones add nothing to the log)."""
    note = f"申请人从查询页面下载{what}"
    with transaction.atomic():
        FoiRequest.objects.select_for_update().filter(pk=request.pk).first()
        if request.events.filter(kind=EventKind.DOWNLOADED, note=note).exists():
            return None
        return log_delivery(request, EventKind.DOWNLOADED, note, actor=permissions.PUBLIC)


# --------------------------------------------------------------------------- the log


def _append(
    request: FoiRequest,
    kind: str,
    on: date,
    actor,
    *,
    days: int = 0,
    note: str = "",
    visible: bool = True,
) -> FoiEvent:
    """Append an event and recompute the cached due date from the whole log."""
    events = list(request.events.all()) if request.pk else []
    event = FoiEvent(
        request=request,
        kind=kind,
        date=on,
        days=days,
        note=note,
        visible_to_applicant=visible,
        old_due=request.due_date,
    )
    if kind in rules.CLOCK_KINDS:
        try:
            due = rules.due_from_events([*events, event])
        except ValueError as exc:
            raise WorkflowError(str(exc)) from None
        request.due_date = due.date
        request.due_provisional = due.provisional
    event.new_due = request.due_date
    snap = actor_snapshot(actor)
    event.actor_id = snap["actor_id"]
    event.actor_name = snap["actor_name"]
    event.save()
    return event


def _check_date(request: FoiRequest, on: date) -> None:
    if on is None:
        raise WorkflowError("请填写日期。")
    if on > today():
        raise WorkflowError("日期不能晚于今天。")
    if on < request.received_on:
        raise WorkflowError(f"日期不能早于收到申请的日期（{request.received_on}）。")
    last = request.events.exclude(kind__in=LOG_KINDS).order_by("-date")
    last_date = last.values_list("date", flat=True).first()
    if last_date and on < last_date:
        raise WorkflowError(f"日期不能早于上一个办理环节的日期（{last_date}）。")


def _step(request: FoiRequest, transition: str, *args) -> None:
    try:
        getattr(request, transition)(*args)
    except TransitionNotAllowed:
        raise WorkflowError(
            f"申请当前状态为“{request.get_state_display()}”，不能进行这一操作。"
        ) from None


def _locked(request: FoiRequest) -> FoiRequest:
    """The case row, locked for this step, its version moved on: every step edits the case,
    so a page loaded before it can tell (`handling`)."""
    FoiRequest.objects.filter(pk=request.pk).update(version=F("version") + 1)
    return FoiRequest.objects.select_for_update().get(pk=request.pk)


def _audit(request, before, actor, message) -> None:
    record_event(
        AuditEventType.STATE_CHANGED,
        actor=actor,
        obj=request,
        before=before,
        after=snapshot(request, AUDIT_FIELDS),
        message=message,
    )


def _has_event(request: FoiRequest, kind: str) -> bool:
    return request.events.filter(kind=kind).exists()


def _extension_active(request: FoiRequest) -> bool:
    last_ext = request.events.filter(kind=EventKind.EXTENDED).order_by("-date", "-id").first()
    if last_ext is None:
        return False
    return not request.events.filter(
        kind=EventKind.CORRECTION_RECEIVED, date__gte=last_ext.date, id__gt=last_ext.id
    ).exists()


# --------------------------------------------------------------------------- correction


@transaction.atomic
def ask_correction(
    request: FoiRequest, *, on: date, what: str, correct_by: date | None = None, actor
) -> FoiRequest:
    """《条例》第三十条: one written notice, within 7 working days of receipt, saying what to
    correct and by when; the reply clock stops until the corrected request arrives."""
    permissions.require(actor, "办理该申请", request, HANDLE_ROLES)
    request = _locked(request)
    _check_date(request, on)
    if _has_event(request, EventKind.CORRECTION_ASKED):
        raise WorkflowError("补正通知只能发一次（《条例》第三十条：一次性告知需要补正的事项）。")
    used = count_working_days(request.received_on, on)
    if used > rules.CORRECTION_NOTICE_DAYS:
        limit = rules.correction_notice_deadline(request.received_on).date
        raise WorkflowError(
            f"补正通知应在收到申请之日起 7 个工作日内发出（本申请截至 {limit}），"
            f"现已过 {used} 个工作日（《条例》第三十条）。"
        )
    if not (what or "").strip():
        raise WorkflowError("请写明需要补正的事项。")
    correct_by = correct_by or add_working_days(on, rules.CORRECTION_DEFAULT_DAYS).date
    if correct_by <= on:
        raise WorkflowError("补正期限应晚于通知日期。")
    before = snapshot(request, AUDIT_FIELDS)
    _step(request, "ask_correction")
    request.correction_due = correct_by
    _append(
        request,
        EventKind.CORRECTION_ASKED,
        on,
        actor,
        note=f"需要补正的事项：{what.strip()}。请于 {correct_by} 前提交补正材料"
        "（可凭查询码和申请时填写的联系电话，在“查询办理进度”页面在线提交）。",
    )
    request.save()
    _audit(request, before, actor, "告知补正")
    notify.later(request, "correction_asked")
    return request


@transaction.atomic
def receive_correction(request: FoiRequest, *, on: date, note: str = "", actor, files=()):
    """The corrected request arrived: the clock restarts from that day (《条例》第三十条)."""
    permissions.require(actor, "办理该申请", request, HANDLE_ROLES)
    request = _locked(request)
    _check_date(request, on)
    late = request.correction_due and on > request.correction_due
    text = note.strip() or "收到补正后的申请，重新计算答复期限"
    if late:
        text += f"（晚于补正期限 {request.correction_due}，经审查有正当理由）"
    return _correction_arrived(request, on, text, actor, files)


def _correction_arrived(request, on, text, actor, files) -> FoiRequest:
    before = snapshot(request, AUDIT_FIELDS)
    _step(request, "receive_correction")
    for kind, uploaded in files:
        if uploaded:
            store_attachment(request, kind, uploaded, actor=actor)
    _append(request, EventKind.CORRECTION_RECEIVED, on, actor, note=text)
    request.save()
    _audit(request, before, actor, "收到补正")
    notify.later(request, "correction_received")
    return request


@transaction.atomic
def submit_correction(request: FoiRequest, *, text: str, files=(), actor) -> FoiRequest:
    """The applicant corrects online from the tracking page (the view has checked the code and
    phone): received the day it is submitted, so the reply period counts again from today
    (《条例》第三十条), as when staff register a correction by letter. Once per notice, and only
    while the notice is pending and within its deadline; a late correction goes to the organ,
    which judges whether there was good reason."""
    permissions.require(actor, "提交补正", request, HANDLE_ROLES, public=True)
    request = _locked(request)
    if request.state != State.CORRECTION_ASKED:
        if _has_event(request, EventKind.CORRECTION_RECEIVED):
            raise WorkflowError("补正材料已经提交，不能重复提交。")
        raise WorkflowError("该申请当前没有需要补正的事项。")
    on = today()
    if request.correction_due and on > request.correction_due:
        phone = request.organisation.phone
        raise WorkflowError(
            f"补正期限（{request.correction_due}）已过，不能在线提交。如有正当理由，"
            f"请与{request.organisation.name}联系" + (f"（电话 {phone}）。" if phone else "。")
        )
    text = (text or "").strip()
    if not text:
        raise WorkflowError("请填写补正说明。")
    files = [f for f in files if f]
    if len(files) > rules.MAX_CORRECTION_FILES:
        raise WorkflowError(f"一次最多上传 {rules.MAX_CORRECTION_FILES} 个文件。")
    # The applicant's words are personal data: kept as a private file of the case (erased
    # with the case's other files, foi.privacy), not in the append-only log.
    _save_file(
        request,
        AttachmentKind.CORRECTION,
        text.encode("utf-8"),
        "补正说明.txt",
        "text/plain; charset=utf-8",
        ".txt",
        actor,
    )
    note = "申请人通过查询页面在线提交补正（补正说明" + (
        f"及 {len(files)} 个文件）" if files else "）"
    )
    note += "，答复期限自收到补正之日起重新计算"
    return _correction_arrived(
        request, on, note, actor, [(AttachmentKind.CORRECTION, f) for f in files]
    )


@transaction.atomic
def abandon(request: FoiRequest, *, on: date, actor) -> FoiRequest:
    """No correction by the deadline without good reason: the request counts as abandoned
    (《条例》第三十条), 办理结果 其他处理 1."""
    permissions.require(actor, "办理该申请", request, HANDLE_ROLES)
    request = _locked(request)
    _check_date(request, on)
    if request.correction_due and on <= request.correction_due:
        raise WorkflowError(f"补正期限（{request.correction_due}）尚未届满，不能视为放弃。")
    before = snapshot(request, AUDIT_FIELDS)
    _step(request, "abandon")
    request.outcome = Outcome.OTHER_NO_CORRECTION
    request.replied_on = on
    _append(
        request, EventKind.ABANDONED, on, actor, note="申请人无正当理由逾期未补正，视为放弃申请。"
    )
    request.save()
    _audit(request, before, actor, "逾期未补正，视为放弃")
    notify.later(request, "abandoned")
    return request


# --------------------------------------------------------------------------- consultation


@transaction.atomic
def start_consultation(request: FoiRequest, *, on: date, party: str, actor) -> FoiRequest:
    """Ask a third party (《条例》第三十二条) or a co-producing organ (第三十四条) in writing;
    they have 15 working days and the time is not counted (第三十三条第二款)."""
    permissions.require(actor, "办理该申请", request, HANDLE_ROLES)
    request = _locked(request)
    _check_date(request, on)
    if not (party or "").strip():
        raise WorkflowError("请填写征求意见的对象。")
    before = snapshot(request, AUDIT_FIELDS)
    _step(request, "consult")
    answer_by = rules.consultation_deadline(on).date
    _append(
        request,
        EventKind.CONSULTATION_STARTED,
        on,
        actor,
        note=f"书面征求{party.strip()}意见，请其于 {answer_by} 前答复（15 个工作日），"
        "征求意见期间不计入答复期限。",
    )
    request.save()
    _audit(request, before, actor, f"征求意见：{party.strip()}")
    notify.later(request, "consultation_started")
    return request


@transaction.atomic
def end_consultation(request: FoiRequest, *, on: date, note: str = "", actor) -> FoiRequest:
    """The consulted party answered (or its 15 days passed; an organ's silence is consent,
    《条例》第三十四条): the clock resumes."""
    permissions.require(actor, "办理该申请", request, HANDLE_ROLES)
    request = _locked(request)
    _check_date(request, on)
    if request.state != State.CONSULTING:
        raise WorkflowError("申请当前没有在征求意见，不能结束征求意见。")
    before = snapshot(request, AUDIT_FIELDS)
    _step(request, "resume", _extension_active(request))
    _append(
        request,
        EventKind.CONSULTATION_ANSWERED,
        on,
        actor,
        note=note.strip() or "收到意见，恢复计算答复期限",
    )
    request.save()
    _audit(request, before, actor, "征求意见结束")
    return request


# --------------------------------------------------------------------------- extension


@transaction.atomic
def extend(
    request: FoiRequest, *, on: date, days: int, approver: str, reason: str, actor
) -> FoiRequest:
    """One extension of at most 20 working days, approved by the office head and told to the
    applicant (《条例》第三十三条第二款)."""
    permissions.require(actor, "延长答复期限", request, HANDLE_ROLES)
    request = _locked(request)
    _check_date(request, on)
    if _has_event(request, EventKind.EXTENDED):
        raise WorkflowError("答复期限只能延长一次（《条例》第三十三条第二款）。")
    if not isinstance(days, int) or not 1 <= days <= rules.MAX_EXTENSION_DAYS:
        raise WorkflowError("延长的期限应为 1 至 20 个工作日（《条例》第三十三条第二款）。")
    if not (approver or "").strip():
        raise WorkflowError("延长答复期限须经政府信息公开工作机构负责人同意，请填写批准人。")
    if request.due_date and on > request.due_date:
        raise WorkflowError(f"答复期限已于 {request.due_date} 届满，不能再延长。")
    before = snapshot(request, AUDIT_FIELDS)
    _step(request, "extend")
    _append(
        request,
        EventKind.EXTENDED,
        on,
        actor,
        days=days,
        note=f"经{approver.strip()}同意，延长答复期限 {days} 个工作日。理由：{reason.strip() or '需要'}",
    )
    request.save()
    _audit(request, before, actor, f"延长答复期限 {days} 个工作日（批准人：{approver.strip()}）")
    notify.later(request, "extended")
    return request


# --------------------------------------------------------------------------- fees


@transaction.atomic
def issue_fee_notice(
    request: FoiRequest,
    *,
    on: date,
    mode: str,
    monthly_count: int | None = None,
    pages: int | None = None,
    actor,
) -> FeeNotice:
    """A processing-fee notice (《条例》第四十二条, 国办函〔2020〕109号): per request or per page,
    never both; the time until payment is not counted in the reply period."""
    permissions.require(actor, "发出收费通知", request, HANDLE_ROLES)
    request = _locked(request)
    _check_date(request, on)
    if FeeNotice.objects.filter(request=request).exists():
        raise WorkflowError("该申请已经发出过收费通知。")
    try:
        amount = rules.fee_amount(mode, monthly_count=monthly_count, pages=pages)
    except rules.RuleError as exc:
        raise WorkflowError(str(exc)) from None
    if amount <= 0:
        raise WorkflowError("按该标准不需要收费，无需发出收费通知。")
    before = snapshot(request, AUDIT_FIELDS)
    _step(request, "ask_fee")
    pay_by = add_working_days(on, rules.FEE_PAYMENT_DAYS).date
    notice = FeeNotice.objects.create(
        request=request,
        mode=mode,
        monthly_count=monthly_count if mode == "per_request" else None,
        pages=pages if mode == "per_page" else None,
        amount=amount,
        issued_on=on,
        pay_by=pay_by,
    )
    _append(
        request,
        EventKind.FEE_NOTICE,
        on,
        actor,
        note=f"{notice.get_mode_display()}，应缴信息处理费 {amount} 元，请于 {pay_by} 前缴纳；"
        "缴费期间不计入答复期限。",
    )
    request.save()
    _audit(request, before, actor, f"发出收费通知 {amount} 元")
    notify.later(request, "fee_notice")
    return notice


@transaction.atomic
def record_payment(request: FoiRequest, *, on: date, actor) -> FoiRequest:
    permissions.require(actor, "登记缴费", request, HANDLE_ROLES)
    request = _locked(request)
    _check_date(request, on)
    notice = FeeNotice.objects.filter(request=request).first()
    if notice is None or notice.paid_on:
        raise WorkflowError("没有待缴的收费通知。")
    before = snapshot(request, AUDIT_FIELDS)
    _step(request, "resume", _extension_active(request))
    notice.paid_on = on
    notice.save(update_fields=["paid_on"])
    request.fees_total = notice.amount
    _append(request, EventKind.FEE_PAID, on, actor, note=f"已缴纳信息处理费 {notice.amount} 元")
    request.save()
    _audit(request, before, actor, "登记缴费")
    return request


@transaction.atomic
def fee_lapsed(request: FoiRequest, *, on: date, actor) -> FoiRequest:
    """Unpaid after the deadline: the request is not processed further (其他处理 2)."""
    permissions.require(actor, "办理该申请", request, HANDLE_ROLES)
    request = _locked(request)
    _check_date(request, on)
    notice = FeeNotice.objects.filter(request=request).first()
    if notice is None or notice.paid_on:
        raise WorkflowError("没有待缴的收费通知。")
    if on <= notice.pay_by:
        raise WorkflowError(f"缴费期限（{notice.pay_by}）尚未届满。")
    before = snapshot(request, AUDIT_FIELDS)
    _step(request, "fee_lapsed")
    request.outcome = Outcome.OTHER_UNPAID
    request.replied_on = on
    _append(request, EventKind.FEE_LAPSED, on, actor, note="申请人逾期未缴纳费用，不再处理该申请。")
    request.save()
    _audit(request, before, actor, "逾期未缴费，不再处理")
    notify.later(request, "replied")
    return request


# --------------------------------------------------------------------------- reply


REASON_REQUIRED_GROUPS = {"2", "3", "4", "5"}
NOT_BY_REPLY = {Outcome.OTHER_NO_CORRECTION, Outcome.OTHER_UNPAID}


@transaction.atomic
def reply(
    request: FoiRequest, *, on: date, outcome: str, reason: str = "", files=(), actor
) -> FoiRequest:
    """Reply with an outcome of 《条例》第三十六条 (partial disclosure, 第三十七条); the reply
    letter (告知书) is generated and kept with the case, with the released information
    (`files`, 《条例》第四十条) the applicant downloads or receives by e-mail."""
    permissions.require(actor, "答复该申请", request, HANDLE_ROLES)
    from . import letters

    request = _locked(request)
    _check_date(request, on)
    if outcome not in Outcome.values:
        raise WorkflowError("请选择办理结果。")
    if outcome in NOT_BY_REPLY:
        raise WorkflowError("该结果由“视为放弃”或“逾期未缴费”操作登记，不能直接答复。")
    reason = (reason or "").strip()
    if rules.outcome_group(outcome) in REASON_REQUIRED_GROUPS and not reason:
        raise WorkflowError(
            "部分公开、不予公开、无法提供和不予处理，应当说明理由（《条例》第三十六条）。"
        )
    files = [f for f in files if f]
    if files and rules.outcome_group(outcome) not in ("1", "2"):
        raise WorkflowError("只有予以公开或部分公开时才附公开的政府信息。")
    before = snapshot(request, AUDIT_FIELDS)
    _step(request, "reply")
    for uploaded in files:
        store_attachment(
            request, AttachmentKind.RELEASED, uploaded, actor=actor, kinds=rules.RELEASED_KINDS
        )
    request.outcome = outcome
    request.outcome_reason = reason
    request.replied_on = on
    late = request.due_date and on > request.due_date
    _append(
        request,
        EventKind.REPLIED,
        on,
        actor,
        note=f"办理结果：{Outcome(outcome).label}" + ("（逾期答复）" if late else ""),
    )
    request.save()
    data = letters.reply_letter_docx(request)
    _save_file(
        request,
        AttachmentKind.REPLY_LETTER,
        data,
        letter_name(request, "docx"),
        officialdoc.DOCX_TYPE,
        ".docx",
        actor,
    )
    _audit(request, before, actor, f"答复：{Outcome(outcome).label}")
    notify.later(request, "replied")
    return request


@transaction.atomic
def record_delivery(request: FoiRequest, *, on: date, note: str, actor) -> FoiRequest:
    permissions.require(actor, "登记送达", request, HANDLE_ROLES)
    request = _locked(request)
    _check_date(request, on)
    if request.state not in (State.REPLIED, State.ABANDONED):
        raise WorkflowError("答复后才能登记送达。")
    before = snapshot(request, AUDIT_FIELDS)
    request.delivered_on = on
    request.delivery_note = (note or "").strip()[:200] or request.get_delivery_display()
    _append(request, EventKind.DELIVERED, on, actor, note=f"送达：{request.delivery_note}")
    request.save()
    _audit(request, before, actor, "登记送达")
    return request


# --------------------------------------------------------------------------- closing


@transaction.atomic
def close(request: FoiRequest, *, on: date, reason: str, actor) -> FoiRequest:
    """Archive a concluded case (《条例》第四十五条), or close one registered by mistake with a
    reason. Nothing is ever deleted; a mistaken registration stays, marked and uncounted."""
    permissions.require(actor, "归档或关闭该申请", request, HANDLE_ROLES)
    request = _locked(request)
    _check_date(request, on)
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("请填写归档或关闭的原因。")
    before = snapshot(request, AUDIT_FIELDS)
    if request.state in (State.REPLIED, State.ABANDONED):
        _step(request, "archive")
        message = f"归档：{reason}"
    else:
        _step(request, "close_as_void")
        request.void = True
        message = f"误登记关闭：{reason}"
    request.closed_on = on
    request.closed_reason = reason[:200]
    _append(request, EventKind.CLOSED, on, actor, note=message)
    request.save()
    _audit(request, before, actor, message)
    return request


# --------------------------------------------------------------------------- appeals


@transaction.atomic
def add_appeal(request: FoiRequest, *, kind: str, filed_on: date, note: str = "", actor):
    """A reconsideration or lawsuit about the request, for table 四."""
    permissions.require(actor, "登记行政复议或行政诉讼", request, HANDLE_ROLES)
    if request.state not in CONCLUDED:
        raise WorkflowError("申请办结后才能登记行政复议或行政诉讼。")
    if filed_on > today() or (request.replied_on and filed_on < request.replied_on):
        raise WorkflowError("受理日期应在答复之后、今天之前。")
    appeal = Appeal.objects.create(request=request, kind=kind, filed_on=filed_on, note=note)
    _append(
        request,
        EventKind.APPEAL,
        filed_on,
        actor,
        note=f"{appeal.get_kind_display()}已受理",
        visible=False,
    )
    record_event(
        AuditEventType.OBJECT_CREATED,
        actor=actor,
        obj=appeal,
        after=snapshot(appeal),
        site=request.site,
        message="登记行政复议/行政诉讼",
    )
    return appeal


@transaction.atomic
def decide_appeal(appeal: Appeal, *, result: str, decided_on: date | None, actor) -> Appeal:
    permissions.require(actor, "登记复议或诉讼结果", appeal.request, HANDLE_ROLES)
    if result not in AppealResult.values:
        raise WorkflowError("请选择结果。")
    if result != AppealResult.PENDING and decided_on is None:
        raise WorkflowError("请填写审结日期。")
    if decided_on and (decided_on < appeal.filed_on or decided_on > today()):
        raise WorkflowError("审结日期应在受理之后、今天之前。")
    before = snapshot(appeal)
    appeal.result = result
    appeal.decided_on = decided_on if result != AppealResult.PENDING else None
    appeal.save()
    _append(
        appeal.request,
        EventKind.APPEAL,
        decided_on or appeal.filed_on,
        actor,
        note=f"{appeal.get_kind_display()}：{appeal.get_result_display()}",
        visible=False,
    )
    record_event(
        AuditEventType.OBJECT_CHANGED,
        actor=actor,
        obj=appeal,
        before=before,
        after=snapshot(appeal),
        site=appeal.request.site,
        message="登记复议/诉讼结果",
    )
    return appeal


def anonymise(request: FoiRequest, actor) -> FoiRequest:
    """Erase the applicant's personal data of an archived case (see foi.privacy, which checks
    the actor: the office admin, or the system on the retention schedule)."""
    from .privacy import anonymise as erase

    return erase(request, actor)


# --------------------------------------------------------------------------- concurrent staff

#: what a conflicting step on a case shows: the fields the steps change
CASE_COMPARE = [*AUDIT_FIELDS, "outcome_reason", "delivery_note"]


@contextmanager
def handling(request: FoiRequest, version: int, base: str | None = None):
    """A staff step on the case as the page showed it at `version`: if someone handled the
    case since, `VersionConflict` says what changed, and the step is not run. The row stays
    locked until the step commits, so two staff cannot both act on the same state."""
    with transaction.atomic():
        expect(request, version, fields=CASE_COMPARE, base=base)
        yield
