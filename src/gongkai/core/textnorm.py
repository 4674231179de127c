"""Text as it arrives from old sites and from copying on the web, made clean.

SKELETON: identity functions with the contract's signatures; the textnorm work fills them in
(ruby-style pinyin stripped, traditional → simplified, punctuation and digits as official
documents use them, zero-width and control characters removed, broken lines rejoined)."""

from __future__ import annotations


def normalize(text: str, *, simplify: bool = True, strip_pinyin: bool = True) -> str:
    """Clean plain text; idempotent."""
    return text


def normalize_html(html: str, *, simplify: bool = True, strip_pinyin: bool = True) -> str:
    """Clean the text nodes of an HTML fragment, leaving its tags and attributes alone."""
    return html
