"""Every change to a record goes through here: drafting, review (先审后发), publication,
revision, withdrawal.

Each step checks who may act (core.permissions) and what the rules allow, moves the state
machine, writes an `AuditEvent`, and leaves side effects (search index, subscriber emails)
to `transaction.on_commit`. An illegal step raises `WorkflowError` (or PermissionDenied)
with a Chinese message, and nothing is written then.

- 国办发〔2016〕80号: the disclosure attribute (主动/依申请/不予公开) is set at drafting,
  with reasons when not proactive;
- 《政府信息公开条例》第十七条: confidentiality review before publication;
- 《条例》第二十六条: timeliness against the leaf's limit is stored at publication;
- 同步解读: a policy whose leaf requires it is not published without its interpretation,
  and an interpretation is never published before its policy.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from gongkai.catalogue.models import CatalogueItem
from gongkai.core import permissions
from gongkai.core.audit import record_event, snapshot
from gongkai.core.html import sanitize_html
from gongkai.core.models import AuditEventType, Organisation, Role
from gongkai.core.permissions import organisations_for
from gongkai.core.sites import touch_site
from gongkai.core.versioning import VersionConflict, claim

from . import content as content_rules
from . import deadlines, numbering
from .models import (
    CONTENT_FIELDS,
    Attachment,
    ConfidentialityReview,
    Disclosure,
    InterpretationRule,
    ItemPublishing,
    Kind,
    Record,
    RecordRevision,
    RevisionState,
    State,
    Validity,
)

EDIT_ROLES = (Role.EDITOR, Role.OFFICE_ADMIN)
REVIEW_ROLES = (Role.REVIEWER, Role.OFFICE_ADMIN)
PUBLISH_ROLES = (Role.EDITOR, Role.REVIEWER, Role.OFFICE_ADMIN)
STATE_FIELDS = [
    "state",
    "index_number",
    "published_at",
    "scheduled_at",
    "return_comment",
    "withdrawal_reason",
    "days_late",
]
DRAFT_FIELDS = [
    "title",
    "kind",
    "document_number",
    "written_on",
    "formed_on",
    "subject",
    "genre",
    "keywords",
    "summary",
    "validity",
    "disclosure",
    "disclosure_reason",
    "interpretation_form",
    "video_url",
    "meeting_on",
    "public_attendance",
]


#: kinds that are 公文 (documents with a 文号 and 成文日期, 《党政机关公文处理工作条例》第九条)
DOCUMENT_KINDS = frozenset({Kind.POLICY, Kind.NOTICE, Kind.GAZETTE})
#: drafting fields that belong to some kinds only; every other field applies to all kinds.
#: A field outside its kinds is neither required nor saved (it is stored blank).
KIND_FIELDS = {
    "document_number": DOCUMENT_KINDS,
    "written_on": DOCUMENT_KINDS,
    "validity": DOCUMENT_KINDS,
    "policy": frozenset({Kind.INTERPRETATION}),
    "interpretation_form": frozenset({Kind.INTERPRETATION}),
    "video_url": frozenset({Kind.INTERPRETATION}),
    "meeting_on": frozenset({Kind.MEETING}),
    "public_attendance": frozenset({Kind.MEETING}),
}
#: what each kind cannot do without: a 规范性文件 is registered by its 文号 and 成文日期
#: (国办发〔2018〕37号), an interpretation names its policy (同步解读), a meeting its date.
KIND_REQUIRED = {
    Kind.POLICY: {
        "document_number": "政策文件（规范性文件）须填写文号。",
        "written_on": "政策文件（规范性文件）须填写成文日期。",
    },
    Kind.INTERPRETATION: {"policy": "政策解读须关联所解读的政策文件。"},
    Kind.MEETING: {"meeting_on": "会议信息须填写会议日期。"},
}
_BLANK = {"written_on": None, "meeting_on": None, "policy": None}


def fields_for_kind(kind: str) -> set[str]:
    """The kind-dependent fields that apply to `kind`."""
    return {name for name, kinds in KIND_FIELDS.items() if kind in kinds}


def apply_kind(data: dict) -> dict[str, str]:
    """Blank the fields that do not belong to the data's kind (in place) and return what the
    kind requires but is missing, as {field: Chinese message}. The form shows these beside
    the fields; drafting through the workflow (API, imports, demo) refuses the first."""
    kind = data.get("kind") or Kind.GENERAL
    for name, kinds in KIND_FIELDS.items():
        if kind not in kinds:
            data[name] = _BLANK.get(name, "")
    return {
        name: message
        for name, message in KIND_REQUIRED.get(kind, {}).items()
        if data.get(name) in (None, "") or (isinstance(data[name], str) and not data[name].strip())
    }


class WorkflowError(ValueError):
    """A step the rules do not allow; the message is shown to the user as is."""


__all__ = ["VersionConflict", "WorkflowError"]

#: what a conflicting draft save compares, field by field
EDIT_COMPARE = [*DRAFT_FIELDS, "body", "policy"]
#: what the revision form edits (the content keys, and the update note)
REVISION_COMPARE = ["title", "summary", "body"]


# --------------------------------------------------------------------------- permissions


def can_act(user, organisation: Organisation, roles) -> bool:
    return permissions.can_act_on(user, organisation, roles)


def _require(user, organisation: Organisation, roles, what: str) -> None:
    """Each step names the roles it needs (EDIT_ROLES, REVIEW_ROLES, PUBLISH_ROLES); the
    check itself is core's, the same for views, API and commands."""
    permissions.require(user, what, organisation, roles)


