"""举报 and hiding: any content the public wrote (comments, proposals, evaluations …) can be
reported by people; once FLAG_THRESHOLD distinct people reported an item it is hidden at once
(`hidden`, `hidden_reason`) and waits in the office's queue, where the office admin restores
it (with a note) or keeps it hidden. Each person reports an item once (a unique constraint),
so the threshold counts people, not clicks.

Areas register their models: `register(Proposal, site=lambda p: p.programme.site, ...)`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from gongkai.core import permissions
from gongkai.core.audit import record_event
from gongkai.core.models import AuditEventType, Role

from .accounts import require_person
from .models import ContentFlag, FlagReason, ModerationCase, ModerationState
from .rules import RuleError, plain_text

#: distinct reporters that hide an item (settings.PARTICIPATION_FLAG_THRESHOLD)
DEFAULT_THRESHOLD = 3
#: who reviews hidden items: the site's office admin (and the superuser)
REVIEW_ROLES = (Role.OFFICE_ADMIN,)


def threshold() -> int:
    return max(1, int(getattr(settings, "PARTICIPATION_FLAG_THRESHOLD", DEFAULT_THRESHOLD)))


@dataclass(frozen=True)
class Flaggable:
    model: type[models.Model]
    site: Callable  # obj -> Site
    author: Callable  # obj -> the User who wrote it (they cannot report their own)
    title: Callable  # obj -> a short description for the office's queue
    url: Callable  # obj -> the public page it is shown on ("" if none)


_registry: dict[str, Flaggable] = {}


def register(
    model,
    *,
    site: Callable = lambda obj: obj.site,
    author: Callable = lambda obj: None,
    title: Callable = str,
    url: Callable = lambda obj: obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "",
) -> None:
    """Make `model` reportable; it must have `hidden` and `hidden_reason` fields."""
    names = {f.name for f in model._meta.get_fields()}
    if not {"hidden", "hidden_reason"} <= names:
        raise TypeError(f"{model.__name__} needs hidden and hidden_reason fields")
    _registry[model._meta.label_lower] = Flaggable(model, site, author, title, url)


def target_key(obj) -> str:
    """What the report form posts: "app.model:pk"."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def is_flaggable(obj) -> bool:
    return obj is not None and obj._meta.label_lower in _registry


def resolve_target(key: str):
    """The registered object a report form names, or RuleError."""
    label, _, pk = (key or "").partition(":")
    entry = _registry.get(label)
    if entry is None or not pk.isdigit():
        raise RuleError("要举报的内容不存在。")
    obj = entry.model._default_manager.filter(pk=int(pk)).first()
    if obj is None:
        raise RuleError("要举报的内容不存在。")
    return obj


def _hidden_reason(count: int) -> str:
    return f"经 {count} 位用户举报，内容已暂时隐藏，等待管理员复核。"


def flag(obj, actor, reason: str) -> bool:
    """`actor` (a verified person) reports `obj`. Returns True when this report hid it.
    Reporting the same item twice or one's own content is refused."""
    require_person(actor, "举报")
    entry = _registry.get(obj._meta.label_lower)
    if entry is None:
        raise RuleError("该内容不能举报。")
    if reason not in FlagReason.values:
        raise RuleError("请选择举报理由。")
    author = entry.author(obj)
    if author is not None and getattr(author, "pk", None) == actor.pk:
        raise RuleError("不能举报自己发表的内容。")
    content_type = ContentType.objects.get_for_model(entry.model)
    with transaction.atomic():
        current = entry.model._default_manager.select_for_update().get(pk=obj.pk)
        try:
            with transaction.atomic():
                ContentFlag.objects.create(
                    content_type=content_type, object_id=current.pk, reporter=actor, reason=reason
                )
        except IntegrityError:
            raise RuleError("您已举报过该内容，感谢您的反馈。") from None
        count = ContentFlag.objects.filter(
            content_type=content_type, object_id=current.pk, cleared=False
        ).count()
        if current.hidden or count < threshold():
            return False
        site = entry.site(current)
        current.hidden = True
        current.hidden_reason = _hidden_reason(count)[:200]
        current.save(update_fields=["hidden", "hidden_reason"])
        case, _ = ModerationCase.objects.update_or_create(
            content_type=content_type,
            object_id=current.pk,
            defaults={
                "site": site,
                "title": str(entry.title(current))[:200],
                "url": (entry.url(current) or "")[:300],
                "state": ModerationState.HIDDEN,
                "flags": count,
                "hidden_at": timezone.now(),
                "note": "",
                "decided_by": None,
                "decided_at": None,
            },
        )
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=permissions.SYSTEM,
            obj=current,
            site=site,
            before={"hidden": False},
            after={"hidden": True, "flags": count},
            message="多人举报，内容自动隐藏",
        )
    return True


def flags_of(case: ModerationCase):
    return ContentFlag.objects.filter(
        content_type=case.content_type_id, object_id=case.object_id, cleared=False
    )


def decide(case: ModerationCase, *, restore: bool, note: str, actor) -> ModerationCase:
    """The office admin's review: restore the item (its reports are cleared, so new reports
    start counting afresh) or keep it hidden; both with a note saying why."""
    permissions.require(actor, "复核举报", case.site, REVIEW_ROLES)
    note = plain_text(note, limit=500)
    if not note:
        raise RuleError("请填写复核说明。")
    with transaction.atomic():
        current = ModerationCase.objects.select_for_update().get(pk=case.pk)
        model = current.content_type.model_class()
        obj = model._default_manager.select_for_update().filter(pk=current.object_id).first()
        before = current.state
        if restore:
            if obj is not None:
                obj.hidden = False
                obj.hidden_reason = ""
                obj.save(update_fields=["hidden", "hidden_reason"])
            flags_of(current).update(cleared=True)
            current.state = ModerationState.RESTORED
        else:
            if obj is not None and not obj.hidden:
                obj.hidden = True
                obj.hidden_reason = "经管理员复核，内容不予显示。"
                obj.save(update_fields=["hidden", "hidden_reason"])
            elif obj is not None:
                obj.hidden_reason = "经管理员复核，内容不予显示。"
                obj.save(update_fields=["hidden_reason"])
            current.state = ModerationState.KEPT
        current.note = note
        current.decided_by = permissions.user_of(actor)
        current.decided_at = timezone.now()
        current.save(update_fields=["state", "note", "decided_by", "decided_at"])
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=current,
            before={"state": before},
            after={"state": current.state},
            message="举报复核：恢复显示" if restore else "举报复核：继续隐藏",
        )
    return current


def cases_for(user):
    """The review queue the user may act on: the sites where they are office admin."""
    qs = ModerationCase.objects.select_related("site", "content_type", "decided_by")
    if getattr(user, "is_superuser", False):
        return qs
    sites = permissions.memberships_of(user).filter(role__in=[str(r) for r in REVIEW_ROLES])
    return qs.filter(site__in=sites.values("organisation__site"))
