"""Every change to a service item's guide goes through here: drafting, a new version of a
published guide, review (先审后发, four-eyes), publication, withdrawal and verification (核验).

Each step checks who may act (core.permissions), what the rules allow (guides.rules), moves the
guide's state machine (records.models.State, the same review as a government record,
《政府信息公开条例》第十七条), writes an `AuditEvent` without personal data, and refuses an
illegal step with `WorkflowError` (records') carrying a Chinese message; nothing is written
then.

A guide is versioned and effective-dated: a published version is never edited; a change of fee
or material is a new version (`new_version`) that takes effect on its own `effective_from`, and
the public page shows the version in force (rules.guide_in_force). A guide missing a key element
the inspection indicators require (website-indicators.md, 办事服务: 指南要素缺失) can neither be
submitted nor published."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from gongkai.catalogue.models import CatalogueItem, FiveStage
from gongkai.core import permissions
from gongkai.core.audit import record_event, snapshot
from gongkai.core.models import AuditEventType, Organisation, Role
from gongkai.core.permissions import organisations_for
from gongkai.core.sites import touch_site
from gongkai.core.versioning import FieldChange, VersionConflict, claim, fingerprint
from gongkai.records.models import State
from gongkai.records.workflow import WorkflowError, approval_refusal

from . import rules
from .models import (
    Audience,
    CertificateType,
    Condition,
    Guide,
    ItemType,
    Material,
    MaterialForm,
    MaterialSource,
    ServiceItem,
    Step,
    Window,
)

__all__ = ["VersionConflict", "WorkflowError", "approval_refusal"]

EDIT_ROLES = (Role.EDITOR, Role.OFFICE_ADMIN)
REVIEW_ROLES = (Role.REVIEWER, Role.OFFICE_ADMIN)
#: as for records: once approved, the organisation's staff or the office publish it
PUBLISH_ROLES = (Role.EDITOR, Role.REVIEWER, Role.OFFICE_ADMIN)
#: 核验: whoever looks after the organisation's guides confirms the text is still right
VERIFY_ROLES = (Role.EDITOR, Role.REVIEWER, Role.OFFICE_ADMIN)
VIEW_ROLES = (Role.EDITOR, Role.REVIEWER, Role.OFFICE_ADMIN)

OPEN_STATES = (State.DRAFT, State.SUBMITTED, State.RETURNED, State.APPROVED)
EDITABLE_STATES = (State.DRAFT, State.RETURNED)

#: the guide's own fields an editor drafts (the windows are a set, the rows below lists)
GUIDE_FIELDS = [
    "effective_from",
    "change_reason",
    "summary",
    "legal_basis",
    "applicant",
    "statutory_limit_days",
    "promised_limit_days",
    "fee_free",
    "fee_text",
    "fee_basis",
    "address",
    "hours",
    "online_url",
    "visits_required",
    "consult_phone",
    "complaint_phone",
    "most_once",
]
STATE_FIELDS = ["state", "number", "effective_from", "return_comment", "published_at"]
MATERIAL_FIELDS = [
    "name",
    "source",
    "copies",
    "form",
    "required",
    "legal_basis",
    "notes",
    "certificate",
]
STEP_FIELDS = ["name", "description", "time_limit_days", "fee_text"]
#: labels of the row lists, for conflicts and the version comparison
LIST_LABELS = {
    "window_list": "受理窗口",
    "condition_list": "受理条件",
    "material_list": "申请材料",
    "step_list": "办理流程",
}


# --------------------------------------------------------------------------- scope


def items_for(user, roles=VIEW_ROLES) -> QuerySet[ServiceItem]:
    """Items the user may see and act on in the staff pages: an organisation's staff their
    organisation's (and its sub-organisations'), the office admin the whole site's."""
    return ServiceItem.objects.filter(organisation__in=organisations_for(user, roles))


def guides_for(user, roles=VIEW_ROLES) -> QuerySet[Guide]:
    return Guide.objects.filter(item__organisation__in=organisations_for(user, roles))


def can_act(user, organisation: Organisation, roles) -> bool:
    return permissions.can_act_on(user, organisation, roles)


def _audit(event, actor, obj, message, before=None, after=None) -> None:
    record_event(event, actor=actor, obj=obj, before=before, after=after, message=message)


# --------------------------------------------------------------------------- items


