"""Guides and FAQ in site search (online Q&A, issue 13 point 6): the question box suggests
answers from the portal search before a person writes a new question, so both kinds are search
sources with labels of their own and the results group by them.

One document per service item (its guide in force), so a new version replaces the old in
results instead of adding to them. A version published ahead of its date enters the index
when `gongkai search reindex` runs after that date (the nightly rebuild)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import Condition, Faq, Guide, ItemStatus, Material, ServiceItem

GUIDE_KIND = "service_guide"
FAQ_KIND = "service_faq"
KINDS = {GUIDE_KIND: _("办事指南（办事服务）"), FAQ_KIND: _("办事问答")}


def guide_rows():
    return ServiceItem.objects.exclude(status=ItemStatus.CANCELLED).select_related("organisation")


def guide_document(item: ServiceItem):
    from gongkai.search.backends.base import SearchDocument

    guide = rules.guide_in_force(item)
    if guide is None:
        return None
    parts = [
        guide.summary,
        f"事项编码：{item.code}",
        item.get_item_type_display(),
        guide.applicant,
        "\n".join(c.text for c in guide.conditions.all()),
        "申请材料：" + "、".join(m.name for m in guide.materials.all()),
        "最多跑一次" if guide.most_once else "",
    ]
    return SearchDocument(
        doc_id=f"{GUIDE_KIND}:{item.pk}",
        site_id=item.site_id,
        title=item.name,
        body="\n".join(p for p in parts if p),
        url=reverse("guides:item", args=[item.code]),
        kind=GUIDE_KIND,
        organisation_id=item.organisation_id,
        organisation_name=item.organisation.name,
        catalogue_item_id=item.catalogue_item_id,
        published_at=guide.published_at,
    )


def faq_rows():
    return Faq.objects.filter(is_published=True).select_related("item", "life_event", "site")


def faq_url(faq: Faq) -> str:
    if faq.item_id:
        return reverse("guides:item", args=[faq.item.code]) + f"#faq-{faq.pk}"
    if faq.life_event_id:
        return reverse("guides:topic", args=[faq.life_event.slug]) + f"#faq-{faq.pk}"
    return reverse("guides:faq") + f"#faq-{faq.pk}"


def faq_document(faq: Faq):
    from gongkai.search.backends.base import SearchDocument

    if faq.item_id is not None:
        if faq.item.status == ItemStatus.CANCELLED or rules.guide_in_force(faq.item) is None:
            return None
    elif faq.life_event_id is None:
        return None
    about = faq.item.name if faq.item_id else faq.life_event.name
    return SearchDocument(
        doc_id=f"{FAQ_KIND}:{faq.pk}",
        site_id=faq.site_id,
        title=faq.question,
        body=f"{faq.answer}\n{about}",
        url=faq_url(faq),
        kind=FAQ_KIND,
        organisation_id=faq.item.organisation_id if faq.item_id else None,
        published_at=faq.updated_at,
    )


SOURCES = {
    GUIDE_KIND: (guide_rows, guide_document),
    FAQ_KIND: (faq_rows, faq_document),
}
WATCHED = [
    (ServiceItem, GUIDE_KIND, lambda row: row.pk),
    (Guide, GUIDE_KIND, lambda row: row.item_id),
    (Material, GUIDE_KIND, lambda row: row.guide.item_id),
    (Condition, GUIDE_KIND, lambda row: row.guide.item_id),
    (Faq, FAQ_KIND, lambda row: row.pk),
]

_receivers = []  # signals hold receivers weakly


def _watcher(source, key):
    def changed(sender, instance, **kwargs):
        from gongkai.search import service

        try:
            keys = [key(instance)]
        except Exception:  # noqa: BLE001 - the parent is gone with a cascade: nothing to index
            return
        service.index_on_commit(source, keys)
        if source == GUIDE_KIND:  # an item's FAQ follow whether its guide is public
            item_id = keys[0]
            faq_pks = list(Faq.objects.filter(item_id=item_id).values_list("pk", flat=True))
            if faq_pks:
                service.index_on_commit(FAQ_KIND, faq_pks)

    return changed


def register() -> None:
    from gongkai.search import service

    for kind, label in KINDS.items():
        service.register_kind(kind, label)
    for name, (rows, document) in SOURCES.items():
        service.register_queryset_source(name, rows, document, name)
    for model, source, key in WATCHED:
        receiver = _watcher(source, key)
        _receivers.append(receiver)
        uid = f"guides-search-{model.__name__}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(receiver, sender=model, dispatch_uid=uid + "-delete")


def take_effect(on=None, days: int = 7) -> int:
    """Daily: a version published ahead takes effect on its date (a fee or material change),
    with no save on that day to refresh the search index or the page cache. Re-read the items
    whose version took effect in the last `days` days (idempotent, so a missed day is caught up)
    and give their sites new page-cache keys. Returns the number of items refreshed."""
    from datetime import timedelta

    from django.utils import timezone

    from gongkai.core.models import Site
    from gongkai.core.sites import touch_site
    from gongkai.records.models import State
    from gongkai.search import service

    on = on or timezone.localdate()
    rows = Guide.objects.filter(
        state=State.PUBLISHED, effective_from__lte=on, effective_from__gt=on - timedelta(days=days)
    ).values_list("item_id", "item__site_id")
    items = sorted({item_id for item_id, _site in rows})
    if not items:
        return 0
    service.refresh(GUIDE_KIND, items)
    faqs = list(Faq.objects.filter(item_id__in=items).values_list("pk", flat=True))
    if faqs:
        service.refresh(FAQ_KIND, faqs)
    for site in Site.objects.filter(pk__in={site_id for _item, site_id in rows}):
        touch_site(site)
    return len(items)