def records_for(user, roles=PUBLISH_ROLES) -> QuerySet[Record]:
    """Records the user may see and act on in the staff pages and API."""
    return Record.objects.filter(organisation__in=organisations_for(user, roles))


def leaf_items_for(user, organisation: Organisation | None = None) -> QuerySet[CatalogueItem]:
    """Catalogue leaves the user may publish under: those their organisations are responsible
    for, and leaves of their sites that have no responsible organisation assigned yet."""
    orgs = organisations_for(user, EDIT_ROLES)
    if organisation is not None:
        orgs = orgs.filter(pk=organisation.pk)
    leaves = CatalogueItem.objects.filter(
        numchild=0, is_retired=False, site__in=orgs.values("site")
    )
    assigned = leaves.filter(organisations__in=orgs)
    unassigned = leaves.filter(organisations__isnull=True)
    return (
        CatalogueItem.objects.filter(pk__in=assigned.values("pk"))
        | CatalogueItem.objects.filter(pk__in=unassigned.values("pk"))
    ).select_related("domain")


def _check_leaf(organisation: Organisation, item: CatalogueItem) -> None:
    if item.site_id != organisation.site_id:
        raise WorkflowError("公开事项与发布机构不属于同一站点。")
    if item.numchild:
        raise WorkflowError("只能在末级公开事项下发布信息，请选择具体的二级或三级事项。")
    if item.is_retired:
        raise WorkflowError("该公开事项已停用（已从标准目录删去），不能再新增信息。")
    responsible = list(item.organisations.all())
    if responsible and not any(
        organisation.path.startswith(o.path) or o.path.startswith(organisation.path)
        for o in responsible
    ):
        raise WorkflowError(f"{organisation.name}不是“{item.name}”的公开主体。")


def interpretation_rule(item: CatalogueItem) -> str:
    setting = ItemPublishing.objects.filter(catalogue_item=item).first()
    return setting.interpretation_rule if setting else InterpretationRule.NONE


# --------------------------------------------------------------------------- drafting


def _audit(event, actor, record, message, before=None, after=None):
    record_event(event, actor=actor, obj=record, before=before, after=after, message=message)


def _clean_data(data: dict, organisation: Organisation) -> dict:
    """Validate the drafting fields; returns only the known ones."""
    data = {k: v for k, v in data.items() if k in DRAFT_FIELDS or k in ("body", "policy")}
    if not (data.get("title") or "").strip():
        raise WorkflowError("请填写标题。")
    if not data.get("formed_on"):
        raise WorkflowError("请填写信息形成/变更日期（公开时限由此起算）。")
    disclosure = data.get("disclosure") or Disclosure.PROACTIVE
    data["disclosure"] = disclosure
    if disclosure != Disclosure.PROACTIVE and not (data.get("disclosure_reason") or "").strip():
        raise WorkflowError("依申请公开或不予公开的信息须说明理由（国办发〔2016〕80号）。")
    kind = data["kind"] = data.get("kind") or Kind.GENERAL
    missing = apply_kind(data)
    if missing:
        raise WorkflowError(next(iter(missing.values())))
    if kind == Kind.POLICY and not data.get("validity"):
        data["validity"] = Validity.VALID
    policy = data.get("policy")
    if policy is not None and (
        policy.kind != Kind.POLICY or policy.site_id != organisation.site_id
    ):
        raise WorkflowError("所关联的不是本站点的政策文件。")
    return data


