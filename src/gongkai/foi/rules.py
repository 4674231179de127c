"""The legal rules of a request as plain functions: receipt date, reply clock, fees, outcome
rows, tracking codes, uploads. Views, forms, the API and the command call these; nothing here
touches a request or a user."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from gongkai.core.uploads import CONTENT_TYPES, SuspiciousFile, detect_file_kind, verify_content
from gongkai.core.workcalendar import (
    ClockEvent,
    DueDate,
    add_working_days,
    count_working_days,
    due_date_from_events,
)

from .models import Channel, EventKind, FeeMode, Outcome

#: 《条例》第三十三条: reply within 20 working days of receipt.
REPLY_DAYS = 20
#: 《条例》第三十条: the correction notice is given within 7 working days of receipt.
CORRECTION_NOTICE_DAYS = 7
#: Default time the applicant is given to correct (stated in the notice; the law leaves it open).
CORRECTION_DEFAULT_DAYS = 15
#: 《条例》第三十二条、第三十四条: a third party or another organ has 15 working days.
CONSULTATION_DAYS = 15
#: 《条例》第三十三条第二款: one extension of at most 20 working days.
MAX_EXTENSION_DAYS = 20
#: 《政府信息公开信息处理费管理办法》(国办函〔2020〕109号): pay within 20 working days.
FEE_PAYMENT_DAYS = 20
#: Attachments: at most 10 MB, PDF/JPEG/PNG by content.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class RuleError(ValueError):
    """Input that breaks a rule; the message is Chinese and shown to the user as is."""


# --------------------------------------------------------------------------- receipt date


def receipt_date(
    channel: str,
    *,
    submitted_on: date | None = None,
    signed_on: date | None = None,
    confirmed_on: date | None = None,
    mail_signed: bool = False,
) -> tuple[date, str]:
    """The date a request counts as received, with the basis in words (《条例》第三十一条).

    * 当面提交: the day it is handed in (`submitted_on`);
    * 信函, signed for (挂号信、快递): the day the office signs for it (`signed_on`);
    * 信函, ordinary mail: the day the office confirms with the applicant, which it must do the
      day the letter arrives (`confirmed_on`);
    * 网上申请, 传真, 电子邮件: the day both sides confirm (`confirmed_on`). The platform's
      online form confirms at once by issuing the receipt (回执), so for online requests the
      submission date is the confirmation date unless another one is given.
    """
    if channel == Channel.IN_PERSON:
        if submitted_on is None:
            raise RuleError("当面提交的申请，请填写提交日期。")
        return submitted_on, "当面提交，以提交之日为收到申请之日（《条例》第三十一条第一项）"
    if channel == Channel.LETTER:
        if mail_signed:
            if signed_on is None:
                raise RuleError("需要签收的邮件，请填写签收日期。")
            if submitted_on and signed_on < submitted_on:
                raise RuleError("签收日期不能早于申请人寄出的日期。")
            return signed_on, "邮寄提交，以签收之日为收到申请之日（《条例》第三十一条第二项）"
        if confirmed_on is None:
            raise RuleError("平常信函，请填写与申请人确认的日期（应为收到信函当日）。")
        return confirmed_on, (
            "平常信函，以与申请人确认之日为收到申请之日（《条例》第三十一条第二项）"
        )
    if channel in (Channel.ONLINE, Channel.FAX, Channel.EMAIL):
        if confirmed_on is None and channel == Channel.ONLINE and submitted_on is not None:
            return submitted_on, (
                "网上申请，平台当即出具回执确认，以双方确认之日为收到申请之日"
                "（《条例》第三十一条第三项）"
            )
        if confirmed_on is None:
            raise RuleError("请填写与申请人双方确认收到申请的日期。")
        if submitted_on and confirmed_on < submitted_on:
            raise RuleError("确认日期不能早于申请提交日期。")
        label = Channel(channel).label
        return confirmed_on, (f"{label}，以双方确认之日为收到申请之日（《条例》第三十一条第三项）")
    raise RuleError(f"未知的申请渠道“{channel}”。")


# --------------------------------------------------------------------------- the clock

#: FoiEvent kinds that move the reply clock, and the ClockEvent kind they become.
CLOCK_KINDS = {
    EventKind.RECEIVED: "start",
    EventKind.CORRECTION_ASKED: "correction-asked",
    EventKind.CORRECTION_RECEIVED: "restart",
    EventKind.CONSULTATION_STARTED: "pause",
    EventKind.CONSULTATION_ANSWERED: "resume",
    EventKind.FEE_NOTICE: "pause",
    EventKind.FEE_PAID: "resume",
    EventKind.EXTENDED: "extension",
}

CLOCK_NOTES = {
    EventKind.CONSULTATION_STARTED: "书面征求第三方或其他机关意见",
    EventKind.CONSULTATION_ANSWERED: "征求意见结束",
    EventKind.FEE_NOTICE: "发出收费通知（缴费期间不计入答复期限）",
    EventKind.FEE_PAID: "申请人缴纳费用",
}


def clock_events(events: Iterable) -> list[ClockEvent]:
    """The clock events of a case's log (objects with kind, date, days, in log order)."""
    result = []
    for event in events:
        kind = CLOCK_KINDS.get(event.kind)
        if kind is None:
            continue
        result.append(
            ClockEvent(kind, event.date, days=event.days, note=CLOCK_NOTES.get(event.kind, ""))
        )
    return result


