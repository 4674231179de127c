"""Telling applicants and handlers what happened.

Applicants get an email (and, through a configurable hook, an SMS) at receipt, correction
notice, extension, fee notice and reply (《条例》第三十条、第三十三条 require written notices;
these messages are a courtesy on top of the formal letters). Handlers get reminders before
due dates (`remind_handlers`, run daily by the `foi.tasks.remind_due_requests` task).

Sending happens after the transaction commits and never breaks the step that caused it.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from datetime import date, timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gongkai.core import officialdoc
from gongkai.core import sms as core_sms
from gongkai.core.mail import send_once
from gongkai.core.sites import absolute_url

logger = logging.getLogger(__name__)

_suppressed: contextvars.ContextVar[bool] = contextvars.ContextVar("foi_notify_off", default=False)


@contextlib.contextmanager
def suppressed():
    """No notifications inside (demo data, imports)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


SUBJECTS = {
    "received": "已收到您的政府信息公开申请",
    "correction_asked": "请补正您的政府信息公开申请",
    "correction_received": "已收到您的补正材料",
    "consultation_started": "您的政府信息公开申请正在征求意见",
    "extended": "您的政府信息公开申请答复期限已延长",
    "fee_notice": "政府信息公开信息处理费收费通知",
    "replied": "您的政府信息公开申请已经答复",
    "abandoned": "您的政府信息公开申请视为放弃",
}


def later(request, kind: str) -> None:
    """Notify the applicant once the current transaction commits."""
    if _suppressed.get() or kind not in SUBJECTS:
        return
    pk = request.pk
    transaction.on_commit(lambda: applicant(pk, kind))


def tracking_url(request) -> str:
    return absolute_url(request.site, reverse("foi:track"))


def how_to_correct(request) -> str:
    """How to correct online (《条例》第三十条 asks for the correction; the platform takes it)."""
    return (
        f"您可以打开 {tracking_url(request)} ，输入查询码和申请时填写的联系电话，"
        "在查询页面在线提交补正说明和材料（PDF、JPG、PNG 文件）；也可以书面或当面提交。"
    )


def _message(request, kind: str, note: str = "") -> str:
    from .models import Outcome

    org = request.organisation.name
    lines = [f"{request.name}：", ""]
    if kind == "received":
        lines.append(
            f"{org}已于 {request.received_on} 收到您的政府信息公开申请（编号 {request.serial}）。"
        )
        lines.append(
            f"查询码：{request.tracking_code_display}（请妥善保存，凭查询码和手机号查询进度）。"
        )
    elif kind == "correction_asked":
        last = request.events.filter(kind="correction_asked").last()
        lines.append(f"{org}需要您补正申请（编号 {request.serial}）。{last.note if last else ''}")
        lines.append("答复期限自收到补正后的申请之日起重新计算（《政府信息公开条例》第三十条）。")
        lines.append(how_to_correct(request))
    elif kind == "correction_received":
        lines.append(f"{org}已收到您的补正材料（编号 {request.serial}），答复期限重新计算。")
    elif kind == "consultation_started":
        lines.append(
            f"您的申请（编号 {request.serial}）涉及第三方或其他机关，正在书面征求意见，"
            "征求意见所需时间不计算在答复期限内（《政府信息公开条例》第三十三条）。"
        )
    elif kind == "extended":
        last = request.events.filter(kind="extended").last()
        lines.append(
            f"{org}延长了您的申请（编号 {request.serial}）的答复期限。{last.note if last else ''}"
        )
    elif kind == "fee_notice":
        notice = getattr(request, "fee_notice", None)
        if notice:
            lines.append(
                f"您的申请（编号 {request.serial}）需缴纳信息处理费 {notice.amount} 元，"
                f"请于 {notice.pay_by} 前缴纳，逾期未缴纳的不再处理该申请（国办函〔2020〕109号）。"
            )
    elif kind in ("replied", "abandoned"):
        label = Outcome(request.outcome).label if request.outcome else ""
        lines.append(
            f"{org}已于 {request.replied_on} 办结您的申请（编号 {request.serial}）：{label}。"
        )
        lines.append("正式答复以告知书为准。")
        if note:
            lines.append(note)
        lines.append(
            f"告知书和公开的文件可以在 {tracking_url(request)} 输入查询码和联系电话后下载。"
        )
    if request.due_date and kind not in ("replied", "abandoned"):
        lines.append(f"当前答复期限：{request.due_date}。")
    lines += ["", f"{request.site.name}"]
    return "\n".join(lines)


