"""What other apps call: index, remove, search, suggest, reindex — never a backend directly.

Apps register where their documents come from in AppConfig.ready(), most simply as model rows:

    register_queryset_source("records", searchable_records, document_for, "record")

A source yields SearchDocuments for a full rebuild (`batches`) and for some keys (`load`), so
`refresh("records", [12])` (or `index_on_commit`, which runs it after the transaction) indexes
what is still searchable and removes what is not: a withdrawn record is gone from results as
soon as its withdrawal commits.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from . import tokenize
from .backends.base import SearchBackend, SearchDocument, SearchQuery, SearchResults

log = logging.getLogger(__name__)

BACKEND_NAMES = ("fts5", "tantivy")
SYNONYM_CACHE_KEY = "gongkai:search:synonyms:v1"
SYNONYM_CACHE_S = 300

KIND_LABELS: dict[str, str] = {
    "organisation": _("机构职能"),
    "guide_page": _("公开指南与制度"),
    "gazette_issue": _("公报期刊"),
    "record": _("政府信息"),
    "policy": _("政策文件"),
    "interpretation": _("政策解读"),
    "response": _("回应关切"),
    "notice": _("通知公告"),
    "news": _("工作动态"),
    "guide": _("办事指南"),
    "catalogue": _("公开事项"),
    "report": _("年度报告"),
    "gazette": _("政府公报"),
    "consultation": _("征求意见"),
    "faq": _("问答"),
}
VALIDITY_LABELS: dict[str, str] = {
    "valid": _("有效"),
    "expired": _("失效"),
    "repealed": _("废止"),
    "amended": _("已修改"),
}


def register_kind(kind: str, label: str) -> None:
    """The label shown for a document kind in facets and results."""
    KIND_LABELS[kind] = label


# --- backends --------------------------------------------------------------------------------

_backends: dict[str, SearchBackend] = {}
_backends_lock = threading.Lock()


def backend_name() -> str:
    """settings.SEARCH_BACKEND, else GONGKAI_SEARCH_BACKEND, else fts5 on SQLite, tantivy beyond."""
    name = getattr(settings, "SEARCH_BACKEND", None) or os.environ.get("GONGKAI_SEARCH_BACKEND")
    if not name:
        name = "fts5" if connection.vendor == "sqlite" else "tantivy"
    return name.strip().lower()


def make_backend(name: str) -> SearchBackend:
    if name == "fts5":
        from .backends.fts5 import Fts5Backend

        return Fts5Backend()
    if name == "tantivy":
        from .backends.tantivy_backend import TantivyBackend

        return TantivyBackend()
    raise ImproperlyConfigured(f"未知的检索后端“{name}”，可选：{'、'.join(BACKEND_NAMES)}")


def get_backend(name: str | None = None) -> SearchBackend:
    name = (name or backend_name()).strip().lower()
    with _backends_lock:
        if name not in _backends:
            _backends[name] = make_backend(name)
        return _backends[name]


def replace_backend(old: SearchBackend, new: SearchBackend) -> None:
    """Serve `new` wherever the cache held `old` (a node whose index directory was deleted)."""
    with _backends_lock:
        for name, cached in list(_backends.items()):
            if cached is old:
                _backends[name] = new


def reopen(backend: SearchBackend) -> SearchBackend:
    """A fresh backend where the cache held one whose index was deleted or rebuilt elsewhere."""
    fresh = backend.reopened()
    if fresh is not backend:
        replace_backend(backend, fresh)
    return fresh


def forget_backends() -> None:
    """Drop cached backends (tests that switch the index path; after a schema change)."""
    from .backends.tantivy_backend import forget_indexes

    with _backends_lock:
        for backend in _backends.values():
            backend.close()
        _backends.clear()
    forget_indexes()


# --- dictionary and synonyms -----------------------------------------------------------------

_dictionary_loaded = False


def ensure_dictionary() -> None:
    """Add every site's organisation and place names to the segmenter once per process."""
    global _dictionary_loaded
    if _dictionary_loaded:
        return
    from gongkai.core.models import Organisation, Site

    try:
        names: list[str] = []
        for name, short in Organisation.objects.values_list("name", "short_name"):
            names.extend((name, short))
        for name, province, city in Site.objects.values_list("name", "province", "city"):
            names.extend((name, province, city))
    except DatabaseError:  # before migrate: segment without the names
        return
    tokenize.add_words(names)
    _dictionary_loaded = True