def create_item(
    actor,
    *,
    organisation: Organisation,
    code: str,
    name: str,
    item_type: str,
    audience: str = Audience.PERSON,
    catalogue_item: CatalogueItem | None = None,
) -> ServiceItem:
    """A new 办事事项 of the organisation; its content comes in its guide versions."""
    permissions.require(actor, "为该机构新增办事事项", organisation, EDIT_ROLES)
    code, name = (code or "").strip(), (name or "").strip()
    if not code:
        raise WorkflowError("请填写事项编码。")
    if not name:
        raise WorkflowError("请填写事项名称。")
    if item_type not in ItemType.values:
        raise WorkflowError("请选择事项类型。")
    if audience not in Audience.values:
        raise WorkflowError("请选择服务对象。")
    if catalogue_item is not None:
        if catalogue_item.site_id != organisation.site_id:
            raise WorkflowError("所选标准目录事项不属于本站点。")
        if catalogue_item.numchild:
            raise WorkflowError("请选择标准目录的末级事项。")
        if catalogue_item.five_stage not in ("", FiveStage.SERVICE):
            # 办事指南 belongs to 服务公开 of the 五公开 (国办发〔2016〕80号)
            raise WorkflowError("办事事项只能关联“服务公开”阶段的标准目录事项。")
    site = organisation.site
    if ServiceItem.objects.filter(site=site, code=code).exists():
        raise WorkflowError(f"事项编码“{code}”已被本站点的其他事项使用。")
    try:
        with transaction.atomic():
            item = ServiceItem.objects.create(
                site=site,
                organisation=organisation,
                code=code,
                name=name,
                item_type=item_type,
                audience=audience,
                catalogue_item=catalogue_item,
            )
            _audit(
                AuditEventType.OBJECT_CREATED,
                actor,
                item,
                f"新增办事事项 {code}",
                after=snapshot(item, ["code", "name", "item_type", "audience", "organisation"]),
            )
    except IntegrityError:  # two people added the same code at once
        raise WorkflowError(f"事项编码“{code}”已被本站点的其他事项使用。") from None
    return item


# --------------------------------------------------------------------------- drafting


@dataclass(frozen=True)
class GuideContent:
    """A guide's drafted content, cleaned: the fields, the windows and the three row lists."""

    fields: dict
    windows: list[Window]
    conditions: list[str] | None  # None: keep the guide's rows
    materials: list[dict] | None
    steps: list[dict] | None


def _text(value) -> str:
    return str(value or "").strip()


TEXT_FIELDS = [
    "change_reason",
    "summary",
    "legal_basis",
    "applicant",
    "fee_text",
    "fee_basis",
    "address",
    "hours",
    "online_url",
    "consult_phone",
    "complaint_phone",
]


def _fits(model, name: str, value: str, row: str = "") -> str:
    """A text longer than its column is refused with the field's name (an import or the API
    may send one; the forms limit it already)."""
    limit = model._meta.get_field(name).max_length
    if limit and len(value) > limit:
        label = model._meta.get_field(name).verbose_name
        raise WorkflowError(f"{row}{label}不能超过 {limit} 个字。")
    return value