def due_from_events(events: Iterable) -> DueDate:
    """The reply due date of a case (《条例》第三十三条), derived from its events only."""
    return due_date_from_events(clock_events(events), days=REPLY_DAYS)


def correction_notice_deadline(received_on: date) -> DueDate:
    """The last day a correction notice may be given (《条例》第三十条: 7 working days)."""
    return add_working_days(received_on, CORRECTION_NOTICE_DAYS)


def consultation_deadline(started_on: date) -> DueDate:
    """When a consulted third party or organ must answer (《条例》第三十二条、第三十四条)."""
    return add_working_days(started_on, CONSULTATION_DAYS)


def handling_working_days(events: Iterable, end: date) -> int:
    """Working days the clock actually ran from receipt (or the last restart) to `end`, pauses
    and correction waits left out — the handling time reported beside table 三."""
    running_since: date | None = None
    used = 0
    for event in sorted(clock_events(events), key=lambda e: e.date):
        if event.kind == "start" and running_since is None and used == 0:
            running_since = event.date
        elif event.kind == "restart":
            used, running_since = 0, event.date
        elif event.kind in ("pause", "correction-asked") and running_since is not None:
            used += count_working_days(running_since, event.date)
            running_since = None
        elif event.kind == "resume" and running_since is None:
            running_since = event.date
    if running_since is not None:
        used += count_working_days(running_since, end)
    return used


# --------------------------------------------------------------------------- fees


def per_request_fee(monthly_count: int) -> Decimal:
    """Fee for the applicant's nth request in a calendar month (国办函〔2020〕109号 按件计收):
    1st–10th free; 11th–30th 100 yuan; then each band of 10 requests adds 100 yuan each."""
    if monthly_count < 1:
        raise RuleError("本月申请件数应为正整数。")
    if monthly_count <= 10:
        return Decimal(0)
    if monthly_count <= 30:
        return Decimal(100)
    band = (monthly_count - 30 + 9) // 10
    return Decimal(100 + 100 * band)


PAGE_BANDS = ((30, 0), (100, 10), (200, 20), (None, 40))


def per_page_fee(pages: int) -> Decimal:
    """Fee by pages (国办函〔2020〕109号 按量计收), each band charged on its own part:
    up to 30 pages free; pages 31–100 10 yuan each; 101–200 20 yuan; beyond 200 40 yuan."""
    if pages < 0:
        raise RuleError("页数不能为负数。")
    total, lower = 0, 0
    for upper, price in PAGE_BANDS:
        top = pages if upper is None else min(pages, upper)
        if top > lower:
            total += (top - lower) * price
        if upper is None or pages <= upper:
            break
        lower = upper
    return Decimal(total)


def fee_amount(mode: str, *, monthly_count: int | None = None, pages: int | None = None) -> Decimal:
    """The processing fee of one request: per request or per page, never both (国办函〔2020〕109号
    第五条)."""
    if monthly_count is not None and pages is not None:
        raise RuleError("按件计收和按量计收只能选择一种，不能同时适用。")
    if mode == FeeMode.PER_REQUEST:
        if monthly_count is None:
            raise RuleError("按件计收时，请填写本月第几件申请。")
        return per_request_fee(monthly_count)
    if mode == FeeMode.PER_PAGE:
        if pages is None:
            raise RuleError("按量计收时，请填写页数。")
        return per_page_fee(pages)
    raise RuleError("请选择计收方式：按件计收或按量计收。")


