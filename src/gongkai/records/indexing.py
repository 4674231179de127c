"""Feeding published records to site search (gongkai.search), through the search service's
one source registry, like the catalogue and the portal.

A publication, revision or withdrawal calls `refresh(pk)` after commit (records.workflow), so a
rolled-back change never reaches the index; the record is indexed if it is published or
expired and removed otherwise, so a withdrawn record leaves results at once. A failing index
never undoes a publication: `gongkai search reindex` rebuilds from `searchable_records()`."""

from __future__ import annotations

import logging

from .models import Record, State

logger = logging.getLogger(__name__)
SOURCE = "records"
DOC_PREFIX = "record"


def doc_id(pk: int) -> str:
    return f"{DOC_PREFIX}:{pk}"


def document_for(record: Record):
    from gongkai.core.html import html_to_text
    from gongkai.search.backends.base import SearchDocument

    return SearchDocument(
        doc_id=doc_id(record.pk),
        site_id=record.site_id,
        title=record.title,
        body="\n".join(filter(None, [record.summary, html_to_text(record.body)])),
        url=record.get_absolute_url(),
        kind=record.kind,
        organisation_id=record.organisation_id,
        organisation_name=record.organisation.name,
        domain_id=record.catalogue_item.domain_id,
        catalogue_item_id=record.catalogue_item_id,
        year=record.published_at.year if record.published_at else None,
        validity=record.get_validity_display() if record.validity else "",
        published_at=record.published_at,
        extra={
            "index_number": record.index_number,
            "document_number": record.document_number,
            "state": record.state,
        },
    )


def searchable_records():
    """Every record search shows: published, or expired (still public, marked 失效)."""
    return Record.objects.filter(state__in=[State.PUBLISHED, State.EXPIRED]).select_related(
        "organisation", "catalogue_item"
    )


def refresh(pk: int) -> None:
    """Index the record as it now is, or remove it if it is no longer public."""
    from gongkai.search import service

    try:
        service.refresh(SOURCE, [pk])
    except Exception:  # noqa: BLE001 - the index is rebuilt from searchable_records()
        logger.exception("检索索引更新失败：record %s", pk)


def refresh_on_commit(pk: int) -> None:
    """refresh() once the transaction commits; with the search outbox on, an outbox row in it."""
    from gongkai.search import service

    service.index_on_commit(SOURCE, [pk])


def register_source() -> None:
    from gongkai.search import service

    from .models import Kind

    service.register_queryset_source(SOURCE, searchable_records, document_for, DOC_PREFIX)
    for kind in Kind:
        service.register_kind(kind.value, str(kind.label))
