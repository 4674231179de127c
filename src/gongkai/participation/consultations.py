"""The rules of 征求意见 (the 决策 stage of 五公开) as plain functions.

《政府信息公开条例》第二十条 and 国办发〔2016〕8号 ask that drafts of policies that concern
the public be published for comment, and that the adoption of the opinions be explained
(意见采纳情况). So: a consultation is published by a reviewer who did not draft it (四眼原则,
as records.workflow.approval_refusal), takes comments from verified people between its two
dates, and cannot close until every comment not rejected has its disposition; the feedback
report is computed from the comments, never typed in, so its counts are the comments'."""

from __future__ import annotations

import difflib
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from gongkai.core import permissions
from gongkai.core.audit import record_event
from gongkai.core.html import html_to_text
from gongkai.core.models import AuditEventType, Organisation, Role
from gongkai.core.sites import touch_site
from gongkai.core.uploads import SuspiciousFile, accept_by_content
from gongkai.records.models import Kind

from .accounts import require_person
from .models import (
    AdvisoryInvitation,
    AdvisoryMember,
    CommentState,
    Consultation,
    ConsultationComment,
    ConsultationState,
    Disposition,
    DraftSource,
    DraftVersion,
    RejectionReason,
)
from .rules import RuleError, plain_text, public_text

#: Drafters: the organisation's editors (and the office admin); publishers: a reviewer or the
#: office admin who did not draft it.
EDIT_ROLES = (Role.EDITOR, Role.REVIEWER, Role.OFFICE_ADMIN)
PUBLISH_ROLES = (Role.REVIEWER, Role.OFFICE_ADMIN)
ADVISORY_ROLES = (Role.OFFICE_ADMIN,)
MAX_TITLE = 200
MAX_PURPOSE = 2000
MAX_DRAFT = 100_000
MAX_COMMENT = 3000
MAX_REASON = 1000
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


# --------------------------------------------------------------------------- the draft


def split_paragraphs(text: str) -> list[str]:
    """The draft's paragraphs: one per non-empty line, trimmed (comments anchor to these)."""
    return [line.strip() for line in (text or "").replace("\r\n", "\n").split("\n") if line.strip()]


def draft_text_from_document(name: str, data: bytes) -> str:
    """The plain text of an uploaded .docx draft, judged by content (core.uploads), converted
    by mammoth and sanitised as records.content does it."""
    from gongkai.records.content import UploadRejected, docx_to_html

    try:
        accept_by_content(
            name, data, kinds=("docx",), purpose="征求意见稿", max_bytes=MAX_DOCUMENT_BYTES
        )
        clean, _warnings = docx_to_html(data)
    except (SuspiciousFile, UploadRejected) as exc:
        raise RuleError(str(exc)) from None
    return html_to_text(clean.html)


def draft_text_from_record(record) -> str:
    return html_to_text(record.body)


def _draft_text(*, text: str = "", record=None, document=None) -> tuple[str, str, str]:
    """(source, text, document name) from exactly one of the three ways to give a draft."""
    given = [x for x in (text.strip() if text else "", record, document) if x]
    if len(given) != 1:
        raise RuleError("请选择一种方式提供草案：直接录入正文、选择已发布的信息或上传 Word 文档。")
    if record is not None:
        return DraftSource.RECORD, draft_text_from_record(record), ""
    if document is not None:
        name, data = document
        return DraftSource.DOCUMENT, draft_text_from_document(name, data), name[:200]
    return DraftSource.TEXT, text, ""


def _paragraphs(text: str) -> list[str]:
    if len(text) > MAX_DRAFT:
        raise RuleError(f"草案过长（{len(text)} 字），请不超过 {MAX_DRAFT} 字。")
    paragraphs = split_paragraphs(plain_text(text, limit=MAX_DRAFT))
    if not paragraphs:
        raise RuleError("草案正文为空。")
    return paragraphs


def _check_dates(opens_on: date, closes_on: date) -> None:
    if closes_on < opens_on:
        raise RuleError("截止日期不能早于开始日期。")


