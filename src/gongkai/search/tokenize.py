"""The one tokenizer used for indexing and for queries, so both sides always agree.

Text is normalised (NFKC folds full-width to half-width, lower case, traditional to simplified),
then turned into whitespace-separated tokens the search engines index as they are:

- jieba words (government terms from userdict.txt plus organisation and place names added at
  run time), which rank documents where a query is a real word higher;
- overlapping character bigrams of every CJK run, ending with the run's last character, so any
  substring of two or more characters is found by a phrase of its bigrams and a single character
  by a prefix;
- for titles, pinyin tokens (full and initials, starting at each word) so `zwgk` and `zhengwu`
  find 政务公开 by prefix.

Segmentation uses rjieba when installed: its output equals jieba's default cut (checked by the
tests on government text with the same user dictionary) and it is about 19x faster. Whichever is
used, indexing and queries go through the same function.
"""

from __future__ import annotations

import functools
import html
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.core.textnorm import to_simplified, traditional_chars

USERDICT = Path(__file__).with_name("userdict.txt")

_CJK = (
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3007"
    "\U00020000-\U0002a6df\U0002a700-\U0002ebef\U00030000-\U0003134f"
)
# A piece is a run of CJK characters or of ASCII letters and digits; everything else separates.
PIECE_RE = re.compile(rf"[{_CJK}]+|[0-9a-z]+")
CJK_RUN_RE = re.compile(rf"[{_CJK}]+")
ASCII_RE = re.compile(r"^[0-9a-z]+$")
LETTERS_RE = re.compile(r"^[a-z]+$")
FULL_WIDTH_ALNUM_RE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")

MAX_QUERY_TERMS = 8
PINYIN_SPAN = 8  # pinyin tokens cover up to this many characters from each start

_lock = threading.Lock()
_segmenter = None
_runtime_words: set[str] = set()


# --- normalisation ---------------------------------------------------------------------------


def normalize(text: str) -> str:
    """NFKC (full-width to half-width), lower case, traditional to simplified, 二〇二六年 → 2026年."""
    if not text:
        return ""
    text = to_simplified(unicodedata.normalize("NFKC", text).lower())
    return CN_YEAR_RE.sub(lambda m: m.group(0).translate(CN_DIGITS), text)


@functools.lru_cache(maxsize=65536)
def _normalize_char(ch: str) -> str:
    out = normalize(ch)
    return out if len(out) == 1 else ch.lower()


def normalize_with_map(text: str) -> str:
    """Character-by-character normalisation keeping positions, for highlighting the original."""
    lowered = text.lower()
    if (
        len(lowered) == len(text)
        and not FULL_WIDTH_ALNUM_RE.search(text)
        and traditional_chars().isdisjoint(text)
    ):
        return lowered  # the common case; other compatibility forms do not affect matching
    return "".join(_normalize_char(ch) for ch in text)


# --- segmentation ----------------------------------------------------------------------------


class _Segmenter:
    """jieba or rjieba with the user dictionary, loaded once per process on first use."""

    def __init__(self) -> None:
        words = []
        for line in USERDICT.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if parts and not line.startswith("#"):
                words.append((parts[0], int(parts[1]) if len(parts) > 1 else None))
        try:
            import rjieba

            self.engine = rjieba.Jieba()
            self.name = "rjieba"
            self._add = lambda word, freq: self.engine.add_word(word, freq, None)
            self._cut = self.engine.cut
            self._cut_for_search = self.engine.cut_for_search
        except ImportError:  # pragma: no cover - rjieba is a dependency; jieba is the fallback
            import jieba

            jieba.setLogLevel(60)
            self.engine = jieba.Tokenizer()
            self.name = "jieba"
            self._add = lambda word, freq: self.engine.add_word(word, freq)
            self._cut = lambda text: list(self.engine.cut(text))
            self._cut_for_search = lambda text: list(self.engine.cut_for_search(text))
        for word, freq in words:
            self._add(normalize(word), freq)

    def add(self, word: str) -> None:
        self._add(word, None)

    def cut(self, text: str) -> list[str]:
        return self._cut(text)

    def cut_for_search(self, text: str) -> list[str]:
        return self._cut_for_search(text)