def reply_documents(request) -> tuple[list[tuple[str, bytes, str]], str]:
    """What the reply e-mail carries for an applicant who chose e-mail delivery: the letter
    (PDF and .docx) and the released files, unless together they pass
    rules.MAX_EMAIL_ATTACHMENT_BYTES; then the letter only, and a line saying where the rest
    is. Returns (attachments, the line for the message)."""
    from gongkai.core.pdf import PdfUnavailable

    from . import rules, workflow

    files = []
    for fmt, content_type in (("pdf", "application/pdf"), ("docx", officialdoc.DOCX_TYPE)):
        try:
            data = workflow.reply_letter(request, fmt)
        except PdfUnavailable:
            continue
        files.append((workflow.letter_name(request, fmt), data, content_type))
    released = list(workflow.released_files(request))
    total = sum(len(data) for _, data, _ in files) + sum(a.size for a in released)
    if total > rules.MAX_EMAIL_ATTACHMENT_BYTES:
        return files, (
            f"公开的文件共 {len(released)} 个，合计超过 "
            f"{rules.MAX_EMAIL_ATTACHMENT_BYTES // (1024 * 1024)} MB，未随邮件发送，请到查询页面下载。"
        )
    for item in released:
        with item.file.open("rb") as handle:
            files.append((item.original_name, handle.read(), item.content_type))
    line = "告知书随本邮件附上" + (
        f"，公开的文件 {len(released)} 个一并附上。" if released else "。"
    )
    return files, line


def correction_documents(request) -> list[tuple[str, bytes, str]]:
    """The 补正告知书 (PDF and .docx) for an applicant who chose e-mail delivery."""
    from gongkai.core.pdf import PdfUnavailable

    from . import workflow

    files = []
    for fmt, content_type in (("pdf", "application/pdf"), ("docx", officialdoc.DOCX_TYPE)):
        try:
            data = workflow.correction_letter(request, fmt)
        except PdfUnavailable:
            continue
        files.append((workflow.letter_name(request, fmt, "补正告知书"), data, content_type))
    return files


def applicant(request_pk: int, kind: str) -> None:
    """Send one notification to the applicant by email and the SMS hook; with e-mail delivery
    the reply carries its documents. Each e-mail sent is logged on the case (the documents it
    carried, never the address)."""
    from . import workflow
    from .models import Delivery, EventKind, FoiRequest

    try:
        request = FoiRequest.objects.select_related("organisation", "site").get(pk=request_pk)
        files, note = [], ""
        if request.delivery == Delivery.EMAIL and request.email:
            if kind == "replied":
                files, note = reply_documents(request)
            elif kind == "correction_asked":
                files = correction_documents(request)
        text = _message(request, kind, note)
        if request.email:
            subject = f"【{request.site.name}】{SUBJECTS[kind]}"
            message = EmailMessage(subject, text, None, [request.email])
            for name, data, content_type in files:
                message.attach(name, data, content_type.split(";")[0])
            message.send()
            carried = "、".join(name for name, _, _ in files)
            workflow.log_delivery(
                request,
                EventKind.EMAILED,
                f"电子邮件发送“{SUBJECTS[kind]}”" + (f"，附件：{carried}" if carried else ""),
            )
        if request.phone:
            send_sms(
                request.phone, f"【{request.site.name}】{SUBJECTS[kind]}，编号 {request.serial}。"
            )
    except Exception:  # a lost message must not undo the step that caused it
        logger.exception("依申请公开通知发送失败：%s %s", request_pk, kind)


def send_sms(phone: str, text: str) -> None:
    """Through the platform's one SMS sender (core.sms; settings.SMS_SENDER, or the older
    FOI_SMS_SENDER)."""
    core_sms.send_sms(phone, text)


def remind_handlers(on: date | None = None, within_days: int = 3) -> int:
    """Email the handling organisation's staff about open requests due within `within_days`
    calendar days or already overdue. Returns the number of emails sent."""
    from gongkai.core.models import Membership, Role

    from .models import OPEN, FoiRequest

    on = on or timezone.localdate()
    limit = on + timedelta(days=within_days)
    due = (
        FoiRequest.objects.filter(state__in=OPEN, due_date__isnull=False, due_date__lte=limit)
        .select_related("organisation", "site")
        .order_by("due_date")
    )
    by_org: dict[int, list] = {}
    for request in due:
        by_org.setdefault(request.organisation_id, []).append(request)
    sent = 0
    for org_id, requests in by_org.items():
        emails = sorted(
            set(
                Membership.objects.filter(
                    organisation_id=org_id, role__in=[Role.EDITOR, Role.REVIEWER]
                )
                .exclude(user__email="")
                .values_list("user__email", flat=True)
            )
        )
        if not emails:
            continue
        lines = ["以下政府信息公开申请即将到期或已经逾期：", ""]
        for request in requests:
            status = "已逾期" if request.due_date < on else "即将到期"
            lines.append(f"{request.serial}　答复期限 {request.due_date}　{status}")
        try:
            message = EmailMessage("【依申请公开】到期提醒", "\n".join(lines), None, emails)
            sent += send_once(f"foi.remind:{org_id}:{on.isoformat()}", message)
        except Exception:
            logger.exception("到期提醒发送失败：机构 %s", org_id)
    return sent