def _clean(
    site,
    data: dict,
    conditions,
    materials,
    steps,
    *,
    windows=None,
    partial_from: Guide | None = None,
) -> GuideContent:
    """Validate a draft's content against the site; empty rows are dropped (an empty form row
    is not a condition). Only refuses what cannot be stored: the key elements are checked at
    submission, so an editor can save an unfinished draft."""
    fields = {k: data[k] for k in GUIDE_FIELDS if k in data}
    for key in TEXT_FIELDS:
        if key in fields:
            fields[key] = _fits(Guide, key, _text(fields[key]))
    if fields.get("visits_required", 0) is None:
        del fields["visits_required"]
    if "effective_from" in fields and not isinstance(fields["effective_from"], date):
        raise WorkflowError("请填写生效日期。")
    for key in ("statutory_limit_days", "promised_limit_days"):
        value = fields.get(key)
        if value not in (None, "") and (not isinstance(value, int) or value < 0):
            raise WorkflowError("办结时限须为不小于零的工作日数。")
        if value == "":
            fields[key] = None
    statutory, promised = fields.get("statutory_limit_days"), fields.get("promised_limit_days")
    if partial_from is not None:
        statutory = fields.get("statutory_limit_days", partial_from.statutory_limit_days)
        promised = fields.get("promised_limit_days", partial_from.promised_limit_days)
    if statutory is not None and promised is not None and promised > statutory:
        raise WorkflowError("承诺办结时限不能长于法定办结时限。")
    visits = fields.get("visits_required")
    if visits is not None and (not isinstance(visits, int) or visits < 0):
        raise WorkflowError("到现场次数须为不小于零的整数。")
    if fields.get("most_once") and visits is not None and visits > 1:
        raise WorkflowError("“最多跑一次”事项的到现场次数不能超过一次。")
    for key in ("fee_free", "most_once"):
        if key in fields:
            fields[key] = bool(fields[key])

    if windows is not None:
        windows = list(windows)
        if any(w.site_id != site.pk for w in windows):
            raise WorkflowError("所选受理窗口不属于本站点。")

    if partial_from is None:  # a new guide: a list left out is empty
        conditions, materials, steps = conditions or (), materials or (), steps or ()
    # (editing, a list left out, None, keeps the rows the guide has)
    clean_conditions = None
    if conditions is not None:
        clean_conditions = [_text(c.get("text") if isinstance(c, dict) else c) for c in conditions]
        clean_conditions = [c for c in clean_conditions if c]

    clean_materials = None if materials is None else []
    for row in materials or ():
        name = _text(row.get("name"))
        if not name:
            continue
        _fits(Material, "name", name, "申请材料的")
        certificate = row.get("certificate")
        if certificate is not None:
            if not isinstance(certificate, CertificateType) or certificate.site_id != site.pk:
                raise WorkflowError(f"材料“{name}”所选的证照或数据不在本站点的一库共享中。")
        source = row.get("source") or MaterialSource.APPLICANT
        form = row.get("form") or MaterialForm.ORIGINAL
        if source not in MaterialSource.values or form not in MaterialForm.values:
            raise WorkflowError(f"材料“{name}”的来源渠道或材料形式无效。")
        copies = row.get("copies") or 1
        if not isinstance(copies, int) or not 1 <= copies <= 99:
            raise WorkflowError(f"材料“{name}”的份数须为 1 至 99 的整数。")
        clean_materials.append(
            {
                "name": name,
                "source": source,
                "copies": copies,
                "form": form,
                "required": bool(row.get("required", True)),
                "legal_basis": _text(row.get("legal_basis")),
                "notes": _text(row.get("notes")),
                "certificate": certificate,
            }
        )

    clean_steps = None if steps is None else []
    for row in steps or ():
        name = _text(row.get("name"))
        if not name:
            continue
        days = row.get("time_limit_days")
        if days in ("",):
            days = None
        if days is not None and (not isinstance(days, int) or days < 0):
            raise WorkflowError(f"环节“{name}”的时限须为不小于零的工作日数。")
        clean_steps.append(
            {
                "name": _fits(Step, "name", name, "办理环节的"),
                "description": _text(row.get("description")),
                "time_limit_days": days,
                "fee_text": _fits(
                    Step, "fee_text", _text(row.get("fee_text")) or "不收费", "办理环节的"
                ),
            }
        )
    return GuideContent(fields, windows, clean_conditions, clean_materials, clean_steps)


def _write_rows(guide: Guide, content: GuideContent) -> None:
    """Replace the rows of a draft (a draft's rows belong to it alone; published versions
    keep theirs)."""
    if content.windows is not None:
        guide.windows.set(content.windows)
    if content.conditions is not None:
        guide.conditions.all().delete()
        Condition.objects.bulk_create(
            Condition(guide=guide, order=i, text=text)
            for i, text in enumerate(content.conditions, 1)
        )
    if content.materials is not None:
        guide.materials.all().delete()
        Material.objects.bulk_create(
            Material(guide=guide, order=i, **row) for i, row in enumerate(content.materials, 1)
        )
    if content.steps is not None:
        guide.steps.all().delete()
        Step.objects.bulk_create(
            Step(guide=guide, order=i, **row) for i, row in enumerate(content.steps, 1)
        )


def _material_text(m) -> str:
    get = m.get if isinstance(m, dict) else lambda k, d=None: getattr(m, k, d)
    parts = [
        str(MaterialSource(get("source")).label),
        str(MaterialForm(get("form")).label),
        f"{get('copies')}份",
        "必要" if get("required") else "非必要",
    ]
    certificate = get("certificate")
    if certificate is not None:
        parts.append(f"可由“{certificate.name}”替代")
    if get("legal_basis"):
        parts.append(f"依据：{get('legal_basis')}")
    if get("notes"):
        parts.append(f"须知：{get('notes')}")
    return f"{get('name')}（{'，'.join(parts)}）"