def _prepare_body(data: dict, docx: bytes | None) -> list[str]:
    notes: list[str] = []
    if docx is not None:
        clean, warnings = content_rules.docx_to_html(docx)
        data["body"] = clean.html
        notes.append("已将 Word 文档转换为正文。")
        notes.extend(f"转换提示：{w}" for w in warnings[:3])
    elif "body" in data:
        clean = sanitize_html(data.get("body") or "")
        data["body"] = clean.html
    else:
        return notes
    if clean.removed:
        notes.append("正文中的脚本、事件属性等不安全内容已被清除。")
    missing = content_rules.images_missing_alt(data["body"])
    if missing:
        notes.append(f"正文中有 {missing} 张图片缺少替代文本，请补充图片说明；补充前不能提交审核。")
    return notes


def _check_files(files) -> list[tuple[content_rules.CheckedFile, str]]:
    """Check every upload before anything is written; images need alt text."""
    checked = []
    for name, data, alt in files:
        result = content_rules.check_upload(name, data)
        if result.kind in content_rules.IMAGE_KINDS and not (alt or "").strip():
            raise content_rules.UploadRejected(f"图片“{result.name}”须填写替代文本（图片说明）。")
        checked.append((result, (alt or "").strip()))
    return checked


def _save_files(record: Record, checked, revision: RecordRevision | None = None) -> None:
    for result, alt in checked:
        attachment = Attachment(
            record=record,
            revision=revision,
            name=result.name,
            kind=result.kind,
            size=result.size,
            sha256=result.sha256,
            alt_text=alt,
        )
        attachment.file.save(result.name, ContentFile(result.data), save=False)
        attachment.save()


def create_draft(
    actor,
    *,
    organisation: Organisation,
    catalogue_item: CatalogueItem,
    data: dict,
    docx: bytes | None = None,
    files=(),
    slot=None,
) -> tuple[Record, list[str]]:
    """A new draft under a leaf the organisation is responsible for. `files` are
    (name, bytes, alt text) triples. Returns the record and notes for the editor."""
    _require(actor, organisation, EDIT_ROLES, "为该机构起草信息")
    _check_leaf(organisation, catalogue_item)
    data = _clean_data(dict(data), organisation)
    notes = _prepare_body(data, docx)
    checked = _check_files(files)
    if slot is not None and (
        slot.catalogue_item_id != catalogue_item.pk or slot.organisation_id != organisation.pk
    ):
        raise WorkflowError("所选期次与公开事项或机构不符。")
    with transaction.atomic():
        record = Record(
            site=organisation.site,
            organisation=organisation,
            catalogue_item=catalogue_item,
            created_by=actor,
            slot=slot,
            **data,
        )
        deadlines.apply_due(record)
        record.save()
        _save_files(record, checked)
        _audit(
            AuditEventType.OBJECT_CREATED,
            actor,
            record,
            f"新建信息草稿（{record.get_kind_display()}，{record.get_disclosure_display()}）",
            after=snapshot(record, ["title", "kind", "formed_on", "disclosure", "due_date"]),
        )
    return record, notes


def update_draft(
    actor,
    record: Record,
    data: dict,
    docx: bytes | None = None,
    files=(),
    *,
    version: int | None = None,
    base: str | None = None,
) -> list[str]:
    """Change a draft or a returned record; published records change only by revision.

    `version` is the version the editor loaded (the instance's own when None): the save is
    conditional on it, so of two people saving the same draft the second gets
    `VersionConflict` (with `base`, the form's fingerprint, saying what the other changed)
    and nothing is overwritten. The editor is recorded among the content editors, who may
    not approve it (四眼原则)."""
    _require(actor, record.organisation, EDIT_ROLES, "修改该信息")
    if record.state not in (State.DRAFT, State.RETURNED):
        raise WorkflowError("只有草稿或已退回的信息可以直接修改；已发布的信息请提交修订。")
    data = _clean_data(dict(data), record.organisation)
    notes = _prepare_body(data, docx)
    checked = _check_files(files)
    with transaction.atomic():
        claim(record, version, fields=EDIT_COMPARE, yours=data, base=base)
        record.refresh_from_db()
        if record.state not in (State.DRAFT, State.RETURNED):
            raise WorkflowError("该信息已提交审核或已发布，不能再直接修改。")
        before = snapshot(record, [*DRAFT_FIELDS, "body"])
        for key, value in data.items():
            setattr(record, key, value)
        deadlines.apply_due(record)
        record.save()
        _add_editor(record, actor)
        _save_files(record, checked)
        _audit(
            AuditEventType.OBJECT_CHANGED,
            actor,
            record,
            "修改信息草稿",
            before=before,
            after=snapshot(record, [*DRAFT_FIELDS, "body"]),
        )
    return notes


