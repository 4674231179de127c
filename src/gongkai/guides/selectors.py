"""Queries of the public pages (/services/ and /kiosk/): which items have a guide in force,
the landing page's counts, and the lists to browse. The rules themselves (which version is in
force, 仅凭身份证可办) stay in guides.rules; this module only asks them for many items at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from gongkai.core.models import Organisation, Site

from . import rules
from .models import Bundle, Faq, Guide, ItemStatus, LifeEvent, Material, ServiceItem

PAGE_SIZE = 20


def public_items(site: Site, on: date | None = None) -> QuerySet[ServiceItem]:
    """The site's items the public sees: not cancelled, with a guide in force. Each row carries
    `guide_pk`, the pk of that guide. 暂停办理 items stay listed (with their status)."""
    on = on or timezone.localdate()
    return (
        ServiceItem.objects.filter(site=site)
        .exclude(status=ItemStatus.CANCELLED)
        .annotate(guide_pk=rules.in_force_subquery(on))
        .filter(guide_pk__isnull=False)
        .select_related("organisation")
        .order_by("code")
    )


def guides_in_force(site: Site, on: date | None = None) -> QuerySet[Guide]:
    """The guide in force of every public item, materials and certificates prefetched (so the
    rules read them without a query per guide)."""
    pks = public_items(site, on).values("guide_pk")
    return (
        Guide.objects.filter(pk__in=pks)
        .select_related("item", "item__organisation")
        .prefetch_related(
            Prefetch("materials", queryset=Material.objects.select_related("certificate"))
        )
    )


@dataclass(frozen=True)
class Counts:
    """The landing page's figures, each computed from the rows (seed 001 states them as
    claims: 最多跑一次事项、仅凭身份证可办)."""

    items: int
    most_once: int
    identity_card_only: int
    life_events: int
    organisations: int


def landing_counts(site: Site, on: date | None = None) -> Counts:
    guides = list(guides_in_force(site, on))
    return Counts(
        items=len(guides),
        most_once=sum(1 for g in guides if g.most_once),
        identity_card_only=sum(1 for g in guides if rules.identity_card_only(g)),
        life_events=LifeEvent.objects.filter(site=site).count(),
        organisations=len({g.item.organisation_id for g in guides}),
    )


def life_events(site: Site) -> QuerySet[LifeEvent]:
    return LifeEvent.objects.filter(site=site)


def organisations_with_items(site: Site) -> list[tuple[Organisation, int]]:
    """The organisations that have public items, with how many, in the organisation tree's order."""
    counts: dict[int, int] = {}
    for org_id in public_items(site).values_list("organisation_id", flat=True):
        counts[org_id] = counts.get(org_id, 0) + 1
    orgs = Organisation.objects.filter(pk__in=counts).order_by("path")
    return [(org, counts[org.pk]) for org in orgs]


def items_of_life_event(site: Site, event: LifeEvent) -> QuerySet[ServiceItem]:
    return public_items(site).filter(life_events=event)


def items_of_organisation(site: Site, organisation: Organisation) -> QuerySet[ServiceItem]:
    return public_items(site).filter(organisation=organisation)


def most_once_items(site: Site, on: date | None = None) -> QuerySet[ServiceItem]:
    """最多跑一次: items whose guide in force carries the flag."""
    on = on or timezone.localdate()
    most_once = Guide.objects.filter(
        pk__in=public_items(site, on).values("guide_pk"), most_once=True
    )
    return public_items(site, on).filter(guides__in=most_once).distinct()


def with_guides(items) -> list[ServiceItem]:
    """Attach each item's guide in force as `item.guide` (one query for the page)."""
    items = list(items)
    guides = Guide.objects.in_bulk([i.guide_pk for i in items])
    for item in items:
        item.guide = guides.get(item.guide_pk)
    return items


def later_version(item: ServiceItem, current: Guide, on: date | None = None) -> Guide | None:
    """A published version that takes effect after today (the page announces it)."""
    on = on or timezone.localdate()
    return (
        rules.published_guides()
        .filter(item=item, effective_from__gt=on)
        .exclude(pk=current.pk)
        .order_by("effective_from", "number")
        .first()
    )


def item_faqs(item: ServiceItem) -> QuerySet[Faq]:
    return item.faqs.filter(is_published=True).order_by("order", "pk")


def life_event_faqs(event: LifeEvent) -> QuerySet[Faq]:
    return event.faqs.filter(is_published=True, item__isnull=True).order_by("order", "pk")


def item_bundles(item: ServiceItem) -> QuerySet[Bundle]:
    return item.bundles.filter(is_published=True).order_by("name")


def item_windows(item: ServiceItem, guide: Guide):
    """The windows of the guide, and those that list the item among the business they accept."""
    from .models import Window

    return (
        Window.objects.filter(is_active=True, site=item.site)
        .filter(
            pk__in=list(guide.windows.values_list("pk", flat=True))
            + list(item.windows.values_list("pk", flat=True))
        )
        .order_by("number")
    )


def public_faqs(site: Site) -> QuerySet[Faq]:
    """Published FAQ of public items and of the site's life events."""
    items = public_items(site).values("pk")
    return (
        Faq.objects.filter(site=site, is_published=True)
        .filter(Q(item__in=items) | Q(item__isnull=True, life_event__isnull=False))
        .select_related("item", "life_event")
        .order_by("item__code", "life_event__order", "order", "pk")
    )