def forget_dictionary() -> None:
    global _dictionary_loaded
    _dictionary_loaded = False


def synonyms_for(site_ids: list[int] | None) -> dict[str, list[str]]:
    """Normalised term -> alternatives: the global list plus the searched sites' own."""
    rows = cache.get(SYNONYM_CACHE_KEY)
    if rows is None:
        from .models import Synonym

        rows = [
            (s.site_id, tokenize.normalize(s.term).strip(), s.alternative_list())
            for s in Synonym.objects.filter(is_active=True)
        ]
        cache.set(SYNONYM_CACHE_KEY, rows, SYNONYM_CACHE_S)
    out: dict[str, list[str]] = {}
    for site_id, term, alternatives in rows:
        if site_id is None or site_ids is None or site_id in site_ids:
            out.setdefault(term, [])
            out[term].extend(a for a in alternatives if a not in out[term])
    return out


def forget_synonyms() -> None:
    cache.delete(SYNONYM_CACHE_KEY)


# --- sources ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    name: str
    batches: Callable[[], Iterable[list[SearchDocument]]]
    load: Callable[[list], Iterable[SearchDocument]] | None = None
    count: Callable[[], int] | None = None
    doc_id: Callable[[object], str] | None = None
    prefix: str = ""  # the doc_id prefix, for visible()
    visible: Callable[[list[str]], Iterable] | None = None  # keys the database still shows


_sources: dict[str, Source] = {}


def register_source(
    name: str, batches, load=None, count=None, doc_id=None, prefix="", visible=None
) -> None:
    """Register (or replace) where documents of one kind come from; see the module docstring.

    With `load` and `doc_id`, `index_on_commit(name, keys)` keeps the index current: a key that
    no longer loads (deleted, unpublished) is removed."""
    _sources[name] = Source(name, batches, load, count, doc_id, prefix, visible)


def register_queryset_source(
    name: str,
    queryset: Callable[[], object],
    document: Callable[[object], SearchDocument | None],
    doc_prefix: str,
    batch_size: int = 500,
) -> None:
    """A source made of model rows: `queryset()` gives the searchable rows, `document(row)` its
    SearchDocument (or None to leave it out), doc ids are "<doc_prefix>:<pk>"."""

    def batches():
        batch = []
        for row in queryset().iterator(chunk_size=batch_size):
            doc = document(row)
            if doc is not None:
                batch.append(doc)
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    def visible(keys):
        wanted = [k for k in keys if str(k).isdigit()] if _int_pk(queryset) else list(keys)
        return queryset().filter(pk__in=wanted).values_list("pk", flat=True)

    def load(keys):
        for row in queryset().filter(pk__in=list(keys)):
            doc = document(row)
            if doc is not None:
                yield doc

    register_source(
        name,
        batches,
        load=load,
        count=lambda: queryset().count(),
        doc_id=lambda pk: f"{doc_prefix}:{pk}",
        prefix=doc_prefix,
        visible=visible,
    )


def _int_pk(queryset) -> bool:
    from django.db import models

    pk = queryset().model._meta.pk
    return isinstance(pk, models.AutoField | models.BigAutoField | models.IntegerField)


