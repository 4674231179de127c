"""The review queue of a migration: staff confirm (or reject) the leaf and organisation
proposed for each imported page, one by one or a whole old column at once, and office admins
edit the classification rules. Nothing imported is public before someone confirms it
(issue 15, point 5); every change is checked here, through core.permissions, and audited.

Who: confirming publishes a record, so it needs a publishing role in the organisation
(records' PUBLISH_ROLES: editor, reviewer or office admin); the rules are the site's
configuration, so only its office admins change them.

A rejected page is kept (the report counts it, a re-run does not import it again); its old
address then redirects to the list of the leaf it was proposed under (`rejected_target`), or
to the record list, so an old link never becomes a broken link."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from gongkai.catalogue.models import CatalogueItem
from gongkai.core import permissions
from gongkai.core.audit import record_event
from gongkai.core.models import AuditEventType, Organisation, Role, Site
from gongkai.core.versioning import VersionConflict, claim
from gongkai.records.models import Record
from gongkai.records.workflow import PUBLISH_ROLES

from . import classify
from .models import ClassificationRule, LegacyPage, PageStatus, ReviewState
from .publishing import PublishRefused, publish_page

CONFIRM_ROLES = PUBLISH_ROLES
RULE_ROLES = (Role.OFFICE_ADMIN,)
#: the fields of a rule staff edit (and the audit event lists)
RULE_FIELDS = (
    "field",
    "contains",
    "catalogue_item",
    "organisation",
    "weight",
    "position",
    "active",
)


class ReviewRefused(ValueError):
    """The step cannot be taken; the message says why, in Chinese."""


# --------------------------------------------------------------------------- reading


def may_review(user, site: Site) -> bool:
    return permissions.can_act_on_site(user, site, CONFIRM_ROLES)


def may_edit_rules(user, site: Site) -> bool:
    return permissions.can_act_on_site(user, site, RULE_ROLES)


def confirm_organisations(user, site: Site) -> QuerySet[Organisation]:
    """Organisations the user may confirm pages for (publish as)."""
    return permissions.organisations_for(user, CONFIRM_ROLES, site=site).filter(is_active=True)


def confirm_leaves(user, site: Site, organisation: Organisation | None = None):
    """Leaves the user may confirm pages under: those one of their organisations (or the
    given one) may publish under, by records' rule."""
    organisations = confirm_organisations(user, site)
    if organisation is not None:
        organisations = organisations.filter(pk=organisation.pk)
    if permissions.can_act_on_site(user, site, RULE_ROLES) and organisation is None:
        return classify.leaves_of(site).select_related("domain")
    return classify.leaves_for_organisations(site, organisations)


def pages_for(user, site: Site) -> QuerySet[LegacyPage]:
    """The site's pages the user may look at in the staff pages (any publishing role there)."""
    if not may_review(user, site):
        return LegacyPage.objects.none()
    return LegacyPage.objects.filter(site=site)


def pending_pages(
    user, site: Site, *, low_confidence: bool | None = None, column: str | None = None
) -> QuerySet[LegacyPage]:
    """Imported pages waiting for a person, oldest first. An office admin sees all of the
    site; other staff the pages proposed for an organisation they publish for and those with
    no organisation proposed (somebody has to pick those up). `low_confidence`: True only
    those under REVIEW_BELOW, False only the others; `column`: one old column."""
    permissions.require(user, "查看旧站迁移待确认页面", site, CONFIRM_ROLES)
    pages = LegacyPage.objects.filter(
        site=site,
        status=PageStatus.IMPORTED,
        review_state=ReviewState.PENDING,
        record__isnull=True,
    )
    if not permissions.can_act_on_site(user, site, RULE_ROLES):
        mine = confirm_organisations(user, site)
        pages = pages.filter(
            Q(proposed_organisation__in=mine) | Q(proposed_organisation__isnull=True)
        )
    if low_confidence is True:
        pages = pages.filter(confidence__lt=classify.REVIEW_BELOW)
    elif low_confidence is False:
        pages = pages.filter(confidence__gte=classify.REVIEW_BELOW)
    if column is not None:
        pages = pages.filter(column_name=column)
    return pages.select_related("proposed_item", "proposed_organisation").order_by(
        "published_on", "pk"
    )