def create_consultation(
    actor,
    *,
    organisation: Organisation,
    title: str,
    purpose: str,
    opens_on: date,
    closes_on: date,
    text: str = "",
    record=None,
    document: tuple[str, bytes] | None = None,
) -> Consultation:
    permissions.require(actor, "发起征求意见", organisation, EDIT_ROLES)
    title = plain_text(title, limit=MAX_TITLE, multiline=False)
    if not title:
        raise RuleError("请填写标题。")
    purpose = plain_text(purpose, limit=MAX_PURPOSE)
    _check_dates(opens_on, closes_on)
    if record is not None and record.site_id != organisation.site_id:
        raise RuleError("只能选择本站的信息作为草案。")
    source, body, document_name = _draft_text(text=text, record=record, document=document)
    paragraphs = _paragraphs(body)
    with transaction.atomic():
        consultation = Consultation.objects.create(
            site=organisation.site,
            organisation=organisation,
            title=title,
            purpose=purpose,
            source=source,
            source_record=record,
            document_name=document_name,
            opens_on=opens_on,
            closes_on=closes_on,
            created_by=permissions.user_of(actor),
        )
        DraftVersion.objects.create(
            consultation=consultation,
            number=1,
            paragraphs=paragraphs,
            changelog="征求意见稿",
            created_by=permissions.user_of(actor),
        )
        record_event(
            AuditEventType.OBJECT_CREATED,
            actor=actor,
            obj=consultation,
            after={"organisation": organisation.pk, "source": source},
            message="新建征求意见",
        )
    return consultation


def _locked(consultation: Consultation) -> Consultation:
    return (
        Consultation.objects.select_for_update()
        .select_related("organisation", "site")
        .get(pk=consultation.pk)
    )


def latest_version(consultation: Consultation) -> DraftVersion:
    return consultation.versions.filter(is_final=False).order_by("-number").first()


def final_version(consultation: Consultation) -> DraftVersion | None:
    return consultation.versions.filter(is_final=True).order_by("-number").first()


def add_version(actor, consultation: Consultation, text: str, changelog: str) -> DraftVersion:
    """A new draft version before publication (with what changed). Once the draft is out for
    comment its text stays as published, so every comment's anchor keeps meaning."""
    permissions.require(actor, "修改征求意见稿", consultation, EDIT_ROLES)
    changelog = plain_text(changelog, limit=MAX_REASON)
    if not changelog:
        raise RuleError("请填写本版的修改说明。")
    paragraphs = _paragraphs(text)
    with transaction.atomic():
        current = _locked(consultation)
        if current.state != ConsultationState.DRAFT:
            raise RuleError("征求意见稿发布后不能修改；如需调整，请在结束后上传正式文本。")
        number = current.versions.count() + 1
        version = DraftVersion.objects.create(
            consultation=current,
            number=number,
            paragraphs=paragraphs,
            changelog=changelog,
            created_by=permissions.user_of(actor),
        )
        record_event(
            AuditEventType.OBJECT_CHANGED,
            actor=actor,
            obj=current,
            after={"version": number},
            message="新增草案版本",
        )
    return version


def _transition(actor, consultation, what, roles, before, after, message, **fields):
    permissions.require(actor, what, consultation, roles)
    with transaction.atomic():
        current = _locked(consultation)
        permissions.require(actor, what, current, roles)
        if current.state not in before:
            raise RuleError(f"当前状态为“{current.get_state_display()}”，不能{what}。")
        for name, value in fields.items():
            setattr(current, name, value(current) if callable(value) else value)
        old = current.state
        current.state = after
        current.save()
        if ConsultationState.PUBLISHED in (old, after):
            touch_site(current.site)  # the public pages (cached per site version) change
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=current,
            before={"state": old},
            after={"state": after},
            message=message,
        )
    return current


def submit(actor, consultation: Consultation) -> Consultation:
    return _transition(
        actor,
        consultation,
        "提交审核",
        EDIT_ROLES,
        (ConsultationState.DRAFT,),
        ConsultationState.SUBMITTED,
        "征求意见提交审核",
        submitted_by=permissions.user_of(actor),
    )


def publish_refusal(actor, consultation: Consultation) -> str:
    """Why `actor` may not publish (四眼原则, as records.workflow.approval_refusal): whoever
    drafted or submitted it does not publish it."""
    uid = getattr(actor, "pk", None)
    if uid is None:
        return ""
    rule = "四眼原则：须由未经手该征求意见稿的审核人或公开办管理员发布"
    if consultation.created_by_id == uid:
        return f"起草人不能发布自己起草的征求意见稿（{rule}）。"
    if consultation.submitted_by_id == uid:
        return f"提交人不能发布自己提交的征求意见稿（{rule}）。"
    return ""


