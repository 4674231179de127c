"""The one HTML sanitiser: everything users or imports write as HTML passes through here.

The editor's textarea (with or without JavaScript), pasted Word content, .docx imports and the
API all arrive here, so the rules that make stored HTML plain, structured and accessible live
in this one place: Chromium's `<div>` lines and `<br><br>` breaks become paragraphs, Word's
list paragraphs become lists, and every style, class, font and Office tag is dropped."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass

import nh3
from lxml import html as lxml_html

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "ul", "ol", "li", "blockquote", "a", "img", "table", "caption", "thead", "tbody", "tfoot",
    "tr", "th", "td", "hr",
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

#: the first pass keeps what the structural rules below need to see, and nothing unsafe:
#: `div` (Chromium's Enter), `h1`/`h5`/`h6` (mapped onto the body's h2–h4), and Word's
#: paragraph class and style (which say "this paragraph is a list item, at this level").
_FIRST_PASS_TAGS = ALLOWED_TAGS | {"div", "h1", "h5", "h6"}
_FIRST_PASS_ATTRIBUTES = {**ALLOWED_ATTRIBUTES, "p": {"class", "style"}}
#: elements dropped with their content: code, Office XML islands, Word's empty `<o:p>`
_DROP_WITH_CONTENT = {"script", "style", "xml", "title", "o:p", "template", "noscript"}
#: the record's title is the page's h1, so the body's headings start at h2: a document
#: that uses h1 (Word's 标题 1, mammoth's Heading 1) moves every level down by one.
_HEADINGS = {"h1": "h2", "h2": "h3", "h3": "h4", "h4": "h4", "h5": "h4", "h6": "h4"}
_BLOCKS = {
    "p", "div", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "table", "caption",
    "thead", "tbody", "tfoot", "tr", "th", "td", "hr",
}  # fmt: skip
_SPACE = " \t\r\n\u00a0\u3000"
#: Word writes a list item's number or bullet as text before the item (in a
#: `<![if !supportLists]>` block): bullets from Symbol/Wingdings fonts, or numbers.
_BULLET = re.compile(r"^[\s\u00a0]*[·•▪■□◆◇●○◦§Øü\-–—vo][\s\u00a0]+")
_NUMBER = re.compile(
    r"^[\s\u00a0]*(?:(?:\d{1,3}|[a-zA-Z]|[ivxlcIVXLC]{1,6})[.、)）]|[（(](?:\d{1,3}|[一二三四五六七八九十]{1,3})[)）]"
    r"|[一二三四五六七八九十]{1,3}[、.]|[①-⑳])[\s\u00a0]*"
)
_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|&nbsp;|\u3000)*</p>")
_WORD_LIST_STYLE = re.compile(r"mso-list:\s*(?!none|ignore)l\d+", re.I)
_WORD_LEVEL = re.compile(r"level(\d+)", re.I)
#: characters XML does not allow (form feeds from Word, stray control bytes): lxml refuses a
#: text node holding one, so they are removed before any parsing
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


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


def _nh3(html: str, tags, attributes) -> str:
    return nh3.clean(
        html,
        tags=tags,
        clean_content_tags=_DROP_WITH_CONTENT,
        attributes=attributes,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=_filter_attribute,
        strip_comments=True,
    )


def sanitize_html(html: str) -> CleanHtml:
    """Keep the allow-listed structure of a document; drop scripts, styles, event handlers,
    javascript: links and everything else. `removed` tells the editor something was dropped.

    Two allow-list passes around a structural one: the first (html5 parsing, so any input
    comes out well-formed) still keeps `div` and Word's list markup, `_restructure` turns
    them into paragraphs and lists, and the second pass applies the final allow-list, so
    nothing the restructuring does can let anything else through."""
    html = _NOT_XML.sub("", html or "")
    first = _nh3(html, _FIRST_PASS_TAGS, _FIRST_PASS_ATTRIBUTES)
    cleaned = _nh3(_restructure(first), ALLOWED_TAGS, ALLOWED_ATTRIBUTES) if first else ""
    cleaned = _EMPTY_PARAGRAPH.sub("", cleaned)
    return CleanHtml(cleaned, removed=_looks_unsafe(html) and not _looks_unsafe(cleaned))


def clean_html(html: str) -> str:
    return sanitize_html(html).html


def html_to_text(html: str) -> str:
    """Plain text of sanitised HTML: for feeds, search and channel versions."""
    text = nh3.clean(re.sub(r"</(p|h\d|li|tr)>|<br\s*/?>", "\n", html or ""), tags=set())
    text = re.sub(r"&nbsp;", " ", text)
    return re.sub(r"\n{3,}", "\n\n", html_lib.unescape(text)).strip()


# --------------------------------------------------------------------------- structure


def _restructure(html: str) -> str:
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    headings = list(root.iter(*_HEADINGS))
    shift = any(h.tag == "h1" for h in headings)
    for element in headings:
        if shift or element.tag in ("h5", "h6"):
            element.tag = _HEADINGS[element.tag]
    _word_lists(root)
    for image in list(root.iter("img")):
        # Word's pasted pictures point at the writer's disk (file:), which the allow-list
        # strips: an image without an address shows nothing to anyone.
        if not (image.get("src") or "").strip():
            _remove(image)
    for element in reversed(list(root.iter())):
        # an inline element around blocks (<b><h2>…</h2></b>) cannot be kept as it is
        if element is not root and element.tag not in _BLOCKS and element.tag != "div":
            if any(child.tag in _BLOCKS for child in element):
                element.drop_tag()
    for div in reversed(list(root.iter("div"))):
        if div is root:
            continue
        if any(child.tag in _BLOCKS for child in div):
            div.drop_tag()
        else:
            div.tag = "p"
    for paragraph in reversed(list(root.iter("p"))):
        # a paragraph directly inside a heading or another paragraph is only its text
        if paragraph.getparent().tag in ("p", "h2", "h3", "h4", "caption"):
            paragraph.drop_tag()
    _wrap_inline_runs(root)
    for quote in root.iter("blockquote"):
        _wrap_inline_runs(quote)
    for paragraph in list(root.iter("p")):
        _split_double_breaks(paragraph)
    for paragraph in list(root.iter("p")):
        _trim_breaks(paragraph)
        if _is_empty(paragraph):
            _remove(paragraph)
    for cell in root.iter("td", "th", "li"):
        # Word and mammoth put every cell's text in a paragraph of its own.
        if len(cell) == 1 and cell[0].tag == "p" and _blank(cell.text) and _blank(cell[0].tail):
            cell[0].drop_tag()
    for element in root.iter():
        for attribute in ("class", "style"):
            element.attrib.pop(attribute, None)
    return html_lib.escape(root.text or "", quote=False) + "".join(
        lxml_html.tostring(child, encoding="unicode") for child in root
    )


def _blank(text: str | None) -> bool:
    return not (text or "").strip(_SPACE)


def _items(parent) -> list:
    """A parent's content as a list of strings and elements (tails split off)."""
    items: list = []
    if parent.text:
        items.append(parent.text)
    for child in parent:
        items.append(child)
        if child.tail:
            items.append(child.tail)
    return items