def segmenter() -> _Segmenter:
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                seg = _Segmenter()
                for word in _runtime_words:
                    seg.add(word)
                _segmenter = seg
    return _segmenter


def add_words(words) -> int:
    """Add organisation, place and other names to the dictionary at run time; returns how many."""
    added = 0
    for word in words:
        word = normalize(word or "").strip()
        if len(word) < 2 or word in _runtime_words or not CJK_RUN_RE.fullmatch(word):
            continue
        _runtime_words.add(word)
        if _segmenter is not None:
            _segmenter.add(word)
        added += 1
    return added


def words(normalized: str) -> list[str]:
    """jieba words of normalised text, split further into CJK and ASCII pieces."""
    out = []
    for word in segmenter().cut(normalized):
        out.extend(PIECE_RE.findall(word))
    return out


def search_words(normalized: str) -> list[str]:
    """Words with their shorter dictionary words too (户外广告 → 户外, 广告, 户外广告), as the
    index holds them, so a query word matches as a word token at either granularity."""
    out = []
    for word in segmenter().cut_for_search(normalized):
        out.extend(PIECE_RE.findall(word))
    return out


def bigrams(run: str) -> list[str]:
    """Overlapping bigrams of a CJK run, ending with its last character alone."""
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def text_tokens(text: str) -> str:
    """Index tokens for a title or a body: words at cut-for-search granularity, 文号 tokens, then
    the bigrams of each CJK run."""
    norm = normalize(text)
    tokens = search_words(norm)
    tokens.extend(doc_number_tokens(norm))
    for run in CJK_RUN_RE.findall(norm):
        tokens.extend(bigrams(run))
    return " ".join(tokens)


@functools.lru_cache(maxsize=100_000)
def _word_syllables(word: str) -> tuple[tuple[str, str], ...]:
    """(character, pinyin) pairs of a word, read in context; an ASCII word is one unit."""
    from pypinyin import lazy_pinyin

    if not CJK_RUN_RE.fullmatch(word):
        return ((word, word),)
    syllables = lazy_pinyin(word, errors=lambda chars: ["?" for _ in chars])
    if len(syllables) != len(word):
        return ()
    return tuple(zip(word, syllables, strict=True))


def _units(text: str) -> list[tuple[str, str]]:
    return [unit for w in words(normalize(text)) for unit in _word_syllables(w)]


def pinyin_tokens(text: str) -> str:
    """Full pinyin and initials starting at every character, over up to PINYIN_SPAN of them."""
    units = _units(text)
    tokens: list[str] = []
    for i in range(len(units)):
        window = units[i : i + PINYIN_SPAN]
        tokens.append("".join(p for _, p in window))
        tokens.append("".join(p[:1] for _, p in window))
    return " ".join(dict.fromkeys(tokens))


def full_pinyin(text: str) -> str:
    return "".join(p for _, p in _units(text))


# --- identifiers people paste ---------------------------------------------------------------

CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
# A year written in Chinese numerals (二〇二六年, 〔二〇二六〕) reads as its digits; the same
# length, so highlighting positions stay put.
CN_YEAR_RE = re.compile(r"[〇零一二三四五六七八九]{4}(?=\s*年|\s*[〕\])】])")
# 文号: 机关代字〔年份〕序号号, typed with any bracket, with or without 第 (GB/T 9704-2012 7.2.4
# prescribes 〔〕; people paste [], (), （）, 【】). NFKC has already made （） and ［］ half-width.
DOC_NUMBER_RE = re.compile(
    rf"([{_CJK}]{{1,12}})\s*[〔\[(【〖]\s*(\d{{4}})\s*[〕\])】〗]\s*第?\s*0*(\d{{1,6}})\s*号"
)
DOC_NUMBER_PREFIX_MAX = 6
# 索引号 and similar codes: letters/digits in three or more groups, e.g. 330304-005-01-2026-00002.
IDENTIFIER_RE = re.compile(r"^[0-9a-z]+(?:[-/.][0-9a-z]+){2,}$")