def publish(actor, consultation: Consultation) -> Consultation:
    permissions.require(actor, "发布征求意见", consultation, PUBLISH_ROLES)
    refusal = publish_refusal(actor, consultation)
    if refusal:
        raise permissions.PermissionDenied(refusal)
    return _transition(
        actor,
        consultation,
        "发布征求意见",
        PUBLISH_ROLES,
        (ConsultationState.SUBMITTED,),
        ConsultationState.PUBLISHED,
        "发布征求意见",
        published_by=permissions.user_of(actor),
        published_at=lambda c: timezone.now(),
    )


def return_to_draft(actor, consultation: Consultation) -> Consultation:
    return _transition(
        actor,
        consultation,
        "退回修改",
        PUBLISH_ROLES,
        (ConsultationState.SUBMITTED,),
        ConsultationState.DRAFT,
        "征求意见退回修改",
    )


def days_left(consultation: Consultation, today: date | None = None) -> int | None:
    """Calendar days of comment left, today included (None when not open)."""
    today = today or timezone.localdate()
    if not is_open(consultation, today):
        return None
    return (consultation.closes_on - today).days + 1


def is_open(consultation: Consultation, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        consultation.state == ConsultationState.PUBLISHED
        and consultation.opens_on <= today <= consultation.closes_on
    )


# --------------------------------------------------------------------------- comments


def anchor(version: DraftVersion, paragraph, start=None, end=None, quote: str = ""):
    """(paragraph, start, end, quote) checked against the version's text. A quote without a
    range is looked up in the paragraph; a range is cut from it, so the stored quote is always
    the draft's own words."""
    if paragraph in (None, ""):
        return None, None, None, ""
    try:
        paragraph = int(paragraph)
    except (TypeError, ValueError):
        raise RuleError("请选择草案中的段落。") from None
    if not 0 <= paragraph < len(version.paragraphs):
        raise RuleError("所选段落不在该版本草案中。")
    text = version.paragraphs[paragraph]
    quote = (quote or "").strip()
    if start not in (None, "") and end not in (None, ""):
        try:
            start, end = int(start), int(end)
        except (TypeError, ValueError):
            raise RuleError("所选文字的位置无效。") from None
        if not 0 <= start < end <= len(text):
            raise RuleError("所选文字超出了该段落。")
        return paragraph, start, end, text[start:end]
    if quote:
        found = text.find(quote)
        if found < 0:
            raise RuleError("引用的文字不在所选段落中，请从原文中复制。")
        return paragraph, found, found + len(quote), quote
    return paragraph, None, None, ""


def advisory_member_of(consultation: Consultation, account) -> AdvisoryMember | None:
    """The member invited to this consultation whose account this is (None otherwise)."""
    return (
        AdvisoryMember.objects.filter(
            account=account, is_active=True, invitations__consultation=consultation
        )
        .distinct()
        .first()
    )


def submit_comment(
    actor,
    consultation: Consultation,
    *,
    text: str,
    paragraph=None,
    start=None,
    end=None,
    quote: str = "",
    name_consent: bool = False,
    today: date | None = None,
) -> ConsultationComment:
    """A verified person's opinion. Taken under the consultation's row lock, the same lock
    `close` holds, so no comment slips in between the last disposition and the close."""
    account = require_person(actor, "发表意见")
    text = plain_text(text, limit=MAX_COMMENT)
    if not text:
        raise RuleError("请填写意见内容。")
    today = today or timezone.localdate()
    with transaction.atomic():
        current = _locked(consultation)
        if current.state != ConsultationState.PUBLISHED:
            raise RuleError("该征求意见已结束，不再接收意见。")
        if today < current.opens_on:
            raise RuleError(f"征求意见自 {current.opens_on:%Y年%m月%d日} 开始，请届时再提交。")
        if today > current.closes_on:
            raise RuleError(f"征求意见已于 {current.closes_on:%Y年%m月%d日} 截止，不再接收意见。")
        version = latest_version(current)
        paragraph, start, end, quote = anchor(version, paragraph, start, end, quote)
        member = advisory_member_of(current, account)
        comment = ConsultationComment.objects.create(
            consultation=current,
            version=version,
            account=account,
            paragraph=paragraph,
            start=start,
            end=end,
            quote=quote,
            text=text,
            advisory_member=member,
            name_consent=bool(member and name_consent),
        )
        record_event(
            AuditEventType.OBJECT_CREATED,
            actor=actor,
            obj=comment,
            after={"consultation": current.pk, "paragraph": paragraph, "advisory": bool(member)},
            message="收到征求意见",
        )
    return comment