def refresh(name: str, keys: Iterable) -> int:
    """Re-read some keys of a source: index what loads, remove what does not. With the search
    outbox on, every node's follower does it: this only writes the outbox rows."""
    if outbox_enabled():
        from .outbox import record_changes

        return record_changes(name, keys)
    source = _sources.get(name)
    if source is None or source.load is None:
        return 0
    keys = list(dict.fromkeys(keys))
    docs = list(source.load(keys))
    if docs:
        index_documents(docs)
    if source.doc_id is not None:
        present = {doc.doc_id for doc in docs}
        gone = [source.doc_id(k) for k in keys if source.doc_id(k) not in present]
        if gone:
            remove_documents(gone)
    return len(docs)


def index_on_commit(name: str, keys: Iterable) -> None:
    """refresh() once the surrounding transaction commits (at once outside one): a rolled-back
    change never reaches the index, and a failing index never undoes the change."""
    keys = list(keys)
    if outbox_enabled():  # refresh() writes the outbox rows, in this transaction
        refresh(name, keys)
        return

    def run() -> None:
        try:
            refresh(name, keys)
        except Exception:  # noqa: BLE001 - `gongkai search reindex` rebuilds from the sources
            log.exception("检索索引更新失败：%s %s", name, keys[:10])

    transaction.on_commit(run)


def outbox_enabled() -> bool:
    return bool(getattr(settings, "SEARCH_OUTBOX", False))


def visible_doc_ids(doc_ids: Iterable[str]) -> set[str]:
    """Of these doc ids, the ones the database still shows (one query per source): a node that
    has not yet applied a withdrawal must not show it. Ids of no known source pass."""
    by_prefix: dict[str, list[str]] = {}
    for doc_id in doc_ids:
        prefix, _, key = doc_id.partition(":")
        by_prefix.setdefault(prefix, []).append(key)
    out: set[str] = set()
    for prefix, keys in by_prefix.items():
        source = next((s for s in _sources.values() if s.visible and s.prefix == prefix), None)
        if source is None:
            out.update(f"{prefix}:{k}" for k in keys)
            continue
        out.update(source.doc_id(k) for k in source.visible(keys))
    return out


def unregister_source(name: str) -> None:
    _sources.pop(name, None)


def sources() -> dict[str, Source]:
    return dict(_sources)


# --- operations ------------------------------------------------------------------------------


def index_documents(docs: Iterable[SearchDocument], backend: str | None = None) -> int:
    ensure_dictionary()
    return get_backend(backend).index(docs)


def remove_documents(doc_ids: Iterable[str], backend: str | None = None) -> int:
    """Synchronous: the documents are gone from results when this returns."""
    return get_backend(backend).delete(list(doc_ids))


def search(query: SearchQuery, backend: str | None = None) -> SearchResults:
    ensure_dictionary()
    if query.synonyms is None:
        query.synonyms = synonyms_for(query.site_ids)
    if not outbox_enabled():
        return get_backend(backend).search(query)
    from .outbox import REBUILD_NOTICE, is_rebuilding

    engine = get_backend(backend)
    if engine.replaced():  # this node's follower rebuilt the index in a new directory
        engine = reopen(engine)
    # An index deleted under this process: what the open reader still has, and the notice,
    # until the node's follower has rebuilt it (issue 16, faults).
    rebuilding = is_rebuilding() or engine.missing()
    try:
        results = engine.search(query)
    except Exception:  # noqa: BLE001 - a node rebuilding its index degrades, never errors
        if not rebuilding:
            raise
        log.exception("重建期间检索失败")
        results = SearchResults(0, [], {}, "", query)
    shown = visible_doc_ids(h.doc_id for h in results.hits)
    hidden = [h for h in results.hits if h.doc_id not in shown]
    if hidden:
        results.hits = [h for h in results.hits if h.doc_id in shown]
        results.total = max(results.total - len(hidden), len(results.hits))
    if rebuilding:
        results.notice = REBUILD_NOTICE
    return results