def doc_number_token(prefix: str, year: str, serial: str) -> str:
    return f"{prefix}〔{year}〕{int(serial)}号"


def doc_number_tokens(normalized: str) -> list[str]:
    """One token per 文号 in the text and per tail of its 机关代字 (迎政办 → 迎政办, 政办, 办), so
    a 文号 typed without the district's character still matches as one token."""
    tokens = []
    for prefix, year, serial in DOC_NUMBER_RE.findall(normalized):
        prefix = prefix[-DOC_NUMBER_PREFIX_MAX:]
        tokens.extend(doc_number_token(prefix[i:], year, serial) for i in range(len(prefix)))
    return tokens


def identifier_tokens(values) -> str:
    """Tokens for a document's own identifiers (文号, 索引号): the `ident` column or field."""
    tokens: list[str] = []
    for value in values:
        norm = normalize(value or "").strip()
        if not norm:
            continue
        found = doc_number_tokens(norm)
        tokens.extend(found)
        if not found:
            tokens.append(re.sub(r"\s+", "", norm))
    return " ".join(dict.fromkeys(tokens))


def document_identifiers(extra: dict | None) -> list[str]:
    extra = extra or {}
    return [str(extra.get(key) or "") for key in ("document_number", "index_number")]


def title_key(text: str) -> str:
    """A title or query reduced to its letters and characters: equal keys are an exact title."""
    return "".join(PIECE_RE.findall(normalize(text or "")))[:200]


# --- queries ---------------------------------------------------------------------------------
#
# Semantics (the same for every backend; the backends only translate it):
# - The query is normalised like the text, 文号 and 索引号 are taken out as identifier terms, the
#   rest is split on white space into chunks and each chunk segmented with the index's
#   segmenter. Every word is a required term, except function words (STOP_WORDS); consecutive
#   single characters are joined again (停 气 → 停气) so they match as a phrase.
# - A term matches as its word token or as the phrase of its bigrams; a word of four or more
#   characters may also match as all of its shorter dictionary words; synonyms are alternatives.
# - Strict: all terms (AND). Relaxed (when strict finds fewer than RELAX_BELOW): at least
#   `min_should` of them, flagged on the page as 以下结果未包含全部检索词.
# - Ranking (search.ranking, the same for every engine): the engine's bm25 over title (weight
#   10), identifiers (10), pinyin (4) and body (1) picks the candidates; a document whose title
#   equals the query (title_key) comes first, then titles holding every word, the words adjacent
#   and in the typed order (the chunk's Boost phrase) in the title, then in the body, then the
#   bm25 band; ties go to the newer one.

STOP_WORDS = frozenset(
    "的 之 和 与 及 以及 或 对 对于 关于 有关 在 为 是 了 于 并 等 其 及其 就 将 把 被 从 向".split()
)
RELAX_BELOW = 5  # "a handful": fewer strict results than this adds the relaxed ones


@dataclass(frozen=True)
class Piece:
    """One run inside a query term: CJK (matched by its bigram phrase), ASCII letters/digits, or
    an identifier token (文号, 索引号) matched whole, also against the document's own identifiers."""

    text: str
    grams: tuple[str, ...]  # bigram phrase for CJK runs of 2+ characters; () otherwise
    is_cjk: bool
    pinyin: bool  # ASCII letters only: may be pinyin or initials, matched by prefix on titles
    identifier: bool = False


@dataclass(frozen=True)
class Alternative:
    """One way a term can match: all its pieces must match; `word` is the term's own word token
    (a CJK word of 3+ characters), which an alternative also matches by."""

    text: str
    pieces: tuple[Piece, ...]
    word: str = ""


@dataclass
class Boost:
    """The chunk as typed: search.ranking ranks documents where its words stand together in
    that order higher. It implies the terms `implies` (indices into ParsedQuery.terms)."""

    phrase: Alternative
    implies: tuple[int, ...]