def _locked_comment(comment) -> ConsultationComment:
    return ConsultationComment.objects.select_for_update().get(pk=comment.pk)


def moderate(actor, comment: ConsultationComment, *, publish: bool, reason: str = ""):
    """Publish a comment, or reject it with one of the stated reasons (a rejected comment is
    neither shown nor disposed of, and the report counts it apart)."""
    permissions.require(actor, "审核意见", comment.consultation, EDIT_ROLES)
    if not publish and reason not in RejectionReason.values:
        raise RuleError("请选择不予采用的理由。")
    with transaction.atomic():
        _locked(comment.consultation)
        current = _locked_comment(comment)
        if current.consultation.state == ConsultationState.CLOSED:
            raise RuleError("征求意见已结束，不能再审核意见。")
        before = current.state
        current.state = CommentState.PUBLISHED if publish else CommentState.REJECTED
        current.rejection_reason = "" if publish else reason
        if not publish:
            current.disposition, current.disposition_reason = "", ""
        current.moderated_by = permissions.user_of(actor)
        current.moderated_at = timezone.now()
        current.save()
        touch_site(current.consultation.site)
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=current,
            before={"state": before},
            after={"state": current.state, "reason": current.rejection_reason},
            message="审核征求意见",
        )
    return current


def dispose(actor, comment: ConsultationComment, disposition: str, reason: str = ""):
    """采纳 / 部分采纳 / 未采纳; the last two only with the reason (a CheckConstraint too)."""
    permissions.require(actor, "处理意见", comment.consultation, EDIT_ROLES)
    if disposition not in Disposition.values:
        raise RuleError("请选择采纳情况。")
    reason = plain_text(reason, limit=MAX_REASON)
    if disposition != Disposition.ADOPTED and not reason:
        raise RuleError("部分采纳或未采纳的意见须说明理由。")
    with transaction.atomic():
        _locked(comment.consultation)
        current = _locked_comment(comment)
        if current.consultation.state == ConsultationState.CLOSED:
            raise RuleError("征求意见已结束，采纳情况不能再修改。")
        if current.state == CommentState.REJECTED:
            raise RuleError("不予采用的意见无需处理采纳情况。")
        if current.state == CommentState.PENDING:
            current.state = CommentState.PUBLISHED
            current.moderated_by = permissions.user_of(actor)
            current.moderated_at = timezone.now()
        current.disposition = disposition
        current.disposition_reason = reason
        current.disposed_by = permissions.user_of(actor)
        current.disposed_at = timezone.now()
        current.save()
        record_event(
            AuditEventType.OBJECT_CHANGED,
            actor=actor,
            obj=current,
            after={"disposition": disposition},
            message="处理征求意见采纳情况",
        )
    return current


def undisposed(consultation: Consultation):
    """Comments still to be disposed of: every one not rejected and without a disposition."""
    return consultation.comments.exclude(state=CommentState.REJECTED).filter(disposition="")


def close(actor, consultation: Consultation, today: date | None = None) -> Consultation:
    """End the consultation, on or after its last day (the announced period is not cut
    short). Under the row lock comments also take, refused (naming how many) while a comment
    not rejected has no disposition."""
    permissions.require(actor, "结束征求意见", consultation, EDIT_ROLES)
    today = today or timezone.localdate()
    with transaction.atomic():
        current = _locked(consultation)
        permissions.require(actor, "结束征求意见", current, EDIT_ROLES)
        if current.state != ConsultationState.PUBLISHED:
            raise RuleError("只有正在征求意见的事项可以结束。")
        if today < current.closes_on:
            raise RuleError(f"征求意见期至 {current.closes_on:%Y年%m月%d日}，期满前不能提前结束。")
        missing = undisposed(current).count()
        if missing:
            raise RuleError(
                f"还有 {missing} 条意见未处理采纳情况（采纳、部分采纳或未采纳并说明理由），"
                "全部处理后才能结束征求意见。"
            )
        current.state = ConsultationState.CLOSED
        current.closed_at = timezone.now()
        current.save()
        touch_site(current.site)
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=current,
            before={"state": ConsultationState.PUBLISHED},
            after={"state": ConsultationState.CLOSED},
            message="结束征求意见",
        )
    return current