def _step_text(s) -> str:
    get = s.get if isinstance(s, dict) else lambda k, d=None: getattr(s, k, d)
    days = get("time_limit_days")
    limit = f"{days}个工作日" if days is not None else "时限未填"
    text = f"{get('name')}（{limit}，{get('fee_text') or '不收费'}）"
    return f"{text}：{get('description')}" if get("description") else text


def _numbered(lines: list[str]) -> list[str]:
    # numbered with a fixed width so the sorted comparison keeps the order
    return [f"{i:03d}. {line}" for i, line in enumerate(lines, 1)]


def content_values(guide: Guide) -> dict:
    """What an edit compares and a version diff shows: the fields, the windows and the rows,
    each row as the text a person reads."""
    values = {name: getattr(guide, name) for name in GUIDE_FIELDS}
    values["window_list"] = sorted(str(w) for w in guide.windows.all()) if guide.pk else []
    values["condition_list"] = _numbered([c.text for c in guide.conditions.all()])
    values["material_list"] = _numbered(
        [_material_text(m) for m in guide.materials.select_related("certificate")]
    )
    values["step_list"] = _numbered([_step_text(s) for s in guide.steps.all()])
    return values


def _content_as_values(content: GuideContent, guide: Guide) -> dict:
    values = {name: content.fields.get(name, getattr(guide, name)) for name in GUIDE_FIELDS}
    if content.windows is not None:
        values["window_list"] = sorted(str(w) for w in content.windows)
    if content.conditions is not None:
        values["condition_list"] = _numbered(content.conditions)
    if content.materials is not None:
        values["material_list"] = _numbered([_material_text(m) for m in content.materials])
    if content.steps is not None:
        values["step_list"] = _numbered([_step_text(s) for s in content.steps])
    return values


def _labelled(conflict: VersionConflict) -> VersionConflict:
    """The row lists have no model field: give them their Chinese labels."""
    conflict.changes = [
        FieldChange(c.name, LIST_LABELS.get(c.name, c.label), c.theirs, c.yours)
        for c in conflict.changes
    ]
    return conflict


def _add_editor(guide: Guide, actor) -> None:
    """Whoever changes the content besides its author may not approve it (四眼原则)."""
    if getattr(actor, "pk", None) is not None and actor.pk != guide.created_by_id:
        guide.content_editors.add(actor)


def _summary(guide: Guide) -> dict:
    """The audit snapshot of a guide: its fields and how many rows it has (no personal data:
    a guide holds the organisation's public service information only)."""
    data = snapshot(guide, ["number", *GUIDE_FIELDS])
    data.update(
        conditions=guide.conditions.count(),
        materials=guide.materials.count(),
        steps=guide.steps.count(),
    )
    return data


def create_guide(
    actor,
    item: ServiceItem,
    data: dict,
    conditions=(),
    materials=(),
    steps=(),
    *,
    windows=None,
) -> Guide:
    """Version 1 of an item's guide, as a draft, with its conditions, materials (each with its
    certificate from the shared library) and steps in one call."""
    permissions.require(actor, "起草该事项的办事指南", item.organisation, EDIT_ROLES)
    content = _clean(item.site, data, conditions, materials, steps, windows=windows)
    content.fields.setdefault("effective_from", timezone.localdate())
    with transaction.atomic():
        ServiceItem.objects.select_for_update().filter(pk=item.pk).first()
        if item.guides.exists():
            raise WorkflowError("该事项已有办事指南；修改已发布的指南请新建版本。")
        guide = Guide.objects.create(
            item=item, number=1, created_by=permissions.user_of(actor), **content.fields
        )
        _write_rows(guide, content)
        _audit(
            AuditEventType.OBJECT_CREATED,
            actor,
            guide,
            f"起草办事指南第{guide.number}版",
            after=_summary(guide),
        )
    return guide


