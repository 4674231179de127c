"""Old addresses as the portal will be asked for them.

A saved crawl names pages by absolute URL (WARC), by path inside the zip, or by file path in a
folder (`www.example.gov.cn/art/2017/10/25/art_1229_1.html`). All of them become one key, the
path and query of the old URL without host or fragment, so `/art/2017/10/25/art_1229_1.html`
answers whichever way the page was saved, and an `index.html` matches its folder's address."""

from __future__ import annotations

from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

INDEX_NAMES = ("index.html", "index.htm", "index.shtml", "default.html", "default.htm")


def old_path(url: str) -> str:
    """The redirect key of an old URL: `/path?query`, percent-decoded, no host, no fragment;
    a folder's index page is the folder."""
    parts = urlsplit(url.strip())
    path = unquote(parts.path or "/")
    if not path.startswith("/"):
        path = "/" + path
    for name in INDEX_NAMES:
        if path.endswith("/" + name):
            path = path[: -len(name)]
            break
    query = unquote(parts.query)
    return f"{path}?{query}" if query else path


def resolve(base_url: str, href: str) -> str | None:
    """An href of a page as an absolute URL on the same host, or None when it leads
    elsewhere (another host, mailto:, javascript:, a bare fragment)."""
    href = (href or "").strip()
    if not href or href.startswith(("#", "mailto:", "javascript:", "tel:", "data:")):
        return None
    absolute = urljoin(base_url, href)
    base, target = urlsplit(base_url), urlsplit(absolute)
    if target.scheme not in ("http", "https", "") or (
        base.netloc and target.netloc and target.netloc.lower() != base.netloc.lower()
    ):
        return None
    return urlunsplit(target._replace(fragment=""))