def nearest_catalogue_items(text: str, site_ids: list[int] | None, limit: int = 5, backend=None):
    """For a search that found nothing: catalogue items that match any one of its words, so the
    person sees where such information would be published (or that it has to be requested)."""
    parsed = tokenize.parse_query(text)
    words = [t[0].text for t in parsed.terms if not t[0].pieces[0].identifier]
    grams = [g for t in parsed.terms for p in t[0].pieces if p.is_cjk for g in p.grams]
    found: dict[str, object] = {}
    for word in [*words, *(g for g in grams if g not in words)]:
        if len(found) >= limit:
            break
        query = SearchQuery(
            text=word,
            site_ids=site_ids,
            filters={"kind": "catalogue"},
            page_size=limit,
            facets=False,
            synonyms={},
        )
        for hit in search(query, backend).hits:
            found.setdefault(hit.doc_id, hit)
    return list(found.values())[:limit]


def suggest(prefix: str, site_ids: list[int] | None = None, limit: int = 8, backend=None):
    ensure_dictionary()
    return get_backend(backend).suggest(prefix, site_ids, limit)


def count(site_ids: list[int] | None = None, backend: str | None = None) -> int:
    return get_backend(backend).count(site_ids)


def reindex(
    names: Iterable[str] | None = None,
    backend: str | None = None,
    progress: bool = True,
    source_iterables: dict[str, Iterable[list[SearchDocument]]] | None = None,
) -> int:
    """Rebuild the whole index from the registered sources (or the given iterables) in one
    commit: until it finishes, searches see the old index; on error nothing changes.

    With `names` naming only some sources, their documents are indexed again over the existing
    index (the other sources' documents stay)."""
    from tqdm import tqdm

    ensure_dictionary()
    from_sources = source_iterables is None
    if source_iterables is None:
        selected = list(names) if names else list(_sources)
        unknown = [n for n in selected if n not in _sources]
        if unknown:
            raise KeyError(", ".join(unknown))
        source_iterables = {n: _sources[n].batches() for n in selected}
        total = sum((_sources[n].count() if _sources[n].count else 0) for n in selected) or None
    else:
        total = None
    bar = tqdm(total=total, unit="篇", desc="重建索引", disable=not progress, leave=True)

    def all_batches():
        for iterable in source_iterables.values():
            for batch in iterable:
                batch = list(batch)
                bar.update(len(batch))
                yield batch

    partial = names is not None and set(names) != set(_sources)
    try:
        engine = get_backend(backend)
        if partial:
            return sum(engine.index(batch) for batch in all_batches())
        indexed = engine.replace_all(all_batches())
        if from_sources:
            engine.mark_built()  # a full rebuild: the outbox's follower need not redo it
        return indexed
    finally:
        bar.close()


def site_ids_for(site) -> list[int]:
    """A site and all the sites below it: what a parent site's search covers."""
    from gongkai.core.models import Site

    ids, frontier = [site.id], [site.id]
    while frontier:
        frontier = list(Site.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        frontier = [i for i in frontier if i not in ids]
        ids.extend(frontier)
    return ids


# --- tasks -----------------------------------------------------------------------------------


def document_to_dict(doc: SearchDocument) -> dict:
    data = asdict(doc)
    if doc.published_at is not None:
        data["published_at"] = doc.published_at.isoformat()
    return data


def document_from_dict(data: dict) -> SearchDocument:
    data = dict(data)
    if data.get("published_at"):
        data["published_at"] = datetime.fromisoformat(data["published_at"])
    return SearchDocument(**data)


@task()
def index_task(source: str = "", keys: list | None = None, documents: list | None = None) -> int:
    """Index documents from a registered source by key, or passed as dicts (document_to_dict)."""
    docs: list[SearchDocument] = [document_from_dict(d) for d in documents or []]
    if source:
        src = _sources.get(source)
        if src is None or src.load is None:
            raise ValueError(f"检索数据源“{source}”未注册或不支持按键加载")
        docs.extend(src.load(list(keys or [])))
    return index_documents(docs)


@task()
def remove_task(doc_ids: list[str]) -> int:
    return remove_documents(doc_ids)