# --------------------------------------------------------------------------- public view


def public_comments(consultation: Consultation):
    return (
        consultation.comments.filter(state=CommentState.PUBLISHED, hidden=False)
        .select_related("advisory_member", "account")
        .order_by("created_at", "id")
    )


def author_label(comment: ConsultationComment) -> str:
    """How a comment is signed publicly: an advisory member by name only with consent (given
    for the comment and recorded for the member), otherwise anonymous."""
    member = comment.advisory_member
    if member is not None:
        if comment.name_consent and member.public_consent:
            return f"智囊团成员 {member.name}"
        return "智囊团成员（匿名）"
    return "公众"


@dataclass
class ReportLine:
    number: int
    paragraph: str  # "全文" or "第 N 段"
    quote: str
    text: str
    disposition: str
    reason: str
    author: str


@dataclass
class FeedbackReport:
    consultation: Consultation
    total: int
    rejected: int
    counts: dict = field(default_factory=dict)  # disposition label -> count
    per_paragraph: list = field(default_factory=list)  # (label, total, {label: count})
    lines: list = field(default_factory=list)
    advisory: int = 0

    @property
    def considered(self) -> int:
        return self.total - self.rejected


def paragraph_label(paragraph) -> str:
    return "全文" if paragraph is None else f"第 {paragraph + 1} 段"


def feedback_report(consultation: Consultation) -> FeedbackReport:
    """意见采纳情况, computed from the comments: counts by disposition, per paragraph, and each
    comment with its reason (masked as public pages mask what people wrote). Hidden comments
    (flagged by readers) are counted but not quoted."""
    comments = list(
        consultation.comments.select_related("advisory_member").order_by("created_at", "id")
    )
    labels = dict(Disposition.choices)
    kept = [c for c in comments if c.state != CommentState.REJECTED]
    counts = {str(labels[d]): 0 for d in Disposition.values}
    counts["未处理"] = 0
    per: dict = {}
    for c in kept:
        label = str(labels[c.disposition]) if c.disposition else "未处理"
        counts[label] += 1
        key = -1 if c.paragraph is None else c.paragraph
        per.setdefault(key, Counter())[label] += 1
    if not counts["未处理"]:
        del counts["未处理"]
    lines = [
        ReportLine(
            number=i,
            paragraph=paragraph_label(c.paragraph),
            quote=public_text(c.quote),
            text="（该意见已被隐藏）" if c.hidden else public_text(c.text),
            disposition=str(labels[c.disposition]) if c.disposition else "未处理",
            reason=c.disposition_reason,
            author=author_label(c),
        )
        for i, c in enumerate(kept, 1)
    ]
    return FeedbackReport(
        consultation=consultation,
        total=len(comments),
        rejected=len(comments) - len(kept),
        counts=counts,
        per_paragraph=[
            (paragraph_label(None if k == -1 else k), sum(v.values()), dict(v))
            for k, v in sorted(per.items())
        ],
        lines=lines,
        advisory=sum(1 for c in kept if c.advisory_member_id),
    )


def publish_report(actor, consultation: Consultation) -> Consultation:
    permissions.require(actor, "发布意见采纳情况", consultation, PUBLISH_ROLES)
    with transaction.atomic():
        current = _locked(consultation)
        if current.state != ConsultationState.CLOSED:
            raise RuleError("征求意见结束后才能发布意见采纳情况。")
        if current.report_published_at is not None:
            raise RuleError("意见采纳情况已发布。")
        current.report_published_at = timezone.now()
        current.save(update_fields=["report_published_at", "updated_at"])
        touch_site(current.site)  # the report, and the link on the final policy's page
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=current,
            after={"report": "published"},
            message="发布意见采纳情况",
        )
    return current