def _add_editor(target: Record | RecordRevision, actor) -> None:
    """Remember who changed the content besides its author: they may not approve it."""
    if getattr(actor, "pk", None) is not None and actor.pk != target.created_by_id:
        target.content_editors.add(actor)


def add_attachments(actor, record: Record, files) -> None:
    _require(actor, record.organisation, EDIT_ROLES, "上传附件")
    if record.state not in (State.DRAFT, State.RETURNED):
        raise WorkflowError("已提交审核或已发布的信息不能再添加附件；请通过修订添加。")
    checked = _check_files(files)
    with transaction.atomic():
        _save_files(record, checked)
        _add_editor(record, actor)
        _audit(
            AuditEventType.OBJECT_CHANGED,
            actor,
            record,
            "上传附件：" + "、".join(c.name for c, _ in checked),
        )


# --------------------------------------------------------------------------- transitions


def _transition(record: Record, method: str, *args) -> None:
    try:
        getattr(record, method)(*args)
    except TransitionNotAllowed:
        raise WorkflowError(f"当前状态为“{record.get_state_display()}”，不能执行此操作。") from None


def _state_event(actor, record: Record, before: dict, message: str) -> None:
    _audit(
        AuditEventType.STATE_CHANGED,
        actor,
        record,
        message,
        before=before,
        after=snapshot(record, STATE_FIELDS),
    )


def _require_alt_text(body: str) -> None:
    """Nothing goes to review with an image a screen reader cannot describe (GB/T 37668-2019
    5.1.1, WCAG 1.1.1). Drafts may be saved without it, with a note, so no typing is lost."""
    missing = content_rules.images_missing_alt(body)
    if missing:
        raise WorkflowError(
            f"正文中有 {missing} 张图片缺少替代文本（图片说明），请在编辑器中补充后再提交审核。"
        )


@transaction.atomic
def submit(actor, record: Record) -> None:
    _require(actor, record.organisation, EDIT_ROLES, "提交该信息")
    _require_alt_text(record.body)
    before = snapshot(record, STATE_FIELDS)
    _transition(record, "submit")
    record.submitted_by = actor
    record.submitted_at = timezone.now()
    record.save()
    _state_event(actor, record, before, "提交审核")


@transaction.atomic
def review_confidentiality(
    actor, record: Record, checks: dict, note: str = "", revision: RecordRevision | None = None
) -> ConfidentialityReview:
    """Record the 保密审查. It passes only when every check is confirmed."""
    _require(actor, record.organisation, REVIEW_ROLES, "进行保密审查")
    target_state = revision.state if revision else record.state
    if target_state != State.SUBMITTED:
        raise WorkflowError("只能对待审核的信息进行保密审查。")
    keys = ["no_state_secrets", "no_personal_info", "no_business_secrets", "no_stability_risk"]
    values = {k: bool(checks.get(k)) for k in keys}
    review = ConfidentialityReview.objects.create(
        record=record,
        revision=revision,
        reviewer=actor,
        passed=all(values.values()),
        note=note,
        **values,
    )
    _audit(
        AuditEventType.OBJECT_CREATED,
        actor,
        record,
        f"保密审查{'通过' if review.passed else '未通过'}"
        + (f"（第{revision.number}版修订）" if revision else "")
        + (f"：{note}" if note else ""),
        after=snapshot(review, [*keys, "passed", "note"]),
    )
    return review


def _passed_review(record: Record, revision: RecordRevision | None, since) -> bool:
    reviews = ConfidentialityReview.objects.filter(record=record, revision=revision, passed=True)
    if since is not None:
        reviews = reviews.filter(created_at__gte=since)
    return reviews.exists()


def approval_refusal(actor, target: Record | RecordRevision) -> str:
    """Why `actor` may not approve this record or revision ("" when they may).

    四眼原则 (《条例》第十七条, 先审查、后公开): whoever wrote the content, edited it or submitted
    it is not the one who approves it. Read from the fields (author, content editors,
    submitter) so the approval step, the review queue and the detail page agree."""
    uid = getattr(actor, "pk", None)
    if uid is None:
        return ""
    revision = isinstance(target, RecordRevision)
    what = "修订" if revision else "信息"
    rule = "四眼原则：须由未经手该内容的其他审核人审核通过"
    if target.created_by_id == uid:
        author = "修订人" if revision else "起草人"
        return f"{author}不能审核自己的{what}（您起草了该内容；{rule}）。"
    if target.content_editors.filter(pk=uid).exists():
        return f"修改过内容的人不能审核自己修改过的{what}（{rule}）。"
    if target.submitted_by_id == uid:
        return f"提交人不能审核自己提交的{what}（{rule}）。"
    return ""