def pending_count(user, site: Site) -> int:
    if not may_review(user, site):
        return 0
    return pending_pages(user, site).count()


def pending_columns(user, site: Site) -> list[tuple[str, int]]:
    """Old columns with pages waiting for the user, and how many."""
    from django.db.models import Count

    rows = (
        pending_pages(user, site)
        .order_by()
        .values("column_name")
        .annotate(n=Count("pk"))
        .order_by("column_name")
    )
    return [(row["column_name"], row["n"]) for row in rows]


def rejected_target(page: LegacyPage) -> str:
    """Where a rejected page's old address sends the visitor: the new list of the leaf it was
    proposed under (its old column's new place), else the record list."""
    url = reverse("records:list")
    if page.proposed_item_id:
        return f"{url}?item={page.proposed_item_id}"
    return url


# --------------------------------------------------------------------------- confirming


def confirm(
    actor,
    page: LegacyPage,
    *,
    catalogue_item: CatalogueItem,
    organisation: Organisation,
    version: int | None = None,
) -> Record:
    """Publish the page under the leaf and organisation the person chose. `version` is the
    page's version the person saw: of two people confirming the same page at once, the first
    publishes and the second gets a VersionConflict (core.versioning.claim), never a second
    record."""
    permissions.require(actor, "确认迁移该页面", organisation, CONFIRM_ROLES)
    if organisation.site_id != page.site_id or catalogue_item.site_id != page.site_id:
        raise ReviewRefused("公开事项和发布机构必须属于该页面所在站点。")
    with transaction.atomic():
        claim(page, version, fields=["review_state", "record"])
        current = LegacyPage.objects.get(pk=page.pk)
        if current.review_state != ReviewState.PENDING or current.record_id:
            raise ReviewRefused("该页面已处理，无需再确认。")
        try:
            record = publish_page(
                actor, current, catalogue_item=catalogue_item, organisation=organisation
            )
        except PublishRefused as exc:
            raise ReviewRefused(str(exc)) from exc
    page.refresh_from_db()
    return record


@dataclass
class ColumnResult:
    confirmed: list[LegacyPage] = field(default_factory=list)
    #: (page, why it was left for a person)
    skipped: list[tuple[LegacyPage, str]] = field(default_factory=list)


def confirm_column(
    actor, site: Site, column: str, *, include_low_confidence: bool = False
) -> ColumnResult:
    """Confirm every page of an old column waiting for the actor that has a full proposal
    (leaf and organisation), under that proposal; pages under REVIEW_BELOW only when asked.
    Each page is its own step (one refused page does not undo the others)."""
    permissions.require(actor, "批量确认旧站页面", site, CONFIRM_ROLES)
    result = ColumnResult()
    for page in pending_pages(actor, site, column=column):
        if page.proposed_item is None or page.proposed_organisation is None:
            result.skipped.append((page, "没有完整的归类建议"))
            continue
        if page.confidence < classify.REVIEW_BELOW and not include_low_confidence:
            result.skipped.append((page, "匹配可信度低，需逐条确认"))
            continue
        if not permissions.can_act_on(actor, page.proposed_organisation, CONFIRM_ROLES):
            result.skipped.append((page, f"您不能以“{page.proposed_organisation.name}”发布"))
            continue
        try:
            confirm(
                actor,
                page,
                catalogue_item=page.proposed_item,
                organisation=page.proposed_organisation,
                version=page.version,
            )
        except ReviewRefused as exc:
            result.skipped.append((page, str(exc)))
        except VersionConflict:  # someone else handled it meanwhile
            result.skipped.append((page, "他人已处理该页面"))
        else:
            result.confirmed.append(page)
    return result


