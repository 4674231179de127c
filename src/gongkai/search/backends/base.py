"""What every search backend offers. Apps feed plain SearchDocuments; the engine knows no models."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.utils.safestring import SafeString, mark_safe

from .. import tokenize

SORTS = ("relevance", "date")
FILTER_KEYS = ("organisation", "domain", "catalogue_item", "kind", "year", "validity")
MAX_PAGE_SIZE = 100
MAX_OFFSET = 2000  # deep pages cost a full scan and nobody reads them
FEW_HITS = 3  # below this many results a "did you mean" is looked for
EXACT_TITLE_LIMIT = 5  # documents whose title equals the query, put first
# Reference entries (the catalogue's items, organisations, guide pages, gazette issues) describe
# where information is; search.ranking puts the information itself before them.
REFERENCE_KINDS = frozenset({"catalogue", "organisation", "guide_page", "gazette_issue"})


@dataclass
class SearchDocument:
    """One searchable thing. `doc_id` is unique across sources, e.g. "record:123"."""

    doc_id: str
    site_id: int
    title: str
    body: str = ""
    url: str = ""
    kind: str = ""
    organisation_id: int | None = None
    organisation_name: str = ""
    domain_id: int | None = None
    catalogue_item_id: int | None = None
    year: int | None = None
    validity: str = ""
    published_at: datetime | None = None
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.doc_id or len(self.doc_id) > 100:
            raise ValueError("doc_id 必须是 1–100 个字符")
        if self.published_at is not None and self.published_at.tzinfo is None:
            self.published_at = self.published_at.replace(tzinfo=UTC)
        if self.year is None and self.published_at is not None:
            self.year = self.published_at.year


@dataclass
class SearchQuery:
    """site_ids: the sites to search (a parent site passes its children too); None means all.

    filters: organisation, domain, catalogue_item, kind, year, validity — a value or a list.
    synonyms: normalised term -> alternatives, filled in by the service from the Synonym table.
    """

    text: str = ""
    site_ids: list[int] | None = None
    filters: dict = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20
    facets: bool = True
    synonyms: dict[str, list[str]] | None = None
    autocorrect: bool = True  # nothing found as typed: show the results of the did-you-mean

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            self.sort = "relevance"
        self.page = max(int(self.page or 1), 1)
        self.page_size = min(max(int(self.page_size or 20), 1), MAX_PAGE_SIZE)
        unknown = set(self.filters) - set(FILTER_KEYS)
        if unknown:
            raise ValueError(f"未知的筛选条件：{', '.join(sorted(unknown))}")

    @property
    def offset(self) -> int:
        return min((self.page - 1) * self.page_size, MAX_OFFSET)

    def filter_values(self, key: str) -> list:
        value = self.filters.get(key)
        if value is None or value == "" or value == []:
            return []
        return list(value) if isinstance(value, list | tuple | set) else [value]


@dataclass
class SearchHit:
    doc_id: str
    title: str
    url: str
    snippet: SafeString
    title_html: SafeString
    score: float
    published_at: datetime | None
    kind: str
    organisation_name: str
    extra: dict = field(default_factory=dict)
    partial: bool = False  # found by the relaxed query: not every word is in it


@dataclass
class FacetCount:
    value: str
    label: str
    count: int


@dataclass
class SearchResults:
    total: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)
    suggestion: str = ""
    query: SearchQuery | None = None
    relaxed: bool = False  # some hits do not contain every word (以下结果未包含全部检索词)
    strict_total: int = 0  # how many contain every word
    corrected: str = ""  # nothing matched as typed: these are the results for this correction
    parsed: tokenize.ParsedQuery | None = None
    notice: str = ""  # e.g. the node is rebuilding its index: results may be incomplete

    @property
    def pages(self) -> int:
        if not self.query:
            return 1
        reachable = min(self.total, MAX_OFFSET + self.query.page_size)
        return max((reachable + self.query.page_size - 1) // self.query.page_size, 1)


@dataclass
class StoredDoc:
    """What a backend returns for a hit before highlighting."""

    doc_id: str
    title: str
    url: str
    body: str
    kind: str
    organisation_name: str
    published_at: datetime | None
    score: float
    extra: dict = field(default_factory=dict)
    partial: bool = False


class SearchBackend(ABC):
    name = "base"

    @abstractmethod
    def index(self, docs: Iterable[SearchDocument]) -> int:
        """Add or replace documents (by doc_id); returns how many. Visible on return."""

    @abstractmethod
    def delete(self, doc_ids: Iterable[str]) -> int:
        """Remove documents at once; unknown ids are ignored."""

    @abstractmethod
    def replace_all(self, batches: Iterable[list[SearchDocument]]) -> int:
        """Rebuild from scratch in one commit: readers see the old index until it is done."""

    @abstractmethod
    def clear(self) -> None: ...

    @abstractmethod
    def count(self, site_ids: list[int] | None = None) -> int: ...

    @abstractmethod
    def _search(
        self, parsed: tokenize.ParsedQuery, query: SearchQuery, *, relaxed=False, offset=0, limit=20
    ):
        """(total, [StoredDoc], facets): bm25 order (or date order), rows offset..offset+limit."""

    @abstractmethod
    def _exact_title(self, parsed: tokenize.ParsedQuery, query: SearchQuery) -> list[StoredDoc]:
        """Up to EXACT_TITLE_LIMIT documents whose title_key equals the query's, newest first."""

    @abstractmethod
    def _titles(self, parsed: tokenize.ParsedQuery, site_ids, limit: int, title_only: bool):
        """[(title, url, kind)] best first, up to 3 × limit — for suggestions and 'did you
        mean'."""

    def _outcome(self, parsed, query):
        """(total, page of docs, facets, strict total, relaxed?) by search.ranking's formula:
        the engine's best RERANK_WINDOW candidates (with exact titles, and the relaxed ones when
        strict finds fewer than RELAX_BELOW) ordered by the shared key; deeper pages and date
        order come from the engine as they are."""
        from ..ranking import RERANK_WINDOW, rerank

        offset, size = query.offset, query.page_size
        if query.sort != "relevance" or offset + size > RERANK_WINDOW:
            total, docs, facets = self._search(parsed, query, offset=offset, limit=size)
            return total, docs, facets, total, False
        total, docs, facets = self._search(parsed, query, offset=0, limit=RERANK_WINDOW)
        seen = {d.doc_id for d in docs}
        candidates = [d for d in self._exact_title(parsed, query) if d.doc_id not in seen] + docs
        strict_total, relaxed = total, False
        if total < tokenize.RELAX_BELOW and parsed.can_relax:
            r_total, r_docs, r_facets = self._search(
                parsed, query, relaxed=True, offset=0, limit=RERANK_WINDOW
            )
            if r_total > total:
                seen = {d.doc_id for d in candidates}
                extra = [d for d in r_docs if d.doc_id not in seen]
                for doc in extra:
                    doc.partial = True
                candidates += extra
                total, facets, relaxed = r_total, r_facets, True
        ranked = rerank(parsed, candidates)
        return total, ranked[offset : offset + size], facets, strict_total, relaxed

    def search(self, query: SearchQuery) -> SearchResults:
        """The query semantics of search.tokenize, in the order its module comment documents."""
        parsed = tokenize.parse_query(query.text, query.synonyms)
        if query.text.strip() and not parsed:
            return SearchResults(0, [], {}, "", query)
        if not parsed:
            total, docs, facets = self._search(
                parsed, query, offset=query.offset, limit=query.page_size
            )
            strict_total, relaxed = total, False
        else:
            total, docs, facets, strict_total, relaxed = self._outcome(parsed, query)
        suggestion = corrected = ""
        if parsed and strict_total < FEW_HITS:
            suggestion = self.did_you_mean(parsed, query.site_ids)
        if suggestion and strict_total == 0 and query.autocorrect:
            fixed = tokenize.parse_query(suggestion, query.synonyms)
            outcome = self._outcome(fixed, query)
            if outcome[3] > 0:  # the correction matches every word: show its results instead
                parsed, corrected = fixed, suggestion
                total, docs, facets, strict_total, relaxed = outcome
        terms = parsed.highlight_terms
        hits = []
        for doc in docs:
            title_terms = terms + tokenize.pinyin_title_terms(doc.title, parsed.pinyin_terms)
            hits.append(
                SearchHit(
                    doc_id=doc.doc_id,
                    title=doc.title,
                    url=doc.url,
                    snippet=mark_safe(tokenize.snippet(doc.body, terms)),  # noqa: S308 - escaped
                    title_html=mark_safe(tokenize.highlight(doc.title, title_terms)),  # noqa: S308
                    score=doc.score,
                    published_at=doc.published_at,
                    kind=doc.kind,
                    organisation_name=doc.organisation_name,
                    extra=doc.extra,
                    partial=doc.partial,
                )
            )
        return SearchResults(
            total,
            hits,
            facets,
            suggestion,
            query,
            relaxed=relaxed,
            strict_total=strict_total,
            corrected=corrected,
            parsed=parsed,
        )

    def suggest(self, prefix: str, site_ids: list[int] | None = None, limit: int = 8):
        """Titles for what is being typed: characters, pinyin or initials. [{title, url}]."""
        parsed = tokenize.parse_query(prefix)
        if not parsed:
            return []
        rows = self._titles(parsed, site_ids, limit, title_only=True)
        # information before reference entries, as search.ranking orders results
        rows = sorted(rows, key=lambda row: row[2] in REFERENCE_KINDS)[:limit]
        return [{"title": title, "url": url} for title, url, _kind in rows]

    def did_you_mean(self, parsed: tokenize.ParsedQuery, site_ids) -> str:
        """A near miss: a term written with the wrong character of the same sound (政务公楷)."""
        corrected = parsed.text
        for term in parsed.terms:
            text = term[0].text
            replacement = self._homophone(text, site_ids) if term[0].pieces[0].is_cjk else ""
            if replacement and replacement != text:
                corrected = corrected.replace(text, replacement, 1)
        return corrected.strip() if corrected != parsed.text else ""

    def _homophone(self, text: str, site_ids) -> str:
        if not tokenize.CJK_RUN_RE.fullmatch(text) or len(text) < 2:
            return ""
        sound = tokenize.full_pinyin(text)
        if not sound:
            return ""
        probe = tokenize.parse_query(sound)
        for title, _url, _kind in self._titles(probe, site_ids, 5, title_only=True):
            norm = tokenize.normalize(title)
            for size in range(max(len(text) - 1, 2), len(text) + 2):
                for i in range(len(norm) - size + 1):
                    window = norm[i : i + size]
                    if tokenize.CJK_RUN_RE.fullmatch(window) and (
                        tokenize.full_pinyin(window) == sound
                    ):
                        return window
        return ""

    def close(self) -> None:  # noqa: B027 - optional hook, nothing to release by default
        """Release files and locks (tests and the bench open many indexes)."""

    def missing(self) -> bool:
        """The index's files are gone (deleted under this process): it must be rebuilt."""
        return False

    def mark_built(self) -> None:  # noqa: B027 - optional hook
        """Record that a full rebuild filled this index (missing() is false from now on)."""

    def replaced(self) -> bool:
        """Another process rebuilt the index in a new place: this reader is stale."""
        return False

    def reopened(self) -> SearchBackend:
        """A fresh backend on the same index (after missing() or replaced())."""
        return self