def may_approve(actor, target: Record | RecordRevision) -> bool:
    """Whether the review pages offer 审核通过 to this reviewer."""
    organisation = target.organisation if isinstance(target, Record) else target.record.organisation
    return can_act(actor, organisation, REVIEW_ROLES) and not approval_refusal(actor, target)


@transaction.atomic
def approve(actor, record: Record) -> None:
    """审核通过: by a reviewer who neither wrote, edited nor submitted it, after a passed
    confidentiality review of this submission."""
    _require(actor, record.organisation, REVIEW_ROLES, "审核该信息")
    if record.state == State.SUBMITTED:
        refusal = approval_refusal(actor, record)
        if refusal:
            raise WorkflowError(refusal)
    if record.state == State.SUBMITTED and not _passed_review(record, None, record.submitted_at):
        raise WorkflowError("请先完成保密审查并确认各项内容，再审核通过。")
    before = snapshot(record, STATE_FIELDS)
    _transition(record, "approve")
    record.approved_by = actor
    record.save()
    _state_event(actor, record, before, "审核通过")


@transaction.atomic
def return_record(actor, record: Record, comment: str) -> None:
    _require(actor, record.organisation, REVIEW_ROLES, "退回该信息")
    comment = (comment or "").strip()
    if not comment:
        raise WorkflowError("退回时须填写退回意见。")
    before = snapshot(record, STATE_FIELDS)
    _transition(record, "send_back", comment)
    record.save()
    _state_event(actor, record, before, f"退回修改：{comment}")


def first_revision(record: Record, published_at) -> RecordRevision:
    """Revision 1: the first publication as the 更新记录 keeps it (unsaved, so a bulk load
    can create many at once)."""
    return RecordRevision(
        record=record,
        number=1,
        content=record.content(),
        reason="首次发布",
        state=RevisionState.PUBLISHED,
        created_by=record.created_by,
        approved_by=record.approved_by,
        published_at=published_at,
    )


def publish(actor, record: Record, at: datetime | None = None) -> None:
    """Publish an approved record now, or schedule it (`at` in the future): the
    `publish_due_records` task and `gongkai records publish-due` publish it then."""
    _require(actor, record.organisation, PUBLISH_ROLES, "发布该信息")
    now = timezone.now()
    if at is not None and at > now:
        if record.state != State.APPROVED:
            raise WorkflowError(f"当前状态为“{record.get_state_display()}”，不能定时发布。")
        _check_publishable(record)
        with transaction.atomic():
            before = snapshot(record, STATE_FIELDS)
            record.scheduled_at = at
            record.save()
            _state_event(
                actor,
                record,
                before,
                f"定时发布：{timezone.localtime(at):%Y-%m-%d %H:%M}",
            )
        return
    with transaction.atomic():
        _publish_now(actor, record, now)


def _check_publishable(record: Record) -> None:
    if record.kind == Kind.INTERPRETATION and record.policy is not None:
        if record.policy.state not in (State.PUBLISHED, State.APPROVED):
            raise WorkflowError(
                "所解读的政策尚未审核通过；解读须与政策同步发布，不能先于政策发布。"
            )
    if record.kind == Kind.POLICY and interpretation_rule(record.catalogue_item) == (
        InterpretationRule.BLOCK
    ):
        ready = record.interpretations.filter(state__in=[State.APPROVED, State.PUBLISHED])
        if not ready.exists():
            raise WorkflowError(
                "该公开事项要求同步解读：请先起草政策解读并审核通过，政策与解读将同步发布。"
            )


