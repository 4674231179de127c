"""Personal data leaked in published records and their attachments (国办秘函〔2019〕19号,
严重问题 "泄露……个人隐私"; 《政府信息公开条例》第十五条; 政府网站发展指引: no personal
privacy online). Looks for 18-digit 居民身份证号码 that pass the GB 11643-1999 check digit and
carry a plausible birth date, mainland mobile numbers, and bank card numbers that pass the
Luhn check, in the record's text and in the text of its PDF, .docx and .xlsx attachments.

A finding names the record or attachment, the kind of data and how many, with masked
examples only: the full number never reaches a finding, a log line or an audit event.

False positives are what makes such a check ignored, so each pattern is bounded: no digit or
letter may touch a number (index numbers, credit codes and serials are longer runs), amounts
(…元/万/亿, decimals) are not phone numbers, a number that is a valid 统一社会信用代码
(GB 32100-2015) is not a bank card, and card numbers start as bank cards do (3, 4, 5, 6, 9:
date-like serials start with 1 or 2)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.core.cache import cache
from django.db.models import Q
from django.urls import reverse

from gongkai.records.models import Attachment, AttachmentKind, RevisionState
from gongkai.records.selectors import LISTED_STATES

from ..checks import FindingDraft, register_check
from ..models import Severity
from . import PERSONAL_DATA, organisations_by_id, record_texts

ID_NUMBER, MOBILE, BANK_CARD = "id_number", "mobile", "bank_card"
LABELS = {ID_NUMBER: "居民身份证号码", MOBILE: "手机号码", BANK_CARD: "银行卡号"}
#: at most this many masked examples per finding
EXAMPLES = 3

_BEFORE = r"(?<![0-9A-Za-z])(?<!\d\.)"
_AFTER = r"(?![0-9A-Za-z]|\.\d|\s*[元万亿])"
_ID = re.compile(_BEFORE + r"(\d{17}[0-9Xx])" + r"(?![0-9A-Za-z])")
_MOBILE = re.compile(_BEFORE + r"(1[3-9]\d[ -]?\d{4}[ -]?\d{4})" + _AFTER)
_CARD = re.compile(_BEFORE + r"([34569]\d{3}(?:[ -]?\d{4}){2}[ -]?\d{4,7})" + _AFTER)

#: GB/T 2260 province-level codes (the first two digits of an ID number)
PROVINCES = frozenset(
    [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46]
    + [50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83]
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def id_number_valid(number: str, today: date | None = None) -> bool:
    """GB 11643-1999: a known province, a real birth date not in the future and after 1900,
    and the ISO 7064 MOD 11-2 check character."""
    number = number.upper()
    if len(number) != 18 or not number[:17].isdigit():
        return False
    if int(number[:2]) not in PROVINCES:
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if born.year < 1900 or born > (today or date.today()):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17]


def luhn_valid(number: str) -> bool:
    if not number.isdigit():
        return False
    total = 0
    for i, digit in enumerate(reversed(number)):
        d = int(digit)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def credit_code_valid(code: str) -> bool:
    """GB 32100-2015 统一社会信用代码 check character (public data of organisations)."""
    code = code.upper()
    if len(code) != 18 or any(c not in _CREDIT_CHARS for c in code):
        return False
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(code[:17], _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_CHARS[(31 - total % 31) % 31] == code[17]


def mask(number: str, head: int, tail: int) -> str:
    return number[:head] + "*" * (len(number) - head - tail) + number[len(number) - tail :]


@dataclass
class Hits:
    """What one text holds: per kind, how many and a few masked examples."""

    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, masked: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        shown = self.examples.setdefault(kind, [])
        if len(shown) < EXAMPLES and masked not in shown:
            shown.append(masked)

    def __bool__(self) -> bool:
        return bool(self.counts)


def scan_text(text: str, today: date | None = None) -> Hits:
    """ID numbers first, then bank cards, then mobile numbers; a span taken by one kind is
    not counted again as another."""
    hits = Hits()
    taken: list[tuple[int, int]] = []

    def free(match) -> bool:
        start, end = match.span(1)
        return all(end <= a or start >= b for a, b in taken)

    for match in _ID.finditer(text):
        number = match.group(1)
        if id_number_valid(number, today) and free(match):
            taken.append(match.span(1))
            hits.add(ID_NUMBER, mask(number.upper(), 4, 2))
    for match in _CARD.finditer(text):
        number = re.sub(r"[ -]", "", match.group(1))
        if not 16 <= len(number) <= 19 or not luhn_valid(number) or not free(match):
            continue
        if len(number) == 18 and credit_code_valid(number):
            continue
        taken.append(match.span(1))
        hits.add(BANK_CARD, mask(number, 4, 4))
    for match in _MOBILE.finditer(text):
        if free(match):
            number = re.sub(r"[ -]", "", match.group(1))
            taken.append(match.span(1))
            hits.add(MOBILE, mask(number, 3, 2))
    return hits


# --------------------------------------------------------------------------- attachments

TEXT_KINDS = (AttachmentKind.PDF, AttachmentKind.DOCX, AttachmentKind.XLSX)
#: results per file content (sha256); bump when the patterns change
CACHE_VERSION = 1
CACHE_SECONDS = 30 * 24 * 3600
EXTRACT_SECONDS = 60


def scan_attachment_bytes(kind: str, data: bytes) -> Hits:
    """Extract the text (in a bounded child process: a hostile file cannot hang the nightly
    run) and scan it there, so only masked results come back."""
    from gongkai.core.uploads import run_bounded

    from .attachment_text import extract_text

    def work(kind, data):
        return scan_text(extract_text(kind, data))

    return run_bounded(work, kind, data, seconds=EXTRACT_SECONDS)


def scan_attachment(attachment: Attachment) -> Hits:
    key = f"oversight:personal:{CACHE_VERSION}:{attachment.sha256}"
    cached = cache.get(key)
    if cached is not None:
        return Hits(*cached)
    with attachment.file.open("rb") as handle:
        data = handle.read()
    hits = scan_attachment_bytes(attachment.kind, data)
    cache.set(key, (hits.counts, hits.examples), CACHE_SECONDS)
    return hits


def _summary(hits: Hits) -> str:
    return "；".join(
        f"{LABELS[kind]} {count} 个（如 {'、'.join(hits.examples[kind])}）"
        for kind, count in hits.counts.items()
    )


def check_personal_data(site):
    organisations = organisations_by_id(site)
    texts = record_texts(site, LISTED_STATES, ("summary", "body", "public_attendance"))
    for pk, title, organisation_id, text in texts:
        hits = scan_text(text)
        for kind in hits.counts:
            yield FindingDraft(
                key=f"record:{pk}:personal:{kind}",
                title=f"“{title}”正文含疑似{LABELS[kind]}",
                severity=Severity.VETO,
                organisation=organisations.get(organisation_id),
                item_url=reverse("records_staff:detail", args=[pk]),
                detail=_summary(Hits({kind: hits.counts[kind]}, {kind: hits.examples[kind]})),
            )
    attachments = (
        Attachment.objects.filter(
            record__site=site, record__state__in=LISTED_STATES, kind__in=TEXT_KINDS
        )
        .filter(Q(revision__isnull=True) | Q(revision__state=RevisionState.PUBLISHED))
        .select_related("record")
        .only(
            "id",
            "name",
            "kind",
            "file",
            "sha256",
            "record__id",
            "record__title",
            "record__organisation_id",
            "record__state",
        )
        .order_by("id")
    )
    for attachment in attachments.iterator(chunk_size=100):
        record = attachment.record
        try:
            hits = scan_attachment(attachment)
        except Exception as exc:  # noqa: BLE001 - an unreadable file is itself reported
            yield FindingDraft(
                key=f"attachment:{attachment.pk}:unreadable",
                title=f"“{record.title}”的附件“{attachment.name}”无法读取，未能检查个人信息",
                severity=Severity.WARNING,
                organisation=organisations.get(record.organisation_id),
                item_url=reverse("records_staff:detail", args=[record.pk]),
                detail=str(exc)[:200] if isinstance(exc, ValueError) else exc.__class__.__name__,
            )
            continue
        for kind in hits.counts:
            yield FindingDraft(
                key=f"attachment:{attachment.pk}:personal:{kind}",
                title=f"“{record.title}”的附件“{attachment.name}”含疑似{LABELS[kind]}",
                severity=Severity.VETO,
                organisation=organisations.get(record.organisation_id),
                item_url=reverse("records_staff:detail", args=[record.pk]),
                detail=_summary(Hits({kind: hits.counts[kind]}, {kind: hits.examples[kind]})),
            )


def register() -> None:
    register_check(
        "personal_data",
        check_personal_data,
        indicator=PERSONAL_DATA,
        description="正文和附件（PDF、Word、Excel）中的身份证号码、手机号码、银行卡号",
        order=50,
    )