# --------------------------------------------------------------------------- table 三 rows


@dataclass(frozen=True)
class OutcomeRow:
    key: str
    label: str
    outcomes: tuple[str, ...]
    level: int  # 1: （一）…, 2: 1. 2. …


def _sub(prefix: str) -> tuple[str, ...]:
    return tuple(code for code in Outcome.values if code.startswith(prefix + "."))


OUTCOME_GROUPS = [
    ("1", "（一）予以公开"),
    ("2", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("3", "（三）不予公开"),
    ("4", "（四）无法提供"),
    ("5", "（五）不予处理"),
    ("6", "（六）其他处理"),
]


def outcome_rows() -> list[OutcomeRow]:
    """Row 三's lines in the national order: groups and their numbered items."""
    rows: list[OutcomeRow] = []
    for code, label in OUTCOME_GROUPS:
        subs = _sub(code)
        rows.append(OutcomeRow(code, label, subs or (code,), 1))
        for index, sub in enumerate(subs, start=1):
            text = str(Outcome(sub).label).split("：", 1)[1]
            rows.append(OutcomeRow(sub, f"{index}.{text}", (sub,), 2))
    return rows


def outcome_group(code: str) -> str:
    return code.split(".")[0]


# --------------------------------------------------------------------------- codes, masking

TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
TRACKING_LENGTH = 12


def new_tracking_code() -> str:
    """12 characters from 32 unambiguous ones: 60 bits, not guessable within any rate limit."""
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def normalise_code(value: str) -> str:
    return re.sub(r"[\s\-－—_]", "", value or "").upper()


def normalise_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value or "")
    return digits[-11:] if len(digits) > 11 and digits.startswith("86") else digits


def same_phone(given: str, stored: str) -> bool:
    """Compare phone numbers by their digits, in constant time."""
    a, b = normalise_phone(given), normalise_phone(stored)
    return bool(a) and hmac.compare_digest(
        hashlib.sha256(a.encode()).digest(), hashlib.sha256(b.encode()).digest()
    )


def mask_name(name: str) -> str:
    """张三 → 张*; the public list never shows a full name."""
    name = (name or "").strip()
    if not name:
        return "*"
    return name[0] + "*" * max(1, min(len(name) - 1, 3))


# --------------------------------------------------------------------------- uploads

ACCEPTED_KINDS = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png"}
#: The information released to the applicant (《条例》第四十条: in the form asked for where
#: possible), so also the office formats a record's attachment may have.
RELEASED_KINDS = {**ACCEPTED_KINDS, "docx": ".docx", "xlsx": ".xlsx", "ofd": ".ofd"}
#: At most this many files in one online correction.
MAX_CORRECTION_FILES = 5
#: Above this total the reply e-mail carries the letter only and points to the tracking page.
MAX_EMAIL_ATTACHMENT_BYTES = 10 * 1024 * 1024


def check_upload(data: bytes, size: int | None = None, kinds=None) -> tuple[str, str]:
    """(content type, extension) of an uploaded file judged by its whole content, not its
    name, as deeply as a record's attachment (core.uploads.verify_content: a `%PDF-` header
    followed by HTML is refused); PDF, JPEG and PNG (or `kinds`) up to 10 MB are accepted."""
    kinds = kinds or ACCEPTED_KINDS
    size = len(data) if size is None else size
    if size > MAX_UPLOAD_BYTES:
        raise RuleError(f"文件过大（{size / 1024 / 1024:.1f} MB），单个文件不能超过 10 MB。")
    if size == 0:
        raise RuleError("文件是空的。")
    try:
        kind = detect_file_kind(data)
    except SuspiciousFile as exc:
        raise RuleError(str(exc)) from None
    if kind not in kinds:
        names = "、".join(dict.fromkeys(ext.lstrip(".").upper() for ext in kinds.values()))
        raise RuleError(f"只接受 {names} 格式的文件（按文件内容判断）。")
    try:
        verify_content(kind, data)
    except SuspiciousFile as exc:
        raise RuleError(str(exc)) from None
    return CONTENT_TYPES[kind], kinds[kind]