def report_docx(consultation: Consultation) -> bytes:
    """The feedback report as a .docx in the official-document layout (core.officialdoc)."""
    from gongkai.core.officialdoc import OfficialDocument

    report = feedback_report(consultation)
    doc = OfficialDocument()
    doc.title(f"关于《{consultation.title}》征求意见采纳情况的说明")
    doc.body(
        f"{consultation.organisation.name}于 {consultation.opens_on:%Y年%m月%d日}至"
        f"{consultation.closes_on:%Y年%m月%d日}公开征求意见，共收到意见 {report.total} 条，"
        f"其中不予采用 {report.rejected} 条，"
        + "，".join(f"{k} {v} 条" for k, v in report.counts.items())
        + "。现将采纳情况说明如下。"
    )
    doc.heading("一、采纳情况统计")
    doc.table(["采纳情况", "条数"], [[k, v] for k, v in report.counts.items()])
    doc.heading("二、分段统计")
    doc.table(
        ["段落", "意见数", *report.counts.keys()],
        [[p, n, *[c.get(k, 0) for k in report.counts]] for p, n, c in report.per_paragraph],
    )
    doc.heading("三、意见及处理理由")
    doc.table(
        ["序号", "段落", "意见摘要", "采纳情况", "理由"],
        [
            [ln.number, ln.paragraph, ln.text[:200], ln.disposition, ln.reason]
            for ln in report.lines
        ],
    )
    day = timezone.localdate(consultation.report_published_at or timezone.now())
    doc.signature(consultation.organisation.name, f"{day.year}年{day.month}月{day.day}日")
    return doc.to_bytes()


# --------------------------------------------------------------------------- final text


def link_final(actor, consultation: Consultation, record) -> Consultation:
    """Link the final policy (a published record of kind 政策文件). The final policy: its text becomes the consultation's final version, so the public sees
    what changed between the last draft and the adopted text."""
    permissions.require(actor, "关联正式文件", consultation, EDIT_ROLES)
    if record.site_id != consultation.site_id:
        raise RuleError("只能关联本站的信息。")
    if record.published_at is None:
        raise RuleError("请选择已发布的正式文件。")
    if record.kind != Kind.POLICY:
        raise RuleError("正式文件须为已发布的政策文件（规范性文件）。")
    paragraphs = split_paragraphs(draft_text_from_record(record))
    with transaction.atomic():
        current = _locked(consultation)
        if current.state != ConsultationState.CLOSED:
            raise RuleError("征求意见结束后才能关联正式文件。")
        current.final_record = record
        current.save(update_fields=["final_record", "updated_at"])
        current.versions.filter(is_final=True).delete()
        DraftVersion.objects.create(
            consultation=current,
            number=current.versions.count() + 1,
            paragraphs=paragraphs,
            changelog="正式文本",
            is_final=True,
            created_by=permissions.user_of(actor),
        )
        touch_site(current.site)
        record_event(
            AuditEventType.OBJECT_CHANGED,
            actor=actor,
            obj=current,
            after={"final_record": record.pk},
            message="关联正式文件",
        )
    return current


@dataclass(frozen=True)
class DiffLine:
    op: str  # "same", "ins", "del"
    text: str


def paragraph_diff(old: list[str], new: list[str]) -> list[DiffLine]:
    """Paragraph-level differences (difflib): unchanged, deleted and inserted paragraphs."""
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines += [DiffLine("same", t) for t in old[i1:i2]]
            continue
        lines += [DiffLine("del", t) for t in old[i1:i2]]
        lines += [DiffLine("ins", t) for t in new[j1:j2]]
    return lines


def final_diff(consultation: Consultation) -> list[DiffLine]:
    final = final_version(consultation)
    draft = latest_version(consultation)
    if final is None or draft is None:
        return []
    return paragraph_diff(draft.paragraphs, final.paragraphs)


def consultations_of_record(record):
    """Consultations whose feedback report is published and whose final policy is `record`:
    for the link on the public record page."""
    return Consultation.objects.filter(final_record=record, report_published_at__isnull=False)


# --------------------------------------------------------------------------- advisory group


