"""SQLite FTS5 in the same database file, fed tokens made in Python (the embedded default).

The virtual table `search_fts` holds space-joined tokens in three columns (title, body, pinyin);
its rowid is the id of the `search_searchentry` row that holds the metadata, so filters, counts,
facets and date order are plain SQL. The tokenizer is unicode61 with every letter, number, mark,
punctuation and symbol category as token characters: it splits on white space only, so the
tokens made by search.tokenize (CJK words and bigrams, pinyin, "pm2.5") stay intact. Ranking is
bm25 with the title weighted ten times the body.

Works on Django's connection (SQLite only) or on a plain sqlite3 connection (the benchmark).
"""

# ruff: noqa: S608 - SQL is assembled from constant names and "?" placeholders; values are bound.
from __future__ import annotations

import contextlib
import itertools
import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime

from django.core.exceptions import ImproperlyConfigured

from .. import tokenize
from .base import (
    EXACT_TITLE_LIMIT,
    FacetCount,
    SearchBackend,
    SearchDocument,
    SearchQuery,
    StoredDoc,
)

ENTRY = "search_searchentry"
FTS = "search_fts"
TOKENIZE = "unicode61 remove_diacritics 0 categories 'L* N* Co M* P* S*'"
FTS_DDL = f'CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(title, body, pinyin, ident, tokenize="{TOKENIZE}")'
# The same table Django creates for models.SearchEntry, for a database outside Django (bench).
ENTRY_DDL = f"""CREATE TABLE IF NOT EXISTS {ENTRY} (
    id integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    doc_id varchar(100) NOT NULL UNIQUE,
    site_id integer NOT NULL,
    title text NOT NULL,
    title_key varchar(200) NOT NULL,
    body text NOT NULL,
    url varchar(500) NOT NULL,
    kind varchar(40) NOT NULL,
    organisation_id integer NULL,
    organisation_name varchar(200) NOT NULL,
    domain_id integer NULL,
    catalogue_item_id integer NULL,
    year integer NULL,
    validity varchar(20) NOT NULL,
    published_at datetime NULL,
    extra text NOT NULL CHECK ((JSON_VALID("extra") OR "extra" IS NULL))
)"""
ENTRY_INDEXES = [
    f"CREATE INDEX IF NOT EXISTS search_searchentry_site_id ON {ENTRY} (site_id)",
    f"CREATE INDEX IF NOT EXISTS search_site_date ON {ENTRY} (site_id, published_at)",
    f"CREATE INDEX IF NOT EXISTS search_searchentry_title_key ON {ENTRY} (title_key)",
]
WEIGHTS = (10.0, 1.0, 4.0, 10.0)  # title, body, pinyin, ident
BM25 = f"bm25({FTS}, {', '.join(str(w) for w in WEIGHTS)})"
# The same bm25 as FTS5's `rank` column: ORDER BY rank lets FTS5 sort without calling the
# function through SQL for every match, about twice as fast on common words.
RANK = f"bm25({', '.join(str(w) for w in WEIGHTS)})"
BATCH = 500
FILTER_COLUMNS = {
    "organisation": "organisation_id",
    "domain": "domain_id",
    "catalogue_item": "catalogue_item_id",
    "kind": "kind",
    "year": "year",
    "validity": "validity",
}
ENTRY_COLUMNS = (
    "doc_id",
    "site_id",
    "title",
    "title_key",
    "body",
    "url",
    "kind",
    "organisation_id",
    "organisation_name",
    "domain_id",
    "catalogue_item_id",
    "year",
    "validity",
    "published_at",
    "extra",
)


def create_schema(conn: sqlite3.Connection) -> None:
    """The tables in a database Django does not manage (the benchmark's temporary file)."""
    conn.execute(ENTRY_DDL)
    for sql in ENTRY_INDEXES:
        conn.execute(sql)
    conn.execute(FTS_DDL)
    conn.commit()


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _piece_expr(piece: tokenize.Piece, columns: str, prefix_last: bool) -> str:
    if piece.identifier:
        return f"{{title body ident}} : {_quote(piece.text)}"
    if piece.is_cjk:
        if piece.grams:
            return f"{columns} : {_quote(' '.join(piece.grams))}"
        return f"{columns} : {_quote(piece.text)} *"
    exact = f"{columns} : {_quote(piece.text)}{' *' if prefix_last else ''}"
    if piece.pinyin:
        return f"({exact} OR pinyin : {_quote(piece.text)} *)"
    return exact