def _append(parent, item) -> None:
    if isinstance(item, str):
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + item
        else:
            parent.text = (parent.text or "") + item
    else:
        item.tail = None
        parent.append(item)


def _refill(parent, groups) -> None:
    """Replace the parent's content with `groups`: elements, strings, or lists of items to
    wrap in a new paragraph each."""
    for child in list(parent):
        parent.remove(child)
    parent.text = None
    for group in groups:
        if isinstance(group, list):
            paragraph = lxml_html.Element("p")
            for item in group:
                _append(paragraph, item)
            _append(parent, paragraph)
        else:
            _append(parent, group)


def _wrap_inline_runs(parent) -> None:
    """Text and inline elements directly in the body (Chromium types the first line bare)
    go into paragraphs; block elements stay as they are."""
    groups: list = []
    run: list = []
    for item in _items(parent):
        if isinstance(item, str) or item.tag not in _BLOCKS:
            run.append(item)
            continue
        if run:
            groups.append(
                run if any(not _blank(i) if isinstance(i, str) else True for i in run) else ""
            )
            run = []
        groups.append(item)
    if run and any(not _blank(i) if isinstance(i, str) else True for i in run):
        groups.append(run)
    if any(isinstance(g, list) for g in groups):
        _refill(parent, [g for g in groups if g != ""])