def reject(actor, page: LegacyPage, reason: str, *, version: int | None = None) -> LegacyPage:
    """不予迁移: the page is kept with the reason (the report counts it); nothing is
    published. Who may publish for its proposed organisation (any publishing staff of the
    site when none is proposed) may reject it."""
    reason = (reason or "").strip()
    if not reason:
        raise ReviewRefused("请填写不予迁移的理由。")
    target = page.proposed_organisation or page.site
    permissions.require(actor, "处理该旧站页面", target, CONFIRM_ROLES)
    with transaction.atomic():
        claim(page, version, fields=["review_state", "record"])
        current = LegacyPage.objects.get(pk=page.pk)
        if current.review_state != ReviewState.PENDING or current.record_id:
            raise ReviewRefused("该页面已处理。")
        LegacyPage.objects.filter(pk=page.pk).update(
            review_state=ReviewState.REJECTED,
            reason=reason[:1000],
            reviewed_by=permissions.user_of(actor),
            reviewed_at=timezone.now(),
        )
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=page,
            before={"review_state": ReviewState.PENDING},
            after={"review_state": ReviewState.REJECTED},
            message="旧站页面不予迁移",
        )
    page.refresh_from_db()
    return page


# --------------------------------------------------------------------------- rules


def _rule_snapshot(rule: ClassificationRule) -> dict:
    return {
        "field": rule.field,
        "contains": rule.contains,
        "catalogue_item": rule.catalogue_item_id,
        "organisation": rule.organisation_id,
        "weight": rule.weight,
        "position": rule.position,
        "active": rule.active,
    }


def save_rule(actor, site: Site, values: dict, rule: ClassificationRule | None = None):
    """Add (rule None) or change a rule of the site; values are RULE_FIELDS. The leaf and the
    organisation must be the site's; the leaf a last-level one."""
    permissions.require(actor, "修改归类规则", site, RULE_ROLES)
    if rule is not None and rule.site_id != site.pk:
        raise ReviewRefused("该规则不属于本站点。")
    item = values.get("catalogue_item")
    organisation = values.get("organisation")
    if item is None and organisation is None:
        raise ReviewRefused("规则至少要指定公开事项或发布机构之一。")
    if item is not None and (item.site_id != site.pk or item.numchild or item.is_retired):
        raise ReviewRefused("公开事项必须是本站点未停用的末级事项。")
    if organisation is not None and organisation.site_id != site.pk:
        raise ReviewRefused("发布机构必须是本站点的机构。")
    if not classify.rule_words(values.get("contains", "")):
        raise ReviewRefused("请填写至少一个词语。")
    weight = float(values.get("weight", 0.8))
    if not 0 <= weight <= 1:
        raise ReviewRefused("权重应在 0 到 1 之间。")
    with transaction.atomic():
        before = _rule_snapshot(rule) if rule is not None else None
        if rule is None:
            rule = ClassificationRule(site=site)
        for name in RULE_FIELDS:
            if name in values:
                setattr(rule, name, values[name])
        rule.save()
        record_event(
            AuditEventType.OBJECT_CHANGED if before else AuditEventType.OBJECT_CREATED,
            actor=actor,
            obj=rule,
            before=before,
            after=_rule_snapshot(rule),
            message="修改归类规则" if before else "新增归类规则",
        )
    return rule


def delete_rule(actor, rule: ClassificationRule) -> None:
    permissions.require(actor, "删除归类规则", rule.site, RULE_ROLES)
    with transaction.atomic():
        record_event(
            AuditEventType.OBJECT_DELETED,
            actor=actor,
            obj=rule,
            before=_rule_snapshot(rule),
            message="删除归类规则",
        )
        rule.delete()


def repropose_pending(actor, site: Site) -> int:
    """重新归类: propose again for every page still waiting (after the rules changed)."""
    permissions.require(actor, "重新归类旧站页面", site, RULE_ROLES)
    with transaction.atomic():
        changed = classify.repropose(site)
        record_event(
            AuditEventType.OBJECT_CHANGED,
            actor=actor,
            obj=site,
            message=f"旧站页面重新归类，{changed} 条建议有变化",
        )
    return changed
