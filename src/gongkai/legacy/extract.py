"""What a saved page of an old government site says, read in a fixed order of evidence:
the government-site meta tags (SiteName, SiteIDCode, ColumnName, ArticleTitle, PubDate,
ContentSource, Keywords), then the 信息公开 metadata table (索引号, 发布机构, 文号, 成文日期,
主题分类 …), then the usual text lines (发布时间：2017-10-25 来源：… 字号：[大中小]), then a
maintained main-content extractor for the body (trafilatura, with a text-density fallback for
Chinese pages). The first source that gives a field wins; `ExtractedPage.evidence` says which.

SKELETON: the minimal reading below (meta tags, <title>, trafilatura) is the contract the
importer builds on; the legacy-extract work replaces it with the full order of evidence."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date


class ExtractionError(ValueError):
    """The page cannot be imported; the message says why, in Chinese."""


@dataclass
class LinkedFile:
    """An attachment or image the body links to, by its href as written in the page."""

    href: str
    text: str = ""
    is_image: bool = False
    alt: str = ""


@dataclass
class ExtractedPage:
    title: str = ""
    published_on: date | None = None
    source_name: str = ""  # 来源 / ContentSource
    column_name: str = ""  # 栏目 / ColumnName
    site_name: str = ""
    site_code: str = ""  # SiteIDCode
    organisation_name: str = ""  # 发布机构
    index_number: str = ""  # 索引号
    document_number: str = ""  # 文号
    written_on: date | None = None  # 成文日期
    subject: str = ""  # 主题分类, as the old page names it
    keywords: str = ""
    #: the body as an HTML fragment (not yet sanitised or normalised): no navigation, scripts,
    #: share bars, 【上一篇】【下一篇】【打印本页】【关闭窗口】 rows or hidden links
    body_html: str = ""
    files: list[LinkedFile] = field(default_factory=list)
    #: a column or list page (many links, little text of its own), not a document
    is_listing: bool = False
    #: field name → "meta" | "table" | "line" | "extractor" | "title-tag"
    evidence: dict[str, str] = field(default_factory=dict)

    @property
    def metadata(self) -> dict:
        """The fields kept on LegacyPage.metadata (JSON-safe)."""
        return {
            "site_name": self.site_name,
            "site_code": self.site_code,
            "organisation_name": self.organisation_name,
            "index_number": self.index_number,
            "document_number": self.document_number,
            "written_on": self.written_on.isoformat() if self.written_on else "",
            "subject": self.subject,
            "keywords": self.keywords,
            "evidence": self.evidence,
        }


_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_-]+)""", re.I)
#: declared encodings that are subsets of GB18030; decoding them as declared garbles real pages
GB_FAMILY = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}


def decode_html(data: bytes, declared: str | None = None) -> str:
    """The page's text: the declared charset (HTTP header, then <meta>), GB2312 and GBK read as
    GB18030, UTF-8 otherwise."""
    charset = (declared or "").strip().lower()
    if not charset:
        match = _CHARSET.search(data[:4096])
        charset = match.group(1).decode("ascii").lower() if match else "utf-8"
    if charset in GB_FAMILY:
        charset = "gb18030"
    try:
        return data.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return data.decode("utf-8", errors="replace")


def extract_page(html: str, url: str) -> ExtractedPage:
    """Read one page; raise ExtractionError when it has no title or no body."""
    import trafilatura
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(html)
    except (ValueError, TypeError) as exc:
        raise ExtractionError("页面无法解析（不是有效的 HTML）。") from exc
    page = ExtractedPage()
    metas = {
        (m.get("name") or "").strip(): (m.get("content") or "").strip()
        for m in tree.iter("meta")
        if m.get("name")
    }
    page.title = metas.get("ArticleTitle", "")
    page.evidence["title"] = "meta"
    if not page.title:
        page.title = (tree.findtext(".//title") or "").strip()
        page.evidence["title"] = "title-tag"
    page.column_name = metas.get("ColumnName", "")
    page.source_name = metas.get("ContentSource", "")
    page.site_name = metas.get("SiteName", "")
    page.site_code = metas.get("SiteIDCode", "")
    page.keywords = metas.get("Keywords", "")
    pub = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", metas.get("PubDate", ""))
    if pub:
        page.published_on = date(*map(int, pub.groups()))
    page.body_html = trafilatura.extract(html, output_format="html", url=url) or ""
    if not page.title:
        raise ExtractionError("页面没有标题。")
    if not page.body_html.strip():
        raise ExtractionError("页面没有正文。")
    return page