def _publish_now(actor, record: Record, now: datetime, *, with_policy: bool = False) -> None:
    _check_publishable(record)
    if record.kind == Kind.INTERPRETATION and record.policy and not with_policy:
        if record.policy.state != State.PUBLISHED:
            raise WorkflowError(
                "解读不能先于政策发布：请发布政策，已审核通过的解读将与政策同步发布。"
            )
    before = snapshot(record, STATE_FIELDS)
    _transition(record, "publish")
    record.published_at = now
    record.scheduled_at = None
    if not record.index_number:
        record.index_number = numbering.next_index_number(record, timezone.localtime(now).year)
    record.days_late = deadlines.days_late(record.due_date, timezone.localtime(now).date())
    try:
        record.save()  # UPDATE … WHERE state = 'approved': a second publication changes nothing
    except ConcurrentTransition:
        raise WorkflowError("该信息已由他人或定时任务发布，请刷新页面查看。") from None
    if not record.revisions.exists():
        first_revision(record, now).save()
    from . import channels

    channels.prepare_deliveries(record, actor=actor)
    late = deadlines.timeliness_label(record)
    _state_event(actor, record, before, f"发布（索引号 {record.index_number}，{late}）")
    _after_publication(record)
    if record.kind == Kind.POLICY:
        # 同步解读: approved interpretations go out with their policy.
        for interpretation in record.interpretations.filter(state=State.APPROVED):
            _publish_now(actor, interpretation, now, with_policy=True)


def _touch_site(record: Record) -> None:
    """The site's public pages changed: new ETags and page-cache keys, at commit."""
    touch_site(record.site)


def _after_publication(record: Record, *, notify_subscribers: bool = True) -> None:
    from . import indexing, notify

    pk = record.pk
    _touch_site(record)
    indexing.refresh_on_commit(pk)
    if notify_subscribers:
        notify.enqueue_subscriber_emails(pk)


def publish_archived(
    actor,
    *,
    organisation: Organisation,
    catalogue_item: CatalogueItem,
    data: dict,
    published_at: datetime,
    attachments=(),
    complete_body: Callable[[Record], str] | None = None,
) -> Record:
    """A record the old site already published (旧站迁移), published here as it was: with its
    original publication date and, when it had one that is free here, its own 索引号. It skips
    the drafting review (the content was published before; the staff member who confirms it
    takes the publishing role) and sends no subscriber e-mail (it is not news). Not late, not
    early: an archived record has no 公开期限 of its own.

    `attachments` are dicts of Attachment fields (name, kind, size, sha256, alt_text, file: the
    name of a file already in storage), so the migrated files are not copied twice.
    `complete_body(record)` returns the body once the attachments exist (links to them need
    their numbers); it runs before the first revision records what was published."""
    _require(actor, organisation, PUBLISH_ROLES, "迁移发布信息")
    _check_leaf(organisation, catalogue_item)
    data = dict(data)
    index_number = (data.pop("index_number", "") or "").strip()
    data.setdefault("formed_on", timezone.localtime(published_at).date())
    data = _clean_data(data, organisation)
    data["body"] = sanitize_html(data.get("body") or "").html
    with transaction.atomic():
        record = Record(
            site=organisation.site,
            organisation=organisation,
            catalogue_item=catalogue_item,
            created_by=permissions.user_of(actor),
            approved_by=permissions.user_of(actor),
            state=State.PUBLISHED,
            published_at=published_at,
            **data,
        )
        taken = Record.objects.filter(site=record.site, index_number=index_number).exists()
        if index_number and not taken:
            record.index_number = index_number
        else:
            record.index_number = numbering.next_index_number(
                record, timezone.localtime(published_at).year
            )
        record.save()
        for values in attachments:
            values = dict(values)
            stored = values.pop("file")
            attachment = Attachment(record=record, **values)
            attachment.file.name = stored
            attachment.save()
        if complete_body is not None:
            body = complete_body(record)
            if body != record.body:
                record.body = body
                record._applying_revision = True  # completes the publication in progress
                record.save(update_fields=["body"])
                record._applying_revision = False
        first_revision(record, published_at).save()
        _audit(
            AuditEventType.OBJECT_CREATED,
            actor,
            record,
            f"迁移发布（原发布日期 {timezone.localtime(published_at):%Y-%m-%d}，"
            f"索引号 {record.index_number}）",
            after=snapshot(record, ["title", "kind", *STATE_FIELDS]),
        )
        _after_publication(record, notify_subscribers=False)
    return record


def publish_due(now: datetime | None = None, *, actor) -> list[Record]:
    """Publish approved records whose scheduled time has come. Returns those published.
    The job runs as `permissions.SYSTEM`; the step is checked like any publication."""
    now = now or timezone.now()
    published = []
    due = Record.objects.filter(state=State.APPROVED, scheduled_at__lte=now).order_by(
        "scheduled_at", "pk"
    )
    for record in due:
        try:
            with transaction.atomic():
                record = Record.objects.select_for_update().get(pk=record.pk)
                if record.state != State.APPROVED:
                    continue
                _require(actor, record.organisation, PUBLISH_ROLES, "定时发布该信息")
                _publish_now(actor, record, now)
                published.append(record)
        except WorkflowError as exc:
            record_event(
                AuditEventType.STATE_CHANGED,
                obj=record,
                message=f"定时发布未执行：{exc}",
            )
    return published


