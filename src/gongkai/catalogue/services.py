"""Business rules of the catalogue: who may change what, recorded changes, versions, counts.

Every adjustment is recorded with who, when, what and why (CatalogueChange + AuditEvent), the
动态调整 that 国办发〔2017〕42号 asks for; an office admin publishes a version, which the public
sees with its number and date. Items from an official template are locked (DESIGN.md)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, ProtectedError, QuerySet, RestrictedError

from gongkai.core import permissions
from gongkai.core.audit import record_event
from gongkai.core.models import AuditEventType, Role
from gongkai.core.sites import touch_site
from gongkai.core.versioning import claim

from .deadlines import parse_deadline
from .io.dump import count_levels, dump_catalogue, walk
from .models import (
    CatalogueChange,
    CatalogueItem,
    CatalogueVersion,
    ChangeAction,
    Domain,
    actor_dict,
)

LOCKED_MESSAGE = (
    "该事项来自正式标准目录，已锁定，不能修改；如需调整请导入新的标准目录文件，或新增本地事项。"
)
EDIT_FIELDS = (
    "name",
    "serial",
    "content",
    "basis",
    "deadline_text",
    "responsible_text",
    "audience_society",
    "audience_specific",
    "mode_proactive",
    "mode_on_request",
    "level_county",
    "level_township",
    "five_stage",
)
#: what a conflicting save of an item compares, field by field
EDIT_COMPARE = (*EDIT_FIELDS, "channels")


# --------------------------------------------------------------------------- permissions


ADMIN_ROLES = (Role.OFFICE_ADMIN,)
ITEM_ROLES = permissions.WRITE_ROLES


def is_catalogue_admin(user, site) -> bool:
    """Office admins (公开办管理员) own the catalogue standard of their site."""
    return permissions.allows(user, site, ADMIN_ROLES)


def can_edit_item(user, item: CatalogueItem) -> tuple[bool, str]:
    """(allowed, reason in Chinese). Official items are locked for everyone; office admins edit
    any local item of their site; editors and reviewers only local leaves assigned to their
    organisations."""
    if item.is_official:
        return False, LOCKED_MESSAGE
    if is_catalogue_admin(user, item.site):
        return True, ""
    if item.numchild == 0 and any(
        permissions.allows(user, organisation, ITEM_ROLES)
        for organisation in item.organisations.all()
    ):
        return True, ""
    return False, "您只能修改本单位负责的本地事项。"


def require_admin(user, site) -> None:
    permissions.require(
        user, "调整标准目录", site, ADMIN_ROLES, message="只有公开办管理员可以进行此操作。"
    )


def require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写调整原因。")
    return reason


# --------------------------------------------------------------------------- recording


def touch_public_pages(site) -> None:
    """Public pages show the catalogue: let their caches revalidate (portal.caching)."""
    touch_site(site)


def item_state(item: CatalogueItem) -> dict:
    data = {f: getattr(item, f) for f in EDIT_FIELDS}
    data["deadline"] = item.deadline
    data["path"] = item.path
    if item.pk:
        data["organisations"] = sorted(item.organisations.values_list("name", flat=True))
        data["channels"] = list(
            item.channels.order_by("order", "id").values_list("name", flat=True)
        )
    return data


def record_change(
    item: CatalogueItem, action: str, before, after, reason: str, actor
) -> CatalogueChange:
    change = CatalogueChange.objects.create(
        site=item.site,
        item_id=item.pk,
        item_name=item.name[:200],
        domain_name=item.domain.name,
        action=action,
        before=before,
        after=after,
        reason=reason,
        actor=actor_dict(actor),
    )
    event = {
        ChangeAction.CREATE: AuditEventType.OBJECT_CREATED,
        ChangeAction.DELETE: AuditEventType.OBJECT_DELETED,
    }.get(action, AuditEventType.OBJECT_CHANGED)
    record_event(
        event,
        actor=actor,
        obj=item,
        before=before,
        after=after,
        message=f"{change.get_action_display()}：{reason}",
    )
    touch_public_pages(item.site)
    return change


def _diff(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


# --------------------------------------------------------------------------- editing


@transaction.atomic
def update_item(
    item: CatalogueItem,
    data: dict,
    channels,
    reason: str,
    actor,
    *,
    version: int | None = None,
    base: str | None = None,
) -> CatalogueItem:
    """Change a local item's standard fields; the deadline text is parsed again.

    Conditional on the `version` the editor loaded (the instance's own when None): of two
    people saving the same item the second gets `VersionConflict` and nothing is
    overwritten (core.versioning)."""
    allowed, why = can_edit_item(actor, item)
    if not allowed:
        raise permissions.PermissionDenied(why)
    reason = require_reason(reason)
    yours = {**data, "channels": channels} if channels is not None else dict(data)
    claim(item, version, fields=EDIT_COMPARE, yours=yours, base=base)
    item.refresh_from_db()
    before = item_state(item)
    for field in EDIT_FIELDS:
        if field in data:
            setattr(item, field, data[field])
    rule = parse_deadline(item.deadline_text)
    item.deadline = rule.to_dict() if rule.parsed else {}
    item.deadline_parsed = rule.parsed
    item.save()
    if channels is not None:
        item.channels.set(channels)
    b, a = _diff(before, item_state(item))
    if b or a:
        record_change(item, ChangeAction.UPDATE, b, a, reason, actor)
    return item


@transaction.atomic
def add_item(
    site,
    domain: Domain,
    parent: CatalogueItem | None,
    data: dict,
    channels,
    organisations,
    reason: str,
    actor,
) -> CatalogueItem:
    """Add a local (editable) item at the end of `parent`'s children, or as a 一级事项."""
    require_admin(actor, site)
    reason = require_reason(reason)
    if parent is not None and parent.depth >= 3:
        raise ValidationError("三级事项下不能再添加下级事项。")
    if parent is not None and parent.is_official and parent.numchild == 0:
        raise ValidationError("正式标准中的末级事项已锁定，不能在其下添加下级事项。")
    values = {f: data[f] for f in EDIT_FIELDS if f in data}
    rule = parse_deadline(values.get("deadline_text", ""))
    values.update(
        site=site,
        domain=domain,
        deadline=rule.to_dict() if rule.parsed else {},
        deadline_parsed=rule.parsed,
    )
    if parent is None:
        item = CatalogueItem.objects.add_root(values)
    else:
        parent = CatalogueItem.objects.get(pk=parent.pk)
        item = CatalogueItem.objects.add_child(parent, values)
        if parent.numchild == 0 or parent.content:
            _clear_standard(parent)
    if channels is not None:
        item.channels.set(channels)
    if organisations is not None:
        item.organisations.set(organisations)
    record_change(item, ChangeAction.CREATE, None, item_state(item), reason, actor)
    return item


def _clear_standard(item: CatalogueItem) -> None:
    """A leaf that gets children is no longer a leaf: its standard moves to the children."""
    CatalogueItem.objects.filter(pk=item.pk).update(
        content="", basis="", deadline_text="", deadline={}, deadline_parsed=False
    )


@transaction.atomic
def move_item(
    item: CatalogueItem, direction: str, reason: str, actor, target: CatalogueItem | None = None
) -> CatalogueItem:
    """Move an item up or down among its siblings, or into another item as its last child."""
    require_admin(actor, item.site)
    reason = require_reason(reason)
    if item.is_official:
        raise permissions.PermissionDenied(LOCKED_MESSAGE)
    item = CatalogueItem.objects.get(pk=item.pk)
    before = {"path": item.path, "parent": _parent_name(item)}
    if direction == "up":
        sibling = CatalogueItem.objects.get_prev_sibling(item)
        while sibling is not None and sibling.domain_id != item.domain_id:
            sibling = CatalogueItem.objects.get_prev_sibling(sibling)
        if sibling is None:
            raise ValidationError("已经是第一项。")
        CatalogueItem.objects.move(item, sibling, "left")
    elif direction == "down":
        sibling = CatalogueItem.objects.get_next_sibling(item)
        while sibling is not None and sibling.domain_id != item.domain_id:
            sibling = CatalogueItem.objects.get_next_sibling(sibling)
        if sibling is None:
            raise ValidationError("已经是最后一项。")
        CatalogueItem.objects.move(item, sibling, "right")
    elif direction == "into":
        if target is None or target.domain_id != item.domain_id:
            raise ValidationError("请选择同一领域中的上级事项。")
        target = CatalogueItem.objects.get(pk=target.pk)
        if target.path.startswith(item.path):
            raise ValidationError("不能移到自身或其下级事项之下。")
        height = (
            max((d.depth for d in CatalogueItem.objects.get_tree(item)), default=item.depth)
            - item.depth
        )
        if target.depth + 1 + height > 3:
            raise ValidationError("移动后层级将超过三级。")
        CatalogueItem.objects.move(item, target, "last-child")
    else:
        raise ValidationError("未知的移动方式。")
    item = CatalogueItem.objects.get(pk=item.pk)
    record_change(
        item,
        ChangeAction.MOVE,
        before,
        {"path": item.path, "parent": _parent_name(item)},
        reason,
        actor,
    )
    return item


def _parent_name(item: CatalogueItem) -> str:
    parent = CatalogueItem.objects.get_parent(item) if item.depth > 1 else None
    return parent.name if parent else ""


@transaction.atomic
def assign_organisations(item: CatalogueItem, organisations, reason: str, actor) -> CatalogueItem:
    """Office admins assign responsibility (公开主体), also on locked official items: the
    standard stays, who carries it out is local. The text follows the assignment so an
    export imports back the same."""
    require_admin(actor, item.site)
    reason = require_reason(reason)
    organisations = list(organisations)
    if any(o.site_id != item.site_id for o in organisations):
        raise ValidationError("只能指定本站点的机构。")
    before = sorted(item.organisations.values_list("name", flat=True))
    from .io.importer import OrganisationMatcher

    _ids, unknown = OrganisationMatcher(item.site).match(item.responsible_text)
    item.organisations.set(organisations)
    names = [o.name for o in sorted(organisations, key=lambda o: o.path)]
    item.responsible_text = "、".join([*names, *unknown])
    item.save(update_fields=["responsible_text", "updated_at"])
    record_change(
        item,
        ChangeAction.ASSIGN,
        {"organisations": before},
        {"organisations": sorted(names)},
        reason,
        actor,
    )
    return item


@transaction.atomic
def delete_item(item: CatalogueItem, reason: str, actor) -> None:
    require_admin(actor, item.site)
    reason = require_reason(reason)
    if item.is_official:
        raise permissions.PermissionDenied(LOCKED_MESSAGE)
    if item_record_count(item):
        raise ValidationError("该事项下已有政府信息，不能删除。")
    before = item_state(item)
    record_change(item, ChangeAction.DELETE, before, None, reason, actor)
    try:
        with transaction.atomic():
            CatalogueItem.objects.get(pk=item.pk).delete()
    except (ProtectedError, RestrictedError) as exc:
        raise ValidationError("该事项或其下级事项下已有政府信息，不能删除。") from exc


# --------------------------------------------------------------------------- records


# The records app sits above the catalogue and tells it, in its AppConfig.ready(), where the
# published records come from (a function returning a queryset with `catalogue_item`): the
# catalogue never imports records (the import-linter layers contract in pyproject.toml).
_published_records: Callable[[], QuerySet] | None = None


def register_published_records(source: Callable[[], QuerySet]) -> None:
    global _published_records
    _published_records = source


def item_record_count(item: CatalogueItem) -> int:
    """Published records under a leaf; 0 while no app provides records."""
    counts = record_counts([item.pk])
    return counts.get(item.pk, 0)


def record_counts(item_ids: list[int]) -> dict[int, int]:
    """{item id: published records}; {} while no app provides records, so every count reads 0."""
    if not item_ids or _published_records is None:
        return {}
    rows = (
        _published_records()
        .filter(catalogue_item_id__in=item_ids)
        .order_by()
        .values("catalogue_item_id")
        .annotate(n=Count("id"))
    )
    return {row["catalogue_item_id"]: row["n"] for row in rows}


def records_for_item(item: CatalogueItem) -> list:
    """The published records under a leaf, newest first, or []."""
    if _published_records is None:
        return []
    return list(_published_records().filter(catalogue_item=item)[:200])


# --------------------------------------------------------------------------- versions


def latest_version(site) -> CatalogueVersion | None:
    return CatalogueVersion.objects.filter(site=site).order_by("-number").first()


def pending_changes(site):
    return CatalogueChange.objects.filter(site=site, version__isnull=True)


@transaction.atomic
def publish_version(site, actor, note: str = "") -> CatalogueVersion:
    """Publish the current catalogue as the next version; pending changes join it."""
    require_admin(actor, site)
    number = (CatalogueVersion.objects.filter(site=site).aggregate(m=Max("number"))["m"] or 0) + 1
    version = CatalogueVersion.objects.create(
        site=site,
        number=number,
        published_by=actor_dict(actor),
        note=note.strip(),
        snapshot=dump_catalogue(site, with_ids=True),
    )
    pending_changes(site).update(version=version)
    touch_public_pages(site)
    record_event(
        AuditEventType.STATE_CHANGED,
        actor=actor,
        obj=version,
        site=site,
        after={"number": number, "note": version.note},
        message=f"发布标准目录第{number}版",
    )
    return version


def public_catalogue(site) -> tuple[CatalogueVersion | None, list[dict]]:
    """What the public sees: the latest published version, or the current catalogue when no
    version has been published yet."""
    version = latest_version(site)
    if version is not None:
        return version, version.snapshot
    return None, dump_catalogue(site, with_ids=True)


COMPARE_FIELDS = (
    "name",
    *(f for f in EDIT_FIELDS if f != "name"),
    "channels",
    "organisations",
    "parent",
)
FIELD_LABELS = {
    "name": "事项名称",
    "serial": "序号",
    "content": "公开内容（要素）",
    "basis": "公开依据",
    "deadline_text": "公开时限",
    "responsible_text": "公开主体",
    "audience_society": "全社会",
    "audience_specific": "特定群体",
    "mode_proactive": "主动公开",
    "mode_on_request": "依申请公开",
    "level_county": "县级",
    "level_township": "乡级",
    "five_stage": "五公开",
    "channels": "公开渠道和载体",
    "organisations": "公开主体机构",
    "parent": "上级事项",
    "domain": "公开领域",
}


def _flatten(snapshot: list[dict]) -> dict:
    flat = {}
    for domain in snapshot:
        for path, node in walk(domain["items"]):
            key = node.get("id") or (domain["domain"], *path)
            entry = {k: node.get(k) for k in COMPARE_FIELDS if k in node}
            entry["parent"] = " > ".join(path[:-1])
            entry["domain"] = domain["domain"]
            entry["path"] = " > ".join(path)
            entry["level"] = node["level"]
            flat[key] = entry
    return flat


def compare_snapshots(old: list[dict], new: list[dict]) -> dict:
    """{"added": [...], "removed": [...], "changed": [{"item", "fields": [(label, old, new)]}]}."""
    a, b = _flatten(old), _flatten(new)
    added = [b[k] for k in b if k not in a]
    removed = [a[k] for k in a if k not in b]
    changed = []
    for key in b:
        if key not in a:
            continue
        fields = []
        for f in (*COMPARE_FIELDS, "domain"):
            if a[key].get(f) != b[key].get(f):
                fields.append((FIELD_LABELS.get(f, f), _show(a[key].get(f)), _show(b[key].get(f))))
        if fields:
            changed.append({"item": b[key], "fields": fields})
    return {"added": added, "removed": removed, "changed": changed}


def _show(value) -> str:
    if isinstance(value, bool):
        return "√" if value else "—"
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "—"
    return str(value) if value not in (None, "") else "—"


# --------------------------------------------------------------------------- counts


def domain_counts(snapshot: list[dict]) -> list[dict]:
    """Per domain: id, name, counts per level and 政府信息 N 条, as seed 001 reports them."""
    result = []
    for domain in snapshot:
        counts = count_levels(domain["items"])
        leaf_ids = [
            n["id"] for _p, n in walk(domain["items"]) if not n.get("children") and n.get("id")
        ]
        counts["records"] = sum(record_counts(leaf_ids).values())
        result.append(
            {
                "id": domain.get("id"),
                "name": domain["domain"],
                "is_national": domain.get("is_national"),
                **counts,
            }
        )
    return result


def unparsed_deadlines(site):
    """Leaves whose 公开时限 the parser could not read: kept, listed for the office admin."""
    return (
        CatalogueItem.objects.filter(site=site, numchild=0, deadline_parsed=False)
        .select_related("domain")
        .order_by("domain__sort_order", "path")
    )


def duties_for(user, site):
    """The leaves an agency is responsible for (its own organisations)."""
    mine = permissions.organisations_for(user, roles=(Role.EDITOR, Role.REVIEWER), site=site)
    return leaves_for_organisations(site, mine)


def leaves_for_organisations(site, organisations):
    """The leaves in force (not retired) that name these organisations as 公开主体: their
    public duties under the standard catalogue."""
    return (
        CatalogueItem.objects.filter(
            site=site, numchild=0, is_retired=False, organisations__in=organisations
        )
        .distinct()
        .select_related("domain")
        .prefetch_related("channels", "organisations")
        .order_by("domain__sort_order", "path")
    )
