"""The ranking formula, shared by every backend, so FTS5 and tantivy order results alike.

An engine retrieves candidates by its own bm25 (title ×10, identifiers ×10, pinyin ×4, body ×1)
and returns the best RERANK_WINDOW of them; those are then ordered here by a key computed from
the documents, best first:

1. every required word matched (a relaxed hit comes after all strict ones);
2. the title equals the query (title_key, punctuation and spaces ignored);
3. the title holds every required word;
4. the title holds the words as typed, adjacent and in order (a boost phrase, or the one word);
5. information before reference entries (catalogue items, organisations, guide pages, gazette
   issues describe where information is);
6. how much of the title the typed words make up, in tenths (the closest title to what was typed);
7. how many of the required words the title holds;
8. the words as typed, adjacent and in order, in the body;
9. the engine's bm25 relative to the best candidate's, in bands of a factor of two (the engines
   compute bm25 differently; they agree on the band, not on the digits): how often and where
   the words occur;
10. the newer document (recency breaks ties);
11. doc_id, so the order is total.

A document's own 文号 and 索引号 count as part of its title; a 文号 cited in a body does not.
Titles are normalised like the index; bodies are only lower-cased (normalising 40 bodies per
query cost more than the engine's search), so a traditional-character body misses rule 8.

Past the window (deep pages) the engine's order is used as it is.
"""

from __future__ import annotations

import math

from . import tokenize
from .backends.base import REFERENCE_KINDS, StoredDoc

RERANK_WINDOW = 40


def _present(alt: tokenize.Alternative, text: str, idents: set[str]) -> bool:
    for piece in alt.pieces:
        if piece.identifier:
            if piece.text not in idents:
                return False
        elif piece.pinyin:
            continue  # matched on the pinyin column by the engine; not visible in the text
        elif piece.text not in text:
            return False
    return True


def _term_in(term: list[tokenize.Alternative], text: str, idents: set[str]) -> bool:
    return any(_present(alt, text, idents) for alt in term)


def _band(score: float, best: float) -> int:
    if score <= 0 or best <= 0:
        return 1000
    return math.floor(math.log2(best / score))


def _coverage(parsed: tokenize.ParsedQuery, title_key: str) -> int:
    """How much of the title the typed words make up, in tenths: 政务公开要点 is most of
    “政务公开工作要点” and little of a long title that also holds both words."""
    if not title_key:
        return 0
    typed = sum(len(t[0].text) for t in parsed.terms if not t[0].pieces[0].identifier)
    return min(round(10 * typed / len(title_key)), 10)


def sort_key(parsed: tokenize.ParsedQuery, doc: StoredDoc, best: float = 0.0):
    title = tokenize.normalize(doc.title)
    key = tokenize.title_key(doc.title)
    own = set(tokenize.identifier_tokens(tokenize.document_identifiers(doc.extra)).split())
    own.update(tokenize.doc_number_tokens(title))
    in_title = [_term_in(t, title, own) for t in parsed.terms]
    single = [t[0] for t in parsed.terms] if len(parsed.terms) == 1 else []
    phrases = [b.phrase for b in parsed.boosts] or single
    phrase_title = sum(_present(p, title, own) for p in phrases)
    body = doc.body.lower()
    phrase_body = sum(_present(p, body, set()) for p in phrases if not p.pieces[0].identifier)
    published = doc.published_at.timestamp() if doc.published_at else 0.0
    return (
        doc.partial,
        key != parsed.key,
        not all(in_title),
        -phrase_title,
        doc.kind in REFERENCE_KINDS,
        -_coverage(parsed, key),
        -sum(in_title),
        -phrase_body,
        _band(doc.score, best),
        -published,
        doc.doc_id,
    )


def rerank(parsed: tokenize.ParsedQuery, docs: list[StoredDoc]) -> list[StoredDoc]:
    best = max((d.score for d in docs), default=0.0)
    return sorted(docs, key=lambda d: sort_key(parsed, d, best))