def update_draft(
    actor,
    guide: Guide,
    data: dict,
    conditions=None,
    materials=None,
    steps=None,
    *,
    windows=None,
    version: int | None = None,
    base: str | None = None,
) -> Guide:
    """Save a draft or returned guide: its fields and all its rows in one call (a row list left
    out, None, keeps the rows the guide has; an empty list removes them), conditional on
    the `version` the editor loaded (the instance's own when None). Of two people saving the
    same version the second gets `VersionConflict` listing what the other changed, and nothing
    of theirs is overwritten (core.versioning)."""
    permissions.require(actor, "修改该办事指南", guide.organisation, EDIT_ROLES)
    if guide.state not in EDITABLE_STATES:
        raise WorkflowError("只有草稿或已退回的指南可以修改；已发布的指南请新建版本。")
    content = _clean(
        guide.site, data, conditions, materials, steps, windows=windows, partial_from=guide
    )
    if base is None:
        # What the caller loaded: the instance's fields; its rows are not on the instance, so
        # a conflict lists the rows where the stored ones and the caller's differ.
        base = fingerprint({name: getattr(guide, name) for name in GUIDE_FIELDS})
    with transaction.atomic():
        try:
            claim(
                guide,
                version,
                yours=_content_as_values(content, guide),
                base=base,
                read=content_values,
                describe_as=Guide,
            )
        except VersionConflict as conflict:
            raise _labelled(conflict) from None
        guide.refresh_from_db()
        if guide.state not in EDITABLE_STATES:
            raise WorkflowError("该指南已提交审核或已发布，不能再修改。")
        before = _summary(guide)
        for key, value in content.fields.items():
            setattr(guide, key, value)
        _save(guide)
        _write_rows(guide, content)
        _add_editor(guide, actor)
        _audit(
            AuditEventType.OBJECT_CHANGED,
            actor,
            guide,
            f"修改办事指南第{guide.number}版草稿",
            before=before,
            after=_summary(guide),
        )
    return guide


def new_version(actor, guide: Guide, *, effective_from: date, change_reason: str) -> Guide:
    """A change to a published guide (a fee, a material): a draft numbered after the latest
    version, a copy of everything in `guide`, taking effect on its own date. The published
    version stays public, and in force until the new one's date (rules.guide_in_force)."""
    item = guide.item
    permissions.require(actor, "新建该办事指南的版本", item.organisation, EDIT_ROLES)
    if guide.state != State.PUBLISHED:
        raise WorkflowError("只能在已发布的指南基础上新建版本。")
    change_reason = _text(change_reason)
    if not change_reason:
        raise WorkflowError("请填写变更说明（如收费标准调整、材料精简）。")
    if not isinstance(effective_from, date):
        raise WorkflowError("请填写新版本的生效日期。")
    if effective_from < guide.effective_from:
        raise WorkflowError(
            f"新版本的生效日期不能早于所依据版本的生效日期（{guide.effective_from:%Y-%m-%d}）。"
        )
    with transaction.atomic():
        # Two editors starting a version at once: the second waits here, then is refused.
        ServiceItem.objects.select_for_update().filter(pk=item.pk).first()
        open_version = item.guides.filter(state__in=OPEN_STATES).order_by("number").first()
        if open_version is not None:
            raise WorkflowError(
                f"该事项已有处理中的第{open_version.number}版"
                f"（{open_version.get_state_display()}），请先完成它。"
            )
        number = (item.guides.aggregate(n=Max("number"))["n"] or 0) + 1
        draft = Guide.objects.create(
            item=item,
            number=number,
            created_by=permissions.user_of(actor),
            **{
                **{k: getattr(guide, k) for k in GUIDE_FIELDS},
                "effective_from": effective_from,
                "change_reason": change_reason,
            },
        )
        draft.windows.set(guide.windows.all())
        Condition.objects.bulk_create(
            Condition(guide=draft, order=c.order, text=c.text) for c in guide.conditions.all()
        )
        Material.objects.bulk_create(
            Material(guide=draft, order=m.order, **{k: getattr(m, k) for k in MATERIAL_FIELDS})
            for m in guide.materials.all()
        )
        Step.objects.bulk_create(
            Step(guide=draft, order=s.order, **{k: getattr(s, k) for k in STEP_FIELDS})
            for s in guide.steps.all()
        )
        _audit(
            AuditEventType.OBJECT_CREATED,
            actor,
            draft,
            f"在第{guide.number}版基础上新建第{number}版（{effective_from:%Y-%m-%d}起施行）",
            after=_summary(draft),
        )
    return draft