@transaction.atomic
def withdraw(actor, record: Record, reason: str) -> None:
    """撤回: the page stays at its URL and shows the withdrawal notice and reason."""
    _require(actor, record.organisation, REVIEW_ROLES, "撤回该信息")
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("撤回信息须填写撤回原因。")
    before = snapshot(record, STATE_FIELDS)
    _transition(record, "withdraw", reason)
    record.withdrawn_at = timezone.now()
    record.save()
    _state_event(actor, record, before, f"撤回：{reason}")
    from . import indexing

    pk = record.pk
    _touch_site(record)
    indexing.refresh_on_commit(pk)


@transaction.atomic
def expire(actor, record: Record, validity: str = Validity.INVALID, reason: str = "") -> None:
    """A policy that lapsed (失效) or was repealed (废止): it stays readable, marked so."""
    _require(actor, record.organisation, REVIEW_ROLES, "标记信息失效")
    before = snapshot(record, [*STATE_FIELDS, "validity"])
    _transition(record, "expire")
    record._applying_revision = True
    record.validity = validity if record.kind == Kind.POLICY else record.validity
    record.save()
    record._applying_revision = False
    _audit(
        AuditEventType.STATE_CHANGED,
        actor,
        record,
        f"标记为{record.get_state_display()}" + (f"：{reason}" if reason else ""),
        before=before,
        after=snapshot(record, [*STATE_FIELDS, "validity"]),
    )
    from . import indexing

    pk = record.pk
    _touch_site(record)
    indexing.refresh_on_commit(pk)


# --------------------------------------------------------------------------- revisions


def _revision_content(record: Record, data: dict, docx: bytes | None) -> tuple[dict, list[str]]:
    merged = {**record.content(), **{k: v for k, v in data.items() if k in CONTENT_FIELDS}}
    notes = _prepare_body(merged, docx)
    if not (merged.get("title") or "").strip():
        raise WorkflowError("请填写标题。")
    _require_alt_text(merged.get("body") or "")
    return snapshot_content(merged), notes


def snapshot_content(values: dict) -> dict:
    from gongkai.core.audit import _jsonable

    return {k: _jsonable(values.get(k)) for k in CONTENT_FIELDS}


def start_revision(
    actor, record: Record, data: dict, reason: str, docx: bytes | None = None, files=()
) -> tuple[RecordRevision, list[str]]:
    """An edit after publication: a new revision submitted for review; the public text does
    not change until the revision is approved and published."""
    _require(actor, record.organisation, EDIT_ROLES, "修订该信息")
    if record.state != State.PUBLISHED:
        raise WorkflowError("只有已发布的信息可以修订。")
    if record.revisions.exclude(state=RevisionState.PUBLISHED).exists():
        raise WorkflowError("该信息已有一个修订在处理中，请先完成它。")
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("请填写更新说明（将显示在公开页面的更新记录中）。")
    content, notes = _revision_content(record, data, docx)
    if content == snapshot_content(record.content()) and not files:
        raise WorkflowError("修订内容与当前发布版本相同。")
    checked = _check_files(files)
    with transaction.atomic():
        # Two editors starting a revision at once: the second waits here, then is refused.
        Record.objects.select_for_update().filter(pk=record.pk).first()
        if record.revisions.exclude(state=RevisionState.PUBLISHED).exists():
            raise WorkflowError("该信息已有一个修订在处理中，请先完成它。")
        number = (
            record.revisions.order_by("-number").values_list("number", flat=True).first()
        ) or 1
        revision = RecordRevision.objects.create(
            record=record,
            number=number + 1,
            content=content,
            reason=reason,
            created_by=actor,
            submitted_by=actor,
            submitted_at=timezone.now(),
        )
        _save_files(record, checked, revision)
        _audit(
            AuditEventType.OBJECT_CREATED,
            actor,
            record,
            f"提交修订（第{revision.number}版）：{reason}",
            before=snapshot_content(record.content()),
            after=content,
        )
    return revision, notes


def revision_form_values(revision: RecordRevision) -> dict:
    values = {k: revision.content.get(k) for k in REVISION_COMPARE}
    values["reason"] = revision.reason
    return values