def add_member(
    actor,
    site,
    *,
    name: str,
    expertise: str,
    bio: str = "",
    account=None,
    public_consent: bool = False,
) -> AdvisoryMember:
    """A member of 参政智囊团, with or without a public account; consent to the public list
    recorded with its time. The group is the site's, so the office admin keeps it."""
    permissions.require(actor, "管理智囊团成员", site, ADVISORY_ROLES)
    name = plain_text(name, limit=50, multiline=False)
    expertise = plain_text(expertise, limit=200, multiline=False)
    if not name or not expertise:
        raise RuleError("请填写成员姓名和专业领域。")
    if account is not None and AdvisoryMember.objects.filter(site=site, account=account).exists():
        raise RuleError("该账号已是智囊团成员。")
    with transaction.atomic():
        member = AdvisoryMember.objects.create(
            site=site,
            account=account,
            name=name,
            expertise=expertise,
            bio=plain_text(bio, limit=500),
            public_consent=public_consent,
            consent_recorded_at=timezone.now() if public_consent else None,
        )
        if public_consent:
            touch_site(site)
        record_event(
            AuditEventType.OBJECT_CREATED,
            actor=actor,
            obj=member,
            after={"account": bool(account), "public": public_consent},
            message="新增智囊团成员",
        )
    return member


def invite(actor, member: AdvisoryMember, consultation: Consultation, note: str = ""):
    permissions.require(actor, "邀请智囊团成员", consultation, EDIT_ROLES)
    if member.site_id != consultation.site_id or not member.is_active:
        raise RuleError("只能邀请本站在任的智囊团成员。")
    if consultation.state == ConsultationState.CLOSED:
        raise RuleError("征求意见已结束。")
    with transaction.atomic():
        invitation, created = AdvisoryInvitation.objects.get_or_create(
            member=member,
            consultation=consultation,
            defaults={
                "note": plain_text(note, limit=300, multiline=False),
                "invited_by": permissions.user_of(actor),
            },
        )
        if not created:
            raise RuleError("已邀请过该成员。")
        record_event(
            AuditEventType.OBJECT_CREATED,
            actor=actor,
            obj=invitation,
            after={"consultation": consultation.pk},
            message="邀请智囊团成员提出意见",
        )
    return invitation


def invitations_of(account):
    """A member's invitations, for their account page or the 我的邀请 page."""
    return (
        AdvisoryInvitation.objects.filter(member__account=account, member__is_active=True)
        .select_related("consultation")
        .order_by("-invited_at")
    )


def public_members(site):
    return AdvisoryMember.objects.filter(site=site, is_active=True, public_consent=True)


# --------------------------------------------------------------------------- open data


def published_consultations(site=None):
    qs = Consultation.objects.filter(
        state__in=(ConsultationState.PUBLISHED, ConsultationState.CLOSED)
    ).select_related("organisation", "site")
    if site is not None:
        qs = qs.filter(site=site)
    return qs.order_by("-opens_on", "-id")


OPEN_DATA_COLUMNS = [
    "id",
    "site",
    "organisation",
    "title",
    "opens_on",
    "closes_on",
    "state",
    "comments",
    "rejected",
    "adopted",
    "partly_adopted",
    "not_adopted",
    "report_published",
]


def open_data_rows(site=None) -> list[dict]:
    """One row per published consultation; feedback counts only once its report is out (the
    dispositions are not public before)."""
    rows = []
    for c in published_consultations(site):
        row = {
            "id": c.pk,
            "site": c.site.slug,
            "organisation": c.organisation.name,
            "title": c.title,
            "opens_on": c.opens_on.isoformat(),
            "closes_on": c.closes_on.isoformat(),
            "state": c.state,
            "comments": None,
            "rejected": None,
            "adopted": None,
            "partly_adopted": None,
            "not_adopted": None,
            "report_published": c.report_published_at is not None,
        }
        if c.report_published_at is not None:
            report = feedback_report(c)
            row.update(
                comments=report.total,
                rejected=report.rejected,
                adopted=report.counts.get("采纳", 0),
                partly_adopted=report.counts.get("部分采纳", 0),
                not_adopted=report.counts.get("未采纳", 0),
            )
        rows.append(row)
    return rows


def open_data_csv(site=None) -> str:
    from gongkai.core.exports import SafeCsvWriter

    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer)
    writer.writerow(OPEN_DATA_COLUMNS)
    for row in open_data_rows(site):
        writer.writerow(["" if row[k] is None else row[k] for k in OPEN_DATA_COLUMNS])
    return "\ufeff" + buffer.getvalue()
