"""Links inside an imported body, in two steps.

On import every link to the old site (page, attachment or image) is written as its old path
(`/art/2017/10/25/art_1229_1.html`, `/uploads/a.pdf`): the portal answers an old path with a
301 to whatever it became (middleware), so the link works whether or not its target is
published yet. On publication (publishing.publish_page) links whose target is known by then
are written as their new address: an already published page's record URL, the page's own
files and images as `/records/attachments/<pk>/` (records' attachment_address, which leads to
the public file). Links to other sites are left as they are."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import quote, urlsplit

from lxml import html as lxml_html

from .paths import old_path, resolve
from .sources import FILE_EXTENSIONS, PAGE_EXTENSIONS

_ATTACHMENT_LABEL = re.compile(r"附件\s*[0-9０-９一二三四五六七八九十]*\s*[:：]?")
#: characters left as they are when an old path is written back into an href
_SAFE = "/?&=:;,+@~!$'()*[]"


@dataclass
class FoundFile:
    url: str  # absolute old URL (or path, when the crawl kept no host)
    text: str = ""
    is_image: bool = False
    alt: str = ""

    @property
    def key(self) -> str:
        return old_path(self.url)


def href_of(key: str) -> str:
    """An old path as an href."""
    return quote(key, safe=_SAFE)


def is_file_url(url: str) -> bool:
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
    return bool(suffix) and suffix not in PAGE_EXTENSIONS and suffix in FILE_EXTENSIONS


def internal_url(base_url: str, href: str, hosts: tuple[str, ...] = ()) -> str | None:
    """`href` as an absolute old URL when it leads to the old site itself, else None. When the
    crawl kept no host (base is a bare path), an absolute link counts as internal only if its
    host is one of the crawl's own."""
    target = resolve(base_url, href)
    if target is None:
        return None
    netloc = urlsplit(target).netloc.lower()
    if netloc and not urlsplit(base_url).netloc and netloc not in hosts:
        return None
    return target


def _parse(body: str):
    return lxml_html.fragment_fromstring(body or "", create_parent="div")


def _serialise(root) -> str:
    out = lxml_html.tostring(root, encoding="unicode", method="html")
    return out[len("<div>") : -len("</div>")] if out.startswith("<div>") else out


def rewrite_for_import(
    body: str, base_url: str, *, hosts: tuple[str, ...] = (), file_urls: set[str] = frozenset()
) -> tuple[str, list[FoundFile]]:
    """The body with internal links as old paths, and the files and images it links to.
    `file_urls`: old URLs the extractor already knows are attachments."""
    if not (body or "").strip():
        return body, []
    root = _parse(body)
    files: dict[str, FoundFile] = {}
    for element in root.iter("a", "img"):
        attribute = "src" if element.tag == "img" else "href"
        target = internal_url(base_url, element.get(attribute) or "", hosts)
        if target is None:
            continue
        key = old_path(target)
        element.set(attribute, href_of(key))
        is_image = element.tag == "img"
        if is_image or target in file_urls or is_file_url(target):
            text = "" if is_image else (element.text_content() or "").strip()
            alt = (element.get("alt") or "").strip() if is_image else ""
            files.setdefault(key, FoundFile(target, text, is_image, alt))
    return _serialise(root), list(files.values())


def rewrite_for_publish(body: str, *, pages: dict[str, str], files: dict[str, str]) -> str:
    """The body with links to old paths in `pages` (old path → record URL) and `files` (old
    path → attachment address) replaced; other links unchanged."""
    if not (body or "").strip() or not (pages or files):
        return body
    root = _parse(body)
    changed = False
    for element in root.iter("a", "img"):
        attribute = "src" if element.tag == "img" else "href"
        value = element.get(attribute) or ""
        if not value.startswith("/") or value.startswith("//"):
            continue
        key = old_path(value)
        new = files.get(key) if element.tag == "img" else (pages.get(key) or files.get(key))
        if new:
            element.set(attribute, new)
            changed = True
    return _serialise(root) if changed else body


def old_paths_in(body: str) -> set[str]:
    """The old paths a body links to (as rewrite_for_import left them)."""
    if not (body or "").strip():
        return set()
    keys = set()
    for element in _parse(body).iter("a", "img"):
        value = element.get("src" if element.tag == "img" else "href") or ""
        if value.startswith("/") and not value.startswith("//"):
            keys.add(old_path(value))
    return keys


def text_without_files(body: str, keys: set[str]) -> str:
    """The body's text without the links to its files, its images and the word 附件 (with its
    number and colon): one template lists the attachments inside the text, another beneath
    it (outside the extracted body), so the fingerprint counts their names once, apart
    (importer). The word goes everywhere, which changes nothing between two copies."""
    if not (body or "").strip():
        return ""
    root = _parse(body)
    for element in list(root.iter("a", "img")):
        value = element.get("src" if element.tag == "img" else "href") or ""
        if element.tag == "img" or (value.startswith("/") and old_path(value) in keys):
            element.drop_tree()  # keeps the tail text
    return _ATTACHMENT_LABEL.sub("", root.text_content())


def comparable_text(body: str) -> str:
    """The body's own words, for confirming a duplicate: without images, without the text
    of links to the old site (attachments and related pages, which templates place inside
    or beside the text) and without the word 附件."""
    if not (body or "").strip():
        return ""
    root = _parse(body)
    for element in list(root.iter("a", "img")):
        value = element.get("src" if element.tag == "img" else "href") or ""
        if element.tag == "img" or (value.startswith("/") and not value.startswith("//")):
            element.drop_tree()
    return _ATTACHMENT_LABEL.sub("", root.text_content())