@transaction.atomic
def update_revision(
    actor,
    revision: RecordRevision,
    data: dict,
    reason: str,
    docx: bytes | None = None,
    *,
    version: int | None = None,
    base: str | None = None,
) -> list[str]:
    """Rework a returned revision and submit it again. Conditional on the `version` the
    editor loaded, as drafts are (`update_draft`)."""
    record = revision.record
    _require(actor, record.organisation, EDIT_ROLES, "修订该信息")
    if revision.state != RevisionState.RETURNED:
        raise WorkflowError("只有被退回的修订可以修改后重新提交。")
    content, notes = _revision_content(record, data, docx)
    reason = (reason or revision.reason).strip()
    claim(
        revision,
        version,
        yours={**{k: content.get(k) for k in REVISION_COMPARE}, "reason": reason},
        base=base,
        read=revision_form_values,
        describe_as=(Record, RecordRevision),
    )
    revision.refresh_from_db()
    if revision.state != RevisionState.RETURNED:
        raise WorkflowError("该修订已被重新提交，不能再修改。")
    before = revision.content
    revision.content = content
    revision.reason = reason
    try:
        revision.resubmit()
    except TransitionNotAllowed:
        raise WorkflowError("该修订当前不能重新提交。") from None
    revision.submitted_by = actor
    revision.submitted_at = timezone.now()
    revision.save()
    _add_editor(revision, actor)
    _audit(
        AuditEventType.STATE_CHANGED,
        actor,
        record,
        f"重新提交修订（第{revision.number}版）",
        before=before,
        after=content,
    )
    return notes


@transaction.atomic
def approve_revision(actor, revision: RecordRevision) -> None:
    record = revision.record
    _require(actor, record.organisation, REVIEW_ROLES, "审核修订")
    if revision.state == RevisionState.SUBMITTED:
        refusal = approval_refusal(actor, revision)
        if refusal:
            raise WorkflowError(refusal)
    if not _passed_review(record, revision, revision.submitted_at):
        raise WorkflowError("请先对该修订完成保密审查，再审核通过。")
    try:
        revision.approve()
    except TransitionNotAllowed:
        raise WorkflowError("该修订当前不能审核通过。") from None
    revision.approved_by = actor
    revision.save()
    _audit(AuditEventType.STATE_CHANGED, actor, record, f"修订审核通过（第{revision.number}版）")


@transaction.atomic
def return_revision(actor, revision: RecordRevision, comment: str) -> None:
    record = revision.record
    _require(actor, record.organisation, REVIEW_ROLES, "退回修订")
    comment = (comment or "").strip()
    if not comment:
        raise WorkflowError("退回时须填写退回意见。")
    try:
        revision.send_back(comment)
    except TransitionNotAllowed:
        raise WorkflowError("该修订当前不能退回。") from None
    revision.save()
    _audit(
        AuditEventType.STATE_CHANGED,
        actor,
        record,
        f"退回修订（第{revision.number}版）：{comment}",
    )


@transaction.atomic
def publish_revision(actor, revision: RecordRevision) -> None:
    """Replace the public text with the approved revision. The previous version stays in its
    own revision row; the page lists both in 更新记录."""
    record = Record.objects.select_for_update().get(pk=revision.record_id)
    _require(actor, record.organisation, PUBLISH_ROLES, "发布修订")
    if record.state != State.PUBLISHED:
        raise WorkflowError("信息已不在发布状态，修订不能发布。")
    try:
        revision.publish()
    except TransitionNotAllowed:
        raise WorkflowError("该修订尚未审核通过，不能发布。") from None
    before = snapshot_content(record.content())
    now = timezone.now()
    field_types = {f.name: f for f in Record._meta.concrete_fields}
    for key in CONTENT_FIELDS:
        value = revision.content.get(key)
        setattr(record, key, field_types[key].to_python(value) if value is not None else None)
        if value is None and not field_types[key].null:
            setattr(record, key, "")
    record._applying_revision = True
    record.save()
    record._applying_revision = False
    revision.published_at = now
    revision.save()
    _audit(
        AuditEventType.STATE_CHANGED,
        actor,
        record,
        f"发布修订（第{revision.number}版）：{revision.reason}",
        before=before,
        after=snapshot_content(record.content()),
    )
    pk = record.pk
    from . import indexing

    _touch_site(record)
    indexing.refresh_on_commit(pk)


def public_attachments(record: Record):
    """Attachments of the record and of its published revisions."""
    from django.db.models import Q

    return record.attachments.filter(
        Q(revision__isnull=True) | Q(revision__state=RevisionState.PUBLISHED)
    )