def _alternative_expr(alt: tokenize.Alternative, columns: str, prefix: bool) -> str:
    expr = " AND ".join(_piece_expr(p, columns, prefix) for p in alt.pieces)
    if alt.word:
        expr = f"({expr}) OR {columns} : {_quote(alt.word)}"
    return f"({expr})"


def _term_expr(term: list[tokenize.Alternative], columns: str, prefix: bool) -> str:
    return "(" + " OR ".join(_alternative_expr(a, columns, prefix) for a in term) + ")"


def match_expression(
    parsed: tokenize.ParsedQuery, columns: str = "{title body}", prefix=False, relaxed=False
) -> str:
    """FTS5 query text for tokenize's semantics: terms ANDed (or, relaxed, any `min_should` of
    them, written out as the OR of those combinations), a term's alternatives ORed, CJK runs as
    bigram phrases. Adjacency is scored by search.ranking, not here: a boost phrase in the
    expression cost a fifth of the query time and changed no result of the relevance suite."""
    terms = [_term_expr(t, columns, prefix) for t in parsed.terms]
    if relaxed and parsed.can_relax:
        return " OR ".join(
            "(" + " AND ".join(terms[i] for i in combo) + ")"
            for combo in itertools.combinations(range(len(terms)), parsed.min_should)
        )
    return " AND ".join(terms)


