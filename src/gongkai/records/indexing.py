"""Feeding published records to site search (gongkai.search).

The one place that knows whether the search service is there: while it is absent (it is
being built alongside), indexing is a no-op. Called through transaction.on_commit, so a
rolled-back publication never reaches the index; a failing index never undoes a publication."""

from __future__ import annotations

import logging

from .models import Record, State

logger = logging.getLogger(__name__)
SOURCE = "records"


def _service():
    try:
        from gongkai.search import service
        from gongkai.search.backends.base import SearchDocument
    except ImportError:
        return None, None
    if not all(hasattr(service, n) for n in ("index_documents", "remove_documents")):
        return None, None
    return service, SearchDocument


def doc_id(pk: int) -> str:
    return f"record:{pk}"


def document_for(record: Record):
    from gongkai.core.html import html_to_text

    _, SearchDocument = _service()
    if SearchDocument is None:
        return None
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


def published_documents():
    """Every searchable record, for a full re-index (registered as the "records" source)."""
    records = Record.objects.filter(state__in=[State.PUBLISHED, State.EXPIRED]).select_related(
        "organisation", "catalogue_item"
    )
    for record in records.iterator():
        doc = document_for(record)
        if doc is not None:
            yield doc


def published_batches(size: int = 500):
    """The same documents in lists of `size`, as the search service's sources provide them."""
    batch = []
    for doc in published_documents():
        batch.append(doc)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def published_count() -> int:
    return Record.objects.filter(state__in=[State.PUBLISHED, State.EXPIRED]).count()


def index_record(pk: int) -> None:
    service, _ = _service()
    if service is None:
        return
    record = Record.objects.select_related("organisation", "catalogue_item").filter(pk=pk).first()
    if record is None:
        return
    try:
        if record.state in (State.PUBLISHED, State.EXPIRED):
            service.index_documents([document_for(record)])
        else:
            service.remove_documents([doc_id(pk)])
    except Exception:  # noqa: BLE001 - the index is rebuilt from published_documents()
        logger.exception("检索索引更新失败：record %s", pk)


def remove_record(pk: int) -> None:
    service, _ = _service()
    if service is None:
        return
    try:
        service.remove_documents([doc_id(pk)])
    except Exception:  # noqa: BLE001
        logger.exception("检索索引删除失败：record %s", pk)


def register_source() -> None:
    from .models import Kind

    service, _ = _service()
    if service is None:
        return
    if hasattr(service, "register_source"):
        service.register_source(SOURCE, published_batches, count=published_count)
    if hasattr(service, "register_kind"):
        for kind in Kind:
            service.register_kind(kind.value, str(kind.label))
