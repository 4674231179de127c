"""The links of a published record's body: every address a reader's browser would follow or
load (links, images, frames, media, embedded objects), made absolute against the record's
page and split into internal (this deployment's own host names, or relative) and external."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

#: (tag, attribute) pairs that hold an address. The sanitiser keeps only a[href] and img[src]
#: today, but bodies imported from old sites may hold the rest, and 暗链 hide there too.
LINK_ATTRIBUTES = {
    ("a", "href"),
    ("area", "href"),
    ("img", "src"),
    ("iframe", "src"),
    ("frame", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("source", "src"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("track", "src"),
    ("script", "src"),
    ("link", "href"),
    ("form", "action"),
}
CHECKED_SCHEMES = {"http", "https"}


@dataclass(frozen=True)
class Link:
    url: str  # absolute, without the #fragment
    tag: str
    internal: bool


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (tag, name) in LINK_ATTRIBUTES:
                self.found.append((tag, value))
            elif value and name == "srcset" and tag in {"img", "source"}:
                for candidate in value.split(","):
                    if candidate.strip():
                        self.found.append((tag, candidate.strip().split()[0]))

    handle_startendtag = handle_starttag


def absolute(href: str, base_url: str) -> str | None:
    """The address a browser would request, or None for what is not checked (mailto:, tel:,
    javascript:, data:, in-page #anchors, unparsable addresses). Normalised as a browser sends
    it: lower-case host (IDN as punycode), non-ASCII path and query percent-encoded, no
    user:password@, no #fragment — so one page is one address, in the cache and in findings."""
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    try:
        parts = urlsplit(urljoin(base_url, href))
        port = parts.port  # raises ValueError for a port out of range
        host = parts.hostname or ""
        if not host.isascii():
            host = host.encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        return None
    if parts.scheme.lower() not in CHECKED_SCHEMES or not host:
        return None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    query = quote(parts.query, safe="/?%:@!$&'()*+,;=-._~")
    return urlunsplit((parts.scheme.lower(), netloc, path, query, ""))


def is_internal(url: str, base_url: str, internal_hosts=()) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    base_host = (urlsplit(base_url).hostname or "").lower()
    return host == base_host or host in {h.lower() for h in internal_hosts}


def extract_links(html: str, base_url: str, internal_hosts=()) -> list[Link]:
    """The distinct http(s) links of `html`, in document order. `internal_hosts` adds host
    names that count as ours besides the base URL's (the other sites of the deployment)."""
    collector = _Collector()
    collector.feed(html or "")
    collector.close()
    seen: set[str] = set()
    links: list[Link] = []
    for tag, href in collector.found:
        url = absolute(href, base_url)
        if url is None or url in seen:
            continue
        seen.add(url)
        links.append(Link(url, tag, is_internal(url, base_url, internal_hosts)))
    return links