@dataclass
class ParsedQuery:
    """Terms are ANDed (or at least `min_should` of them when relaxed); a term's alternatives
    (itself, its sub-words and its synonyms) are ORed."""

    text: str
    terms: list[list[Alternative]] = field(default_factory=list)
    boosts: list[Boost] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # function words, not required
    key: str = ""  # title_key of the query: a title with the same key is an exact match
    identifiers: list[str] = field(default_factory=list)  # identifier tokens typed

    @property
    def highlight_terms(self) -> list[str]:
        seen: dict[str, None] = {}
        for term in self.terms:
            for alt in term:
                for piece in alt.pieces:
                    if not piece.pinyin and not piece.identifier:
                        seen[piece.text] = None
        return list(seen)

    @property
    def pinyin_terms(self) -> list[str]:
        return [p.text for t in self.terms for a in t for p in a.pieces if p.pinyin]

    @property
    def min_should(self) -> int:
        """Most of the terms: all but one in four (2→1, 3→2, 4→3, 5→4, 8→6)."""
        n = len(self.terms)
        return max(n - max(1, n // 4), 1)

    @property
    def only_identifiers(self) -> bool:
        """The query is nothing but pasted identifiers (a 索引号, a 文号)."""
        return bool(self.terms) and all(a.pieces[0].identifier for t in self.terms for a in t)

    @property
    def can_relax(self) -> bool:
        return len(self.terms) > 1

    def __bool__(self) -> bool:
        return bool(self.terms)


def _piece(text: str) -> Piece:
    if CJK_RUN_RE.fullmatch(text):
        return Piece(text, tuple(text[i : i + 2] for i in range(len(text) - 1)), True, False)
    return Piece(text, (), False, bool(LETTERS_RE.match(text)))


def _alternative(text: str) -> Alternative | None:
    pieces = tuple(_piece(p) for p in PIECE_RE.findall(text))
    if not pieces:
        return None
    word = text if len(text) >= 3 and words(text) == [text] and CJK_RUN_RE.fullmatch(text) else ""
    return Alternative(text, pieces, word)


def _sub_words(word: str) -> Alternative | None:
    """A long word as all of its shorter dictionary words (城市桥梁 → 城市 + 桥梁), so a document
    that writes them apart still matches; None when they do not cover the word."""
    if len(word) < 4 or not CJK_RUN_RE.fullmatch(word):
        return None
    subs = [w for w in segmenter().cut_for_search(word) if 2 <= len(w) < len(word)]
    covered = set()
    for sub in subs:
        start = word.find(sub)
        covered.update(range(start, start + len(sub)))
    if len(covered) < len(word) or not subs:
        return None
    outer = [s for s in subs if not any(s != o and s in o for o in subs)]
    return Alternative(word, tuple(_piece(s) for s in dict.fromkeys(outer)))


def query_words(chunk: str) -> tuple[list[str], list[str]]:
    """(required words, dropped function words) of one chunk, segmented like the index."""
    kept: list[str] = []
    dropped: list[str] = []
    singles = ""
    for word in words(chunk):
        if word in STOP_WORDS:
            dropped.append(word)
            if singles:
                kept.append(singles)
                singles = ""
            continue
        if len(word) == 1 and CJK_RUN_RE.fullmatch(word):
            singles += word
            continue
        if singles:
            kept.append(singles)
            singles = ""
        kept.append(word)
    if singles:
        kept.append(singles)
    if not kept:  # a query of function words only: they are all there is to look for
        return dropped, []
    return kept, dropped


def _identifier_term(tokens: list[str]) -> list[Alternative]:
    return [Alternative(t, (Piece(t, (), False, False, True),)) for t in tokens]


def _take_identifiers(norm: str) -> tuple[list[list[Alternative]], list[str], str]:
    """文号 (any bracket form) and 索引号-like codes out of the query, as identifier terms."""
    terms, tokens = [], []

    def doc_number(match: re.Match) -> str:
        prefix, year, serial = match.groups()
        prefix = prefix[-DOC_NUMBER_PREFIX_MAX:]
        # The typed 机关代字 and its tails of two or more characters: 政 stays 政, 迎政办 may be
        # written 政办 in another document's text.
        tails = [prefix[i:] for i in range(max(len(prefix) - 1, 1))] or [prefix]
        alts = [doc_number_token(t, year, serial) for t in tails]
        terms.append(_identifier_term(alts))
        tokens.extend(alts)
        return " "

    rest = DOC_NUMBER_RE.sub(doc_number, norm)
    chunks = []
    for chunk in rest.split():
        if IDENTIFIER_RE.match(chunk):
            terms.append(_identifier_term([chunk]))
            tokens.append(chunk)
        else:
            chunks.append(chunk)
    return terms, tokens, " ".join(chunks)


def parse_query(text: str, synonyms: dict[str, list[str]] | None = None) -> ParsedQuery:
    """The query as required terms, each with its alternatives, and the phrases that boost."""
    norm = normalize(text or "")[:200]
    synonyms = synonyms or {}
    parsed = ParsedQuery(norm, key=title_key(norm))
    id_terms, parsed.identifiers, rest = _take_identifiers(norm)
    parsed.terms.extend(id_terms)
    chunks = list(dict.fromkeys(rest.split()))
    if len(chunks) > 1 and rest.strip() in synonyms:
        chunks = [rest.strip()]

    def term_for(word: str) -> list[Alternative]:
        alts: list[Alternative] = []
        for candidate in [word, *synonyms.get(word, [])]:
            alt = _alternative(normalize(candidate))
            if alt is not None and alt not in alts:
                alts.append(alt)
        sub = _sub_words(word)
        if sub is not None and sub not in alts:
            alts.append(sub)
        return alts

    for chunk in chunks:
        if len(parsed.terms) >= MAX_QUERY_TERMS:
            break
        if chunk in synonyms:  # a phrase the admins gave synonyms for stays one term
            found, dropped = [chunk], []
        else:
            found, dropped = query_words(chunk)
        parsed.dropped.extend(dropped)
        first = len(parsed.terms)
        for word in found[: MAX_QUERY_TERMS - first]:
            alts = term_for(word)
            if alts:
                parsed.terms.append(alts)
        implied = tuple(range(first, len(parsed.terms)))
        if len(implied) > 1 and CJK_RUN_RE.fullmatch(chunk):
            phrase = _alternative(chunk)
            if phrase is not None:
                parsed.boosts.append(Boost(Alternative(chunk, phrase.pieces), implied))
    return parsed


# --- highlighting ----------------------------------------------------------------------------


def _spans(norm: str, terms: list[str]) -> list[tuple[int, int]]:
    spans = []
    for term in terms:
        start = norm.find(term)
        while start != -1:
            spans.append((start, start + len(term)))
            start = norm.find(term, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _marked(text: str, spans: list[tuple[int, int]], offset: int = 0) -> str:
    out, pos = [], 0
    for start, end in spans:
        start, end = max(start - offset, 0), min(end - offset, len(text))
        if end <= pos or start >= len(text):
            continue
        out.append(html.escape(text[pos:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def highlight(text: str, terms: list[str]) -> str:
    """The whole text HTML-escaped, with the query terms wrapped in <mark>."""
    text = text or ""
    return _marked(text, _spans(normalize_with_map(text), terms))


def snippet(text: str, terms: list[str], length: int = 120) -> str:
    """About `length` characters around the first match, HTML-escaped, terms in <mark>."""
    text = re.sub(r"\s+", " ", text or "").strip()
    spans = _spans(normalize_with_map(text), terms)
    start = max(spans[0][0] - length // 4, 0) if spans else 0
    end = min(start + length, len(text))
    start = max(min(start, end - length), 0)
    window = [(s, e) for s, e in spans if e > start and s < end]
    body = _marked(text[start:end], window, offset=start)
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")


def pinyin_title_terms(title: str, prefixes: list[str]) -> list[str]:
    """Title substrings whose pinyin or initials start with one of the typed prefixes."""
    if not prefixes:
        return []
    found = []
    units = _units(title)
    for i in range(len(units)):
        full, initials = "", ""
        for j in range(i, min(i + PINYIN_SPAN, len(units))):
            full += units[j][1]
            initials += units[j][1][:1]
            if any(full.startswith(p) or initials.startswith(p) for p in prefixes):
                found.append("".join(c for c, _ in units[i : j + 1]))
                break
    return found