# --------------------------------------------------------------------------- transitions


#: what a transition writes: never the content, so a stale instance cannot overwrite it
TRANSITION_FIELDS = [
    "state",
    "return_comment",
    "submitted_by",
    "submitted_at",
    "approved_by",
    "published_at",
    "updated_at",
]


def _save(guide: Guide, fields: list[str] | None = None) -> None:
    try:
        guide.save(update_fields=fields)
    except ConcurrentTransition:
        raise WorkflowError("该指南的状态刚被他人改变，请刷新页面后重试。") from None


def _transition(guide: Guide, method: str, *args) -> None:
    try:
        getattr(guide, method)(*args)
    except TransitionNotAllowed:
        raise WorkflowError(f"当前状态为“{guide.get_state_display()}”，不能执行此操作。") from None


def _state_event(actor, guide: Guide, before: dict, message: str) -> None:
    _audit(
        AuditEventType.STATE_CHANGED,
        actor,
        guide,
        message,
        before=before,
        after=snapshot(guide, STATE_FIELDS),
    )


def missing_message(missing: list[str], step: str) -> str:
    """The refusal an editor reads: which key elements are missing, and why it matters."""
    return (
        f"办事指南缺少关键要素，不能{step}：{'、'.join(missing)}。"
        "缺少关键要素的办事指南不能发布（政府网站办事服务指标：指南要素缺失），请补充后再试。"
    )


def _require_complete(guide: Guide, step: str) -> None:
    missing = rules.missing_elements(guide)
    if missing:
        raise WorkflowError(missing_message(missing, step))
    if guide.number > 1 and not guide.change_reason.strip():
        raise WorkflowError(f"第{guide.number}版须填写变更说明，才能{step}。")


@transaction.atomic
def submit(actor, guide: Guide) -> None:
    """提交审核: only a guide with every key element goes to review."""
    permissions.require(actor, "提交该办事指南", guide.organisation, EDIT_ROLES)
    _require_complete(guide, "提交审核")
    before = snapshot(guide, STATE_FIELDS)
    _transition(guide, "submit")
    guide.submitted_by = permissions.user_of(actor)
    guide.submitted_at = timezone.now()
    _save(guide, TRANSITION_FIELDS)
    _state_event(actor, guide, before, f"提交审核（第{guide.number}版）")


@transaction.atomic
def approve(actor, guide: Guide) -> None:
    """审核通过: by a reviewer who neither drafted, edited nor submitted it (四眼原则,
    《条例》第十七条; the same rule as records, read from the same fields)."""
    permissions.require(actor, "审核该办事指南", guide.organisation, REVIEW_ROLES)
    if guide.state == State.SUBMITTED:
        refusal = approval_refusal(actor, guide)
        if refusal:
            raise WorkflowError(refusal)
    before = snapshot(guide, STATE_FIELDS)
    _transition(guide, "approve")
    guide.approved_by = permissions.user_of(actor)
    _save(guide, TRANSITION_FIELDS)
    _state_event(actor, guide, before, f"审核通过（第{guide.number}版）")


@transaction.atomic
def return_guide(actor, guide: Guide, comment: str) -> None:
    permissions.require(actor, "退回该办事指南", guide.organisation, REVIEW_ROLES)
    comment = _text(comment)
    if not comment:
        raise WorkflowError("退回时须填写退回意见。")
    before = snapshot(guide, STATE_FIELDS)
    _transition(guide, "send_back", comment)
    _save(guide, TRANSITION_FIELDS)
    _state_event(actor, guide, before, f"退回修改（第{guide.number}版）：{comment}")


def is_in_force(guide: Guide, on: date | None = None) -> bool:
    return rules.guide_in_force(guide.item, on) == guide


@transaction.atomic
def publish(actor, guide: Guide) -> None:
    """发布: the approved version becomes public. One whose effective date is still ahead is
    published but not yet in force: the page keeps showing the earlier version until that
    date (rules.guide_in_force)."""
    permissions.require(actor, "发布该办事指南", guide.organisation, PUBLISH_ROLES)
    if guide.state == State.APPROVED:
        _require_complete(guide, "发布")
    before = snapshot(guide, STATE_FIELDS)
    _transition(guide, "publish")
    guide.published_at = timezone.now()
    _save(guide, TRANSITION_FIELDS)
    today = timezone.localdate()
    when = (
        f"{guide.effective_from:%Y-%m-%d}起施行，此前仍适用现行版本"
        if guide.effective_from > today
        else f"{guide.effective_from:%Y-%m-%d}起施行"
    )
    _state_event(actor, guide, before, f"发布（第{guide.number}版，{when}）")
    touch_site(guide.site)