def _split_double_breaks(paragraph) -> None:
    """Two or more line breaks in a row end a paragraph: that is what the writer meant."""
    items = _items(paragraph)
    segments: list[list] = [[]]
    index = 0
    while index < len(items):
        item = items[index]
        if not isinstance(item, str) and item.tag == "br":
            end, breaks = index, 0
            while end < len(items) and (
                (isinstance(items[end], str) and _blank(items[end]))
                or (not isinstance(items[end], str) and items[end].tag == "br")
            ):
                breaks += 0 if isinstance(items[end], str) else 1
                end += 1
            if breaks >= 2:
                segments.append([])
                index = end
                continue
        segments[-1].append(item)
        index += 1
    if len(segments) == 1:
        return
    parent = paragraph.getparent()
    position = parent.index(paragraph)
    tail = paragraph.tail
    parent.remove(paragraph)
    for offset, segment in enumerate(segments):
        new = lxml_html.Element("p")
        for item in segment:
            _append(new, item)
        parent.insert(position + offset, new)
    new.tail = tail


def _trim_breaks(paragraph) -> None:
    while len(paragraph) and paragraph[-1].tag == "br" and _blank(paragraph[-1].tail):
        _remove(paragraph[-1])
    while len(paragraph) and paragraph[0].tag == "br" and _blank(paragraph.text):
        _remove(paragraph[0])


def _is_empty(element) -> bool:
    if not _blank(element.text_content()):
        return False
    return not any(e.tag in ("img", "hr", "table") for e in element.iter())


def _remove(element) -> None:
    """Remove an element, keeping its tail text in place."""
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


# --------------------------------------------------------------------------- Word lists


def _word_list_item(element) -> tuple[int, bool] | None:
    """(level, ordered) when `element` is one of Word's list paragraphs, else None."""
    if element.tag != "p":
        return None
    style, css_class = element.get("style") or "", element.get("class") or ""
    if not (_WORD_LIST_STYLE.search(style) or css_class.lower().startswith("msolistparagraph")):
        return None
    level = _WORD_LEVEL.search(style)
    text = element.text or ""
    ordered = bool(_NUMBER.match(text)) and not _BULLET.match(text)
    return (int(level.group(1)) if level else 1), ordered


def _word_lists(root) -> None:
    """Runs of Word list paragraphs become (nested) `ul`/`ol` lists; the typed-out bullet
    or number that Word puts before each item is removed with the paragraph's styling."""
    for parent in [root, *root.iter("td", "th", "blockquote", "div")]:
        stack: list = []  # (level, list element)
        for child in list(parent):
            item = _word_list_item(child)
            if item is None:
                stack = []
                continue
            level, ordered = item
            text = child.text or ""
            child.text = (_NUMBER if ordered else _BULLET).sub("", text, count=1)
            while stack and stack[-1][0] > level:
                stack.pop()
            if not stack or stack[-1][0] < level:
                new_list = lxml_html.Element("ol" if ordered else "ul")
                if stack and len(stack[-1][1]):
                    stack[-1][1][-1].append(new_list)
                else:
                    child.addprevious(new_list)
                stack.append((level, new_list))
            li = lxml_html.Element("li")
            li.text = child.text
            for grandchild in list(child):
                li.append(grandchild)
            tail = child.tail
            parent.remove(child)
            stack[-1][1].append(li)
            if not _blank(tail):
                stack = []
                anchor = li.getparent()
                while anchor.getparent() is not parent:
                    anchor = anchor.getparent()
                anchor.tail = (anchor.tail or "") + tail
