"""The one HTML sanitiser: everything users or imports write as HTML passes through here."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass

import nh3

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "ul", "ol", "li", "blockquote", "a", "img", "table", "caption", "thead", "tbody", "tfoot",
    "tr", "th", "td", "hr", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto", "data"}
_UNSAFE = re.compile(r"<\s*(script|style|iframe|object|embed)|\son\w+\s*=|javascript:", re.I)


@dataclass
class CleanHtml:
    html: str
    removed: bool  # something unsafe was removed


def _filter_attribute(tag: str, attr: str, value: str) -> str | None:
    # data: URIs only as inline images (mammoth embeds Word images that way), never as links.
    if attr == "href" and value.strip().lower().startswith("data:"):
        return None
    if attr == "src" and tag == "img":
        lowered = value.strip().lower()
        if lowered.startswith("data:") and not re.match(r"data:image/(png|jpeg|gif);", lowered):
            return None
    return value


def _looks_unsafe(html: str) -> bool:
    return bool(_UNSAFE.search(html))


def sanitize_html(html: str) -> CleanHtml:
    """Keep the allow-listed structure of a document; drop scripts, styles, event handlers,
    javascript: links and everything else. `removed` tells the editor something was dropped."""
    html = html or ""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=_filter_attribute,
        strip_comments=True,
    )
    return CleanHtml(cleaned, removed=_looks_unsafe(html) and not _looks_unsafe(cleaned))


def clean_html(html: str) -> str:
    return sanitize_html(html).html


def html_to_text(html: str) -> str:
    """Plain text of sanitised HTML: for feeds, search and channel versions."""
    text = nh3.clean(re.sub(r"</(p|h\d|li|tr)>|<br\s*/?>", "\n", html or ""), tags=set())
    text = re.sub(r"&nbsp;", " ", text)
    return re.sub(r"\n{3,}", "\n\n", html_lib.unescape(text)).strip()