def _dt_to_db(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


def _dt_from_db(value) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


class Fts5Backend(SearchBackend):
    name = "fts5"

    def __init__(self, connection: sqlite3.Connection | None = None) -> None:
        self._raw = connection
        if connection is None:
            from django.db import connection as django_connection

            if django_connection.vendor != "sqlite":
                raise ImproperlyConfigured(
                    "fts5 检索后端只能用于 SQLite 数据库；PostgreSQL 请设置 GONGKAI_SEARCH_BACKEND=tantivy"
                )

    # --- plumbing ---

    def _conn(self) -> sqlite3.Connection:
        if self._raw is not None:
            return self._raw
        from django.db import connection

        connection.ensure_connection()
        return connection.connection

    @contextlib.contextmanager
    def _atomic(self):
        if self._raw is not None:
            with self._raw:
                yield self._raw
        else:
            from django.db import transaction

            with transaction.atomic():
                yield self._conn()

    def _rows(self, sql: str, params=()) -> list[tuple]:
        return self._conn().execute(sql, params).fetchall()

    # --- writing ---

    @staticmethod
    def _prepare(doc: SearchDocument) -> tuple[tuple, tuple]:
        entry = (
            doc.doc_id,
            doc.site_id,
            doc.title,
            tokenize.title_key(doc.title),
            doc.body or "",
            doc.url or "",
            doc.kind or "",
            doc.organisation_id,
            doc.organisation_name or "",
            doc.domain_id,
            doc.catalogue_item_id,
            doc.year,
            doc.validity or "",
            _dt_to_db(doc.published_at),
            json.dumps(doc.extra or {}, ensure_ascii=False, default=str),
        )
        tokens = (
            tokenize.text_tokens(doc.title),
            tokenize.text_tokens(doc.body),
            tokenize.pinyin_tokens(doc.title),
            tokenize.identifier_tokens(tokenize.document_identifiers(doc.extra)),
        )
        return entry, tokens

    def _write(self, conn: sqlite3.Connection, prepared, fresh: set | None = None) -> None:
        """Upsert entries and their token rows. In a rebuild `fresh` holds the rowids written so
        far, so only a repeated doc_id pays for deleting its old token row."""
        columns = ", ".join(ENTRY_COLUMNS)
        marks = ", ".join("?" for _ in ENTRY_COLUMNS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in ENTRY_COLUMNS[1:])
        upsert = (
            f"INSERT INTO {ENTRY} ({columns}) VALUES ({marks}) "
            f"ON CONFLICT(doc_id) DO UPDATE SET {updates} RETURNING id"
        )
        for entry, tokens in prepared:
            row_id = conn.execute(upsert, entry).fetchone()[0]
            if fresh is None or row_id in fresh:
                conn.execute(f"DELETE FROM {FTS} WHERE rowid = ?", (row_id,))
            if fresh is not None:
                fresh.add(row_id)
            conn.execute(
                f"INSERT INTO {FTS} (rowid, title, body, pinyin, ident) VALUES (?, ?, ?, ?, ?)",
                (row_id, *tokens),
            )

    def index(self, docs: Iterable[SearchDocument]) -> int:
        total = 0
        batch: list[SearchDocument] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= BATCH:
                total += self._index_batch(batch)
                batch = []
        if batch:
            total += self._index_batch(batch)
        return total

    def _index_batch(self, batch: list[SearchDocument]) -> int:
        prepared = [self._prepare(doc) for doc in batch]  # tokenise outside the write lock
        with self._atomic() as conn:
            self._write(conn, prepared)
        return len(prepared)

    def delete(self, doc_ids: Iterable[str]) -> int:
        ids = list(dict.fromkeys(doc_ids))
        removed = 0
        with self._atomic() as conn:
            for start in range(0, len(ids), BATCH):
                chunk = ids[start : start + BATCH]
                marks = ", ".join("?" for _ in chunk)
                rows = conn.execute(
                    f"SELECT id FROM {ENTRY} WHERE doc_id IN ({marks})", chunk
                ).fetchall()
                for (row_id,) in rows:
                    conn.execute(f"DELETE FROM {FTS} WHERE rowid = ?", (row_id,))
                    conn.execute(f"DELETE FROM {ENTRY} WHERE id = ?", (row_id,))
                removed += len(rows)
        return removed

    def replace_all(self, batches: Iterable[list[SearchDocument]]) -> int:
        total, written = 0, set()
        with self._atomic() as conn:
            conn.execute(f"DELETE FROM {FTS}")
            conn.execute(f"DELETE FROM {ENTRY}")
            for batch in batches:
                self._write(conn, [self._prepare(doc) for doc in batch], fresh=written)
                total += len(batch)
        self.optimize()
        return total

    def optimize(self) -> None:
        with self._atomic() as conn:
            conn.execute(f"INSERT INTO {FTS} ({FTS}) VALUES ('optimize')")

    def clear(self) -> None:
        with self._atomic() as conn:
            conn.execute(f"DELETE FROM {FTS}")
            conn.execute(f"DELETE FROM {ENTRY}")

    def count(self, site_ids: list[int] | None = None) -> int:
        where, params = self._where(SearchQuery(site_ids=site_ids))
        return self._rows(f"SELECT count(*) FROM {ENTRY} e WHERE {where}", params)[0][0]

    # --- reading ---

    @staticmethod
    def _where(query: SearchQuery) -> tuple[str, list]:
        clauses, params = ["1"], []
        if query.site_ids is not None:
            ids = [int(i) for i in query.site_ids] or [0]
            clauses.append(f"e.site_id IN ({', '.join('?' for _ in ids)})")
            params.extend(ids)
        for key, column in FILTER_COLUMNS.items():
            values = query.filter_values(key)
            if values:
                clauses.append(f"e.{column} IN ({', '.join('?' for _ in values)})")
                params.extend(values)
        return " AND ".join(clauses), params

    def _stored_rows(self, inner: str, params: list, order: str = "") -> list[StoredDoc]:
        order = order or "s.score, e.published_at DESC, e.id DESC"
        rows = self._rows(
            f"SELECT e.doc_id, e.title, e.url, e.body, e.kind, e.organisation_name, "
            f"e.published_at, e.extra, s.score FROM ({inner}) s JOIN {ENTRY} e ON e.id = s.rid "
            f"ORDER BY {order}",
            params,
        )
        return [
            StoredDoc(
                doc_id=r[0],
                title=r[1],
                url=r[2],
                body=r[3],
                kind=r[4],
                organisation_name=r[5],
                published_at=_dt_from_db(r[6]),
                score=-float(r[8]),
                extra=json.loads(r[7] or "{}"),
            )
            for r in rows
        ]

    def _search(self, parsed, query, *, relaxed=False, offset=0, limit=20):
        where, params = self._where(query)
        filtered = where != "1"
        total = None
        if parsed:
            # Rank inside FTS5 and count in the same pass (a window count), then fetch the stored
            # columns for one page only: sorting thousands of joined rows with their bodies, or
            # matching twice, is what makes a naive query slow.
            match = [match_expression(parsed, relaxed=relaxed)]
            count_params = [*match, *params]
            matched = f"e.id IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH ?) AND {where}"
            if query.sort == "date":
                ranked = self._rows(
                    f"SELECT e.id, 0.0, count(*) OVER () FROM {ENTRY} e WHERE {matched} "
                    f"ORDER BY e.published_at DESC, e.id DESC LIMIT ? OFFSET ?",
                    [*count_params, limit, offset],
                )
            elif filtered:
                # CROSS JOIN keeps the full-text match as the outer loop: with a plain JOIN
                # SQLite walks the site's rows by the site index and runs the MATCH once per
                # row (20 s for one query over a 200,000-record site instead of milliseconds).
                ranked = self._rows(
                    f"SELECT {FTS}.rowid, {FTS}.rank, count(*) OVER () FROM {FTS} "
                    f"CROSS JOIN {ENTRY} e ON e.id = {FTS}.rowid WHERE {FTS} MATCH ? "
                    f"AND {FTS}.rank MATCH '{RANK}' AND {where} ORDER BY {FTS}.rank LIMIT ? OFFSET ?",
                    [*match, *params, limit, offset],
                )
            else:
                ranked = self._rows(
                    f"SELECT rowid, rank, count(*) OVER () FROM {FTS} WHERE {FTS} MATCH ? "
                    f"AND rank MATCH '{RANK}' ORDER BY rank LIMIT ? OFFSET ?",
                    [*match, limit, offset],
                )
            if ranked:
                total = ranked[0][2]
            docs = self._stored_by_id([(r[0], r[1]) for r in ranked])
        else:
            inner = (
                f"SELECT e.id AS rid, 0.0 AS score FROM {ENTRY} e WHERE {where} "
                f"ORDER BY e.published_at DESC, e.id DESC LIMIT ? OFFSET ?"
            )
            count_params, matched = params, where
            docs = self._stored_rows(inner, [*params, limit, offset])
        if query.facets:
            groups = self._rows(
                f"SELECT e.kind, e.organisation_id, e.organisation_name, e.year, count(*) "
                f"FROM {ENTRY} e WHERE {matched} GROUP BY 1, 2, 3, 4",
                count_params,
            )
            total = sum(g[4] for g in groups)
            facets = _facets(groups)
        else:
            facets = {}
            if total is None:  # no row on this page: count on its own
                total = self._rows(f"SELECT count(*) FROM {ENTRY} e WHERE {matched}", count_params)
                total = total[0][0]
        return total, docs, facets

    def _stored_by_id(self, ranked: list[tuple[int, float]]) -> list[StoredDoc]:
        """Stored columns of the ranked row ids, in their order."""
        if not ranked:
            return []
        values = ", ".join("(?, ?, ?)" for _ in ranked)
        params = [v for i, (rid, score) in enumerate(ranked) for v in (rid, score, i)]
        inner = f"SELECT column1 AS rid, column2 AS score, column3 AS pos FROM (VALUES {values})"
        docs = self._stored_rows(inner, params, order="s.pos")
        return docs

    def _exact_title(self, parsed, query):
        if not parsed.key:
            return []
        where, params = self._where(query)
        # The few rows with this title first (title_key index), then the filters: left to
        # itself SQLite walks the whole site by the (site, date) index (0.4 s at 200,000).
        inner = (
            f"SELECT e.id AS rid, 0.0 AS score FROM (SELECT id FROM {ENTRY} WHERE title_key = ?) k "
            f"CROSS JOIN {ENTRY} e ON e.id = k.id WHERE {where} "
            f"ORDER BY e.published_at DESC, e.id DESC LIMIT ?"
        )
        return self._stored_rows(inner, [parsed.key, *params, EXACT_TITLE_LIMIT])

    def _titles(self, parsed, site_ids, limit, title_only):
        where, params = self._where(SearchQuery(site_ids=site_ids))
        expr = match_expression(parsed, "title" if title_only else "{title body}", prefix=True)
        rows = self._rows(
            f"SELECT e.title, e.url, e.kind FROM {FTS} JOIN {ENTRY} e ON e.id = {FTS}.rowid "
            f"WHERE {FTS} MATCH ? AND {where} "
            f"ORDER BY {BM25}, e.published_at DESC "
            f"LIMIT ?",
            [expr, *params, limit * 3],
        )
        return list(dict.fromkeys(tuple(row) for row in rows))


def _facets(groups) -> dict[str, list[FacetCount]]:
    kinds: dict[str, int] = {}
    orgs: dict[tuple, int] = {}
    years: dict[int, int] = {}
    for kind, org_id, org_name, year, n in groups:
        if kind:
            kinds[kind] = kinds.get(kind, 0) + n
        if org_id is not None:
            orgs[(org_id, org_name)] = orgs.get((org_id, org_name), 0) + n
        if year is not None:
            years[year] = years.get(year, 0) + n
    return {
        "kind": [FacetCount(k, k, n) for k, n in sorted(kinds.items(), key=lambda i: -i[1])],
        "organisation": [
            FacetCount(str(oid), name, n)
            for (oid, name), n in sorted(orgs.items(), key=lambda i: -i[1])
        ],
        "year": [FacetCount(str(y), str(y), n) for y, n in sorted(years.items(), reverse=True)],
    }