@transaction.atomic
def withdraw(actor, guide: Guide, reason: str) -> None:
    """撤回 a published version: the earlier published version (if any) is in force again."""
    permissions.require(actor, "撤回该办事指南", guide.organisation, REVIEW_ROLES)
    reason = _text(reason)
    if not reason:
        raise WorkflowError("撤回办事指南须填写撤回原因。")
    before = snapshot(guide, STATE_FIELDS)
    _transition(guide, "withdraw")
    _save(guide, TRANSITION_FIELDS)
    _state_event(actor, guide, before, f"撤回（第{guide.number}版）：{reason}")
    touch_site(guide.site)


@transaction.atomic
def mark_verified(actor, guide: Guide, on: date | None = None) -> None:
    """核验: someone checked that the published guide still matches how the item is handled;
    the public page shows 最近核验日期. Not a new version: nothing of the content changes."""
    permissions.require(actor, "核验该办事指南", guide.organisation, VERIFY_ROLES)
    if guide.state != State.PUBLISHED:
        raise WorkflowError("只能核验已发布的办事指南。")
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise WorkflowError("核验日期不能晚于今天。")
    before = snapshot(guide, ["verified_on"])
    Guide.objects.filter(pk=guide.pk).update(
        verified_on=on, verified_by=permissions.user_of(actor), updated_at=timezone.now()
    )
    guide.verified_on, guide.verified_by = on, permissions.user_of(actor)
    _audit(
        AuditEventType.OBJECT_CHANGED,
        actor,
        guide,
        f"核验办事指南第{guide.number}版（{on:%Y-%m-%d}）",
        before=before,
        after=snapshot(guide, ["verified_on"]),
    )
    touch_site(guide.site)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Difference:
    """One field that differs between two versions, as a person reads it."""

    name: str
    label: str
    old: str
    new: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


def _show(guide: Guide, name: str, value) -> str:
    if name in LIST_LABELS:
        return "\n".join(line.split(". ", 1)[-1] for line in value) or "（空）"
    from gongkai.core.versioning import describe

    return describe(Guide, name, value)[1]


def version_changes(old: Guide | None, new: Guide) -> list[Difference]:
    """Field by field, what `new` changes from `old` (the previous version); for the row lists
    also which rows were added and removed."""
    if old is None:
        return []
    before, after = content_values(old), content_values(new)
    changes = []
    for name, value in after.items():
        if name == "change_reason":
            continue  # each version's own note, not a change of the guide
        if value == before.get(name):
            continue
        label = LIST_LABELS.get(name) or str(Guide._meta.get_field(name).verbose_name)
        added = removed = ()
        if name in LIST_LABELS:
            strip = lambda lines: [line.split(". ", 1)[-1] for line in lines]  # noqa: E731
            old_rows, new_rows = strip(before[name]), strip(value)
            added = tuple(r for r in new_rows if r not in old_rows)
            removed = tuple(r for r in old_rows if r not in new_rows)
        changes.append(
            Difference(
                name,
                label,
                _show(old, name, before.get(name)),
                _show(new, name, value),
                added,
                removed,
            )
        )
    return changes


def previous_version(guide: Guide) -> Guide | None:
    return guide.item.guides.filter(number__lt=guide.number).order_by("-number").first()


def open_version(item: ServiceItem) -> Guide | None:
    return item.guides.filter(state__in=OPEN_STATES).order_by("-number").first()


def review_queue(user) -> QuerySet[Guide]:
    """Guides submitted to the user's review."""
    return Guide.objects.filter(
        item__organisation__in=organisations_for(user, REVIEW_ROLES), state=State.SUBMITTED
    ).select_related("item", "item__organisation", "submitted_by")


def returned_to(user) -> QuerySet[Guide]:
    """Guides sent back that the user drafted or edited."""
    return (
        Guide.objects.filter(state=State.RETURNED)
        .filter(Q(created_by=user) | Q(content_editors=user))
        .filter(item__organisation__in=organisations_for(user, EDIT_ROLES))
        .distinct()
        .select_related("item")
    )
