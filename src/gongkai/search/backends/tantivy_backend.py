"""tantivy (Rust, in-process) for large sites and PostgreSQL deployments.

The index lives in a directory (settings.SEARCH_PATH / "tantivy", or GONGKAI_SEARCH_PATH). Text
arrives already tokenised by search.tokenize and goes through a whitespace-only analyzer, so the
engine sees exactly the tokens FTS5 sees. Filters and date order use fast fields.

Writing: one writer at a time (tantivy holds a lock file in the directory). Deployments let the
task worker do all writes; each write commits and reloads, so the writing process sees it at
once. With the search outbox (search/outbox.py) each app node has its own directory, written
only by that node's `gongkai search follow`; the node's web processes read it and pick up new
commits through the reader's OnCommit policy; they never open a writer. A directory deleted
and rebuilt under an open reader is noticed by `missing()` and `replaced()`.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterable
from datetime import UTC
from pathlib import Path

import tantivy

from .. import tokenize
from .base import (
    EXACT_TITLE_LIMIT,
    FacetCount,
    SearchBackend,
    SearchDocument,
    SearchQuery,
    StoredDoc,
)

SCHEMA_VERSION = "v2"  # v2: ident field, title_key, cut-for-search words and 文号 tokens
ANALYZER = "gk_ws"
WEIGHTS = {"title": 10.0, "body": 1.0, "pinyin": 4.0, "ident": 10.0}
INT_FILTERS = {
    "organisation": "organisation_id",
    "domain": "domain_id",
    "catalogue_item": "catalogue_item_id",
    "year": "year",
}
TEXT_FILTERS = {"kind": "kind", "validity": "validity"}
NONE = -1  # integer fast fields have no null
WRITER_HEAP = 64_000_000
LOCK_WAIT_S = 10.0
FACET_SIZE = 50
BUILT_MARK = f"built-{SCHEMA_VERSION}"  # beside the index: written once a rebuild filled it

_indexes: dict[str, tantivy.Index] = {}
_indexes_lock = threading.Lock()


def default_path() -> Path:
    from django.conf import settings

    configured = os.environ.get("GONGKAI_SEARCH_PATH") or getattr(settings, "SEARCH_PATH", None)
    base = Path(configured) if configured else Path(settings.VAR_DIR) / "search"
    return base / "tantivy"


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("doc_id", stored=True, tokenizer_name="raw")
    for name in ("title", "body", "pinyin", "ident"):
        sb.add_text_field(name, tokenizer_name=ANALYZER)
    sb.add_text_field("title_key", tokenizer_name="raw")
    for name in ("site_id", *INT_FILTERS.values()):
        sb.add_integer_field(name, indexed=True, fast=True)
    for name in (*TEXT_FILTERS.values(), "organisation"):
        sb.add_text_field(name, tokenizer_name="raw", fast=True)
    sb.add_date_field("published_at", stored=True, indexed=True, fast=True)
    sb.add_bytes_field("payload", stored=True)
    return sb.build()


def _open(path: Path) -> tantivy.Index:
    key = str(path.resolve())
    with _indexes_lock:
        index = _indexes.get(key)
        if index is None:
            path.mkdir(parents=True, exist_ok=True)
            index = tantivy.Index(build_schema(), path=key, reuse=True)
            index.register_tokenizer(
                ANALYZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
            )
            index.config_reader("OnCommit")
            _indexes[key] = index
        return index


def _directory_id(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_dev, stat.st_ino)


def forget_indexes() -> None:
    with _indexes_lock:
        _indexes.clear()


class TantivyBackend(SearchBackend):
    name = "tantivy"

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else default_path()
        self.index_obj = _open(self.path / SCHEMA_VERSION)
        self.schema = self.index_obj.schema
        self.directory_id = _directory_id(self.path / SCHEMA_VERSION)

    def missing(self) -> bool:
        """The index directory is gone (deleted under this process), or was created empty by
        an open after a deletion and never filled by a rebuild."""
        return not (
            (self.path / SCHEMA_VERSION / "meta.json").exists()
            and (self.path / BUILT_MARK).exists()
        )

    def mark_built(self) -> None:
        (self.path / BUILT_MARK).write_text(SCHEMA_VERSION + "\n", encoding="utf-8")

    def replaced(self) -> bool:
        """Another process deleted the directory and built a new one: this reader is stale."""
        return not self.missing() and _directory_id(self.path / SCHEMA_VERSION) != self.directory_id

    # --- writing ---

    def _writer(self):
        deadline = time.monotonic() + LOCK_WAIT_S
        while True:
            try:
                return self.index_obj.writer(heap_size=WRITER_HEAP, num_threads=1)
            except (ValueError, OSError, RuntimeError) as exc:
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def _commit(self, writer) -> None:
        writer.commit()
        writer.wait_merging_threads()
        self.index_obj.reload()

    @staticmethod
    def _document(doc: SearchDocument) -> tantivy.Document:
        fields = {
            "doc_id": doc.doc_id,
            "title": tokenize.text_tokens(doc.title),
            "body": tokenize.text_tokens(doc.body),
            "pinyin": tokenize.pinyin_tokens(doc.title),
            "ident": tokenize.identifier_tokens(tokenize.document_identifiers(doc.extra)),
            "title_key": tokenize.title_key(doc.title),
            "site_id": int(doc.site_id),
            "organisation_id": NONE if doc.organisation_id is None else int(doc.organisation_id),
            "domain_id": NONE if doc.domain_id is None else int(doc.domain_id),
            "catalogue_item_id": (
                NONE if doc.catalogue_item_id is None else int(doc.catalogue_item_id)
            ),
            "year": NONE if doc.year is None else int(doc.year),
            "kind": doc.kind or "",
            "validity": doc.validity or "",
            "organisation": (
                f"{doc.organisation_id}\t{doc.organisation_name}"
                if doc.organisation_id is not None
                else ""
            ),
            "payload": json.dumps(
                {
                    "title": doc.title,
                    "url": doc.url,
                    "body": doc.body,
                    "kind": doc.kind,
                    "organisation_name": doc.organisation_name,
                    "extra": doc.extra,
                },
                ensure_ascii=False,
                default=str,
            ).encode(),
        }
        document = tantivy.Document(**fields)
        if doc.published_at is not None:
            document.add_date("published_at", doc.published_at.astimezone(UTC))
        return document

    def index(self, docs: Iterable[SearchDocument]) -> int:
        prepared = [(doc.doc_id, self._document(doc)) for doc in docs]
        if not prepared:
            return 0
        writer = self._writer()
        for doc_id, document in prepared:
            writer.delete_documents_by_term("doc_id", doc_id)
            writer.add_document(document)
        self._commit(writer)
        return len(prepared)

    def delete(self, doc_ids: Iterable[str]) -> int:
        ids = list(dict.fromkeys(doc_ids))
        if not ids:
            return 0
        searcher = self.index_obj.searcher()
        present = searcher.search(
            tantivy.Query.term_set_query(self.schema, "doc_id", ids), limit=1, count=True
        ).count
        writer = self._writer()
        for doc_id in ids:
            writer.delete_documents_by_term("doc_id", doc_id)
        self._commit(writer)
        return present

    def replace_all(self, batches: Iterable[list[SearchDocument]]) -> int:
        writer = self._writer()
        total = 0
        try:
            writer.delete_all_documents()
            seen: set[str] = set()
            for batch in batches:
                for doc in batch:
                    if doc.doc_id in seen:  # a repeated doc_id replaces the earlier one
                        writer.delete_documents_by_term("doc_id", doc.doc_id)
                    seen.add(doc.doc_id)
                    writer.add_document(self._document(doc))
                total += len(batch)
        except BaseException:
            writer.rollback()
            raise
        self._commit(writer)
        return total

    def clear(self) -> None:
        writer = self._writer()
        writer.delete_all_documents()
        self._commit(writer)

    def count(self, site_ids: list[int] | None = None) -> int:
        searcher = self.index_obj.searcher()
        if site_ids is None:
            return searcher.num_docs
        query = tantivy.Query.term_set_query(self.schema, "site_id", [int(i) for i in site_ids])
        return searcher.search(query, limit=1, count=True).count

    # --- reading ---

    def _field_query(self, field: str, piece: tokenize.Piece, prefix: bool) -> tantivy.Query:
        Q = tantivy.Query
        if piece.identifier or (not piece.is_cjk and not prefix):
            return Q.term_query(self.schema, field, piece.text)
        if piece.is_cjk and len(piece.grams) > 1:
            return Q.phrase_query(self.schema, field, list(piece.grams))
        if piece.is_cjk and piece.grams:
            return Q.term_query(self.schema, field, piece.grams[0])
        return Q.regex_query(self.schema, field, _regex_escape(piece.text) + ".*")

    def _piece_query(self, piece, fields, prefix) -> tantivy.Query:
        should = tantivy.Occur.Should
        if piece.identifier:
            fields = (*fields, "ident")
        parts = [
            (should, tantivy.Query.boost_query(self._field_query(f, piece, prefix), WEIGHTS[f]))
            for f in fields
        ]
        if piece.pinyin:
            pinyin = tantivy.Query.regex_query(self.schema, "pinyin", piece.text + ".*")
            parts.append((should, tantivy.Query.boost_query(pinyin, WEIGHTS["pinyin"])))
        return tantivy.Query.boolean_query(parts)

    def _alternative_query(self, alt, fields, prefix) -> tantivy.Query:
        Q, must, should = tantivy.Query, tantivy.Occur.Must, tantivy.Occur.Should
        query = Q.boolean_query([(must, self._piece_query(p, fields, prefix)) for p in alt.pieces])
        if alt.word:
            words = [(should, Q.term_query(self.schema, f, alt.word)) for f in fields]
            query = Q.boolean_query([(should, query), *words])
        return query

    def _text_query(self, parsed: tokenize.ParsedQuery, fields, prefix=False, relaxed=False):
        """tokenize's semantics: every term Must (relaxed: at least min_should of them).
        Adjacency is scored by search.ranking, as for FTS5."""
        Q, must, should = tantivy.Query, tantivy.Occur.Must, tantivy.Occur.Should
        terms = [
            Q.boolean_query([(should, self._alternative_query(a, fields, prefix)) for a in term])
            for term in parsed.terms
        ]
        if relaxed and parsed.can_relax:
            return Q.boolean_query(
                [(must, Q.boolean_query([(should, t) for t in terms], parsed.min_should))]
            )
        return Q.boolean_query([(must, t) for t in terms])

    def _filters(self, query: SearchQuery) -> list[tuple]:
        Q, must = tantivy.Query, tantivy.Occur.Must
        out = []
        if query.site_ids is not None:
            ids = [int(i) for i in query.site_ids] or [0]
            out.append((must, Q.term_set_query(self.schema, "site_id", ids)))
        for key, field in INT_FILTERS.items():
            values = query.filter_values(key)
            if values:
                out.append((must, Q.term_set_query(self.schema, field, [int(v) for v in values])))
        for key, field in TEXT_FILTERS.items():
            values = query.filter_values(key)
            if values:
                out.append((must, Q.term_set_query(self.schema, field, [str(v) for v in values])))
        return out

    def _full_query(
        self, parsed, query: SearchQuery, fields=("title", "body"), prefix=False, relaxed=False
    ):
        if parsed:
            text = self._text_query(parsed, fields, prefix, relaxed)
        else:
            text = tantivy.Query.all_query()
        filters = self._filters(query)
        if not filters:
            return text
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, text), *filters])

    def _search(self, parsed, query, *, relaxed=False, offset=0, limit=20):
        searcher = self.index_obj.searcher()
        full = self._full_query(parsed, query, relaxed=relaxed)
        kwargs = {"limit": max(limit, 1), "count": True, "offset": offset}
        by_date = query.sort == "date" or not parsed
        if by_date:
            kwargs.update(order_by_field="published_at", order=tantivy.Order.Desc)
        result = searcher.search(full, **kwargs)
        docs = [self._stored(searcher, addr, 0.0 if by_date else key) for key, addr in result.hits]
        if not by_date:  # equal scores: the newer first, as FTS5 orders them
            docs.sort(
                key=lambda d: (-d.score, -(d.published_at.timestamp() if d.published_at else 0))
            )
        facets = self._facets(searcher, full) if query.facets else {}
        return result.count, docs[:limit], facets

    def _exact_title(self, parsed, query):
        if not parsed.key:
            return []
        searcher = self.index_obj.searcher()
        exact = tantivy.Query.term_query(self.schema, "title_key", parsed.key)
        full = tantivy.Query.boolean_query([(tantivy.Occur.Must, exact), *self._filters(query)])
        result = searcher.search(
            full, limit=EXACT_TITLE_LIMIT, order_by_field="published_at", order=tantivy.Order.Desc
        )
        return [self._stored(searcher, addr, 0.0) for _, addr in result.hits]

    @staticmethod
    def _stored(searcher, addr, score) -> StoredDoc:
        data = searcher.doc(addr).to_dict()
        payload = json.loads(bytes(data["payload"][0]).decode())
        published = data.get("published_at", [None])[0]
        if published is not None and published.tzinfo is None:
            published = published.replace(tzinfo=UTC)
        return StoredDoc(
            doc_id=data["doc_id"][0],
            title=payload["title"],
            url=payload["url"],
            body=payload["body"],
            kind=payload["kind"],
            organisation_name=payload["organisation_name"],
            published_at=published,
            score=float(score),
            extra=payload.get("extra") or {},
        )

    def _facets(self, searcher, query) -> dict[str, list[FacetCount]]:
        agg = searcher.aggregate(
            query,
            {
                "kind": {"terms": {"field": "kind", "size": FACET_SIZE}},
                "organisation": {"terms": {"field": "organisation", "size": FACET_SIZE}},
                "year": {"terms": {"field": "year", "size": FACET_SIZE}},
            },
        )
        kinds = [
            FacetCount(b["key"], b["key"], b["doc_count"])
            for b in agg["kind"]["buckets"]
            if b["key"]
        ]
        orgs = []
        for b in agg["organisation"]["buckets"]:
            if b["key"]:
                org_id, _, name = b["key"].partition("\t")
                orgs.append(FacetCount(org_id, name, b["doc_count"]))
        years = sorted(
            (
                FacetCount(str(int(b["key"])), str(int(b["key"])), b["doc_count"])
                for b in agg["year"]["buckets"]
                if int(b["key"]) != NONE
            ),
            key=lambda f: f.value,
            reverse=True,
        )
        return {"kind": kinds, "organisation": orgs, "year": years}

    def _titles(self, parsed, site_ids, limit, title_only):
        searcher = self.index_obj.searcher()
        fields = ("title",) if title_only else ("title", "body")
        query = self._full_query(parsed, SearchQuery(site_ids=site_ids), fields, prefix=True)
        result = searcher.search(query, limit=limit * 3, count=False)
        rows = []
        for score, addr in result.hits:
            doc = self._stored(searcher, addr, score)
            rows.append((doc.title, doc.url, doc.kind))
        return list(dict.fromkeys(rows))

    def close(self) -> None:
        key = str((self.path / SCHEMA_VERSION).resolve())
        with _indexes_lock:
            _indexes.pop(key, None)

    def reopened(self) -> TantivyBackend:
        self.close()
        return TantivyBackend(self.path)


def _regex_escape(text: str) -> str:
    return "".join("\\" + ch if ch in r"\.+*?()|[]{}^$#&-~" else ch for ch in text)
