"""Catalogue items in site search: a citizen who types 计划停气通知 finds the standard's item,
and its page lists the records published under it (《政府信息公开条例》第二十条: the catalogue is
what must be published, so it must be findable too)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.urls import reverse

from .models import CatalogueItem

SOURCE = "catalogue"


def item_document(item: CatalogueItem):
    from gongkai.search.backends.base import SearchDocument

    parts = [item.content, item.basis]
    if item.is_retired:  # kept with its records, but no longer part of the standard
        parts.insert(0, "（已停用）")
    if item.deadline_text:
        parts.append(f"公开时限：{item.deadline_text}")
    return SearchDocument(
        doc_id=f"{SOURCE}:{item.pk}",
        site_id=item.site_id,
        title=item.name,
        body="\n".join(p for p in parts if p),
        url=reverse("catalogue:item", args=[item.pk]),
        kind="catalogue",
        organisation_name=item.domain.name,
        domain_id=item.domain_id,
        catalogue_item_id=item.pk,
        published_at=item.updated_at,
    )


def searchable_items():
    return CatalogueItem.objects.select_related("domain")


def index_site_on_commit(site) -> None:
    """After an import (bulk writes send no signals): every item of the site, once."""
    from gongkai.search import service

    pks = list(CatalogueItem.objects.filter(site=site).values_list("pk", flat=True))
    service.index_on_commit(SOURCE, pks)


def _changed(sender, instance, **kwargs):
    """Saved or deleted: the item is re-read after commit (a deleted one leaves the index)."""
    from gongkai.search import service

    service.index_on_commit(SOURCE, [instance.pk])


def register() -> None:
    from gongkai.search import service

    service.register_queryset_source(SOURCE, searchable_items, item_document, SOURCE)
    post_save.connect(_changed, sender=CatalogueItem, dispatch_uid="catalogue-search-save")
    post_delete.connect(_changed, sender=CatalogueItem, dispatch_uid="catalogue-search-delete")
