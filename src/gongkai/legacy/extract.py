"""What a saved page of an old government site says, read in a fixed order of evidence:
the government-site meta tags (SiteName, SiteIDCode, ColumnName, ArticleTitle, PubDate,
ContentSource, Keywords), then the 信息公开 metadata table (索引号, 发布机构, 文号, 成文日期,
主题分类 …), then the usual text lines (发布时间：2017-10-25 来源：… 字号：[大中小]), then the
page's address (a date in /art/2017/10/25/ or t20170920_), and for the body a maintained
main-content extractor (trafilatura) on the content the CMS marks (大汉版通's ContentStart,
TRS_Editor, #zoom) or that text density finds (density.py). The first source that gives a field
wins; `ExtractedPage.evidence` says which.

Before anything is read the page loses what a reader never sees or never wants in a document:
scripts and styles, navigation, header and footer, share bars, the 【上一篇】【下一篇】【打印本页】
【关闭窗口】 rows, 字号 lines, CMS credits and every hidden element (display:none,
visibility:hidden, font-size:0, off-screen positioning, the hidden attribute, classes a <style>
hides) — hidden links are how old sites carry injected spam, and they must not be
republished."""

from __future__ import annotations

import codecs
import copy
import re
from dataclasses import dataclass, field
from datetime import date

from lxml import etree
from lxml import html as lxml_html

from . import density


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
    organisation_name: str = ""  # 发布机构 (or a 来源 that names an organ, with its evidence)
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
    #: field name → "meta" | "table" | "line" | "url" | "heading" | "title-tag" | "extractor"
    #: (trafilatura) | "density" (the content root as found, when trafilatura kept too little)
    evidence: dict[str, str] = field(default_factory=dict)
    author: str = ""  # 作者 / Author
    #: on a listing, the hrefs (as written) of the pages it lists, in order
    links: list[str] = field(default_factory=list)
    #: the page's <base href>, when it has one: relative hrefs resolve against it, not the URL
    base_href: str = ""

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
            "author": self.author,
            "evidence": self.evidence,
        }


# ---------------------------------------------------------------------------------------------
# Encodings

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.-]+)""", re.I)
_DECLARED = re.compile(r"charset\s*=\s*[\"']?\s*([a-zA-Z0-9_:.-]+)", re.I)
#: declared encodings that are subsets of GB18030; decoding them as declared garbles real pages
#: (镕, 堃, 喆 are not in GB2312 but old CMSs wrote them anyway, in GBK)
GB_FAMILY = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "hz-gb-2312", "gb_2312"}
GB_FAMILY |= {"chinese", "csgb2312", "x-euc-cn", "windows-936", "ms936", "936", "gb18030"}
BIG5_FAMILY = {"big5", "big5-hkscs", "x-x-big5", "cn-big5", "csbig5"}
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"))
_BOMS += ((codecs.BOM_UTF16_BE, "utf-16-be"),)


def _codec(label: str) -> str | None:
    label = label.strip().strip("\"'").lower()
    if not label:
        return None
    if label in GB_FAMILY:
        return "gb18030"
    if label in BIG5_FAMILY:
        return "big5hkscs"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_html(data: bytes, declared: str | None = None) -> str:
    """The page's text: a byte-order mark first, then the declared charset (the HTTP header's
    value or Content-Type, then the page's <meta>), GB2312 and GBK read as GB18030, unless the
    bytes are valid UTF-8; undeclared or wrongly declared pages are tried as UTF-8, then
    GB18030, then as charset-normalizer guesses."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace")
    header = _DECLARED.search(declared or "")
    charset = _codec(header.group(1) if header else (declared or ""))
    if charset is None:
        match = _CHARSET.search(data[:4096])
        charset = _codec(match.group(1).decode("ascii")) if match else None
    order = (charset, "utf-8", "gb18030")
    if charset not in (None, "utf-8") and not data.isascii():
        order = ("utf-8", charset, "gb18030")  # valid UTF-8 is no accident: a template's stale
        # "gb2312" over a page saved as UTF-8 is common, GBK text that is valid UTF-8 is not
    tried = []
    for name in order:
        if name and name not in tried:
            tried.append(name)
            try:
                return data.decode(name)
            except UnicodeDecodeError:
                continue
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        return data.decode(_codec(best.encoding) or best.encoding, errors="replace")
    return data.decode(charset or "utf-8", errors="replace")


# ---------------------------------------------------------------------------------------------
# Dates

_DATE = re.compile(
    r"((?:19|20)\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?!\d)\s*日?"
)
_URL_DATES = (
    re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),  # 大汉版通 /art/2017/10/25/
    re.compile(r"[/_]t((?:19|20)\d{2})(\d{2})(\d{2})_"),  # TRS t20170920_123456
    re.compile(r"/((?:19|20)\d{2})-(\d{1,2})/(\d{1,2})/"),  # /2017-10/25/
    re.compile(r"/((?:19|20)\d{2})/(\d{2})(\d{2})/"),  # /2018/0315/
    re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})/"),  # /20180108/
)


def parse_date(text: str) -> date | None:
    """The first date in the text: 2017-10-25, 2017年10月25日, 2017/10/25, 2017.10.25."""
    for match in _DATE.finditer(text or ""):
        try:
            return date(*map(int, match.groups()))
        except ValueError:
            continue
    return None


def date_from_url(url: str) -> date | None:
    for pattern in _URL_DATES:
        match = pattern.search(url or "")
        if match:
            try:
                return date(*map(int, match.groups()))
            except ValueError:
                continue
    return None


# ---------------------------------------------------------------------------------------------
# What is removed before reading

#: (not <form>: ASP.NET pages wrap the whole page in one; its controls go)
_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "button",
    "input",
    "select",
    "textarea",
    "svg",
    "canvas",
    "map",
    "link",
    "audio",
    "video",
)
_LANDMARK_TAGS = ("nav", "header", "footer", "aside", "menu")
#: parts of class and id names (split at -, _ and spaces) that name page furniture
_FURNITURE = set(
    """nav navbar navigation menu mainmenu submenu header head top topbar footer foot bottom
    copyright banner breadcrumb breadcrumbs crumb crumbs position location weizhi dqwz
    share bdshare bdsharebuttonbox fenxiang jiathis side sidebar aside related xgxx xgwz xglj
    tuijian recommend pn prevnext pager pagination page print toolbar tools btn search login
    ewm qrcode wza logo""".split()
)
#: furniture holds no more own text than this, and not two sentences: a wrapper named "top"
#: that holds the article is not furniture
FURNITURE_MAX_TEXT = 400
_HIDDEN_STYLE = re.compile(
    r"display:none|visibility:(?:hidden|collapse)|font-size:0(?:\.0+)?(?:px|pt|em|rem|%)?(?:[;!]|$)"
    r"|font-size:1px"
    r"|opacity:0(?:\.0+)?(?:[;!]|$)"
    r"|(?:^|;)(?:left|top|right|bottom|text-indent|margin-left|margin-top):-(?:[5-9]\d{2}|\d{4,})"
)
_ZERO_BOX = re.compile(r"(?:^|;)height:0(?:px)?(?:[;!]|$)")
_HIDDEN_CLASSES = {"hidden", "hide", "d-none", "display-none", "invisible"}
_SIMPLE_SELECTOR = re.compile(r"^([.#])([\w-]+)$")
#: the rows below an article and the 字号 switch
_ROW_MARKER = re.compile(
    r"【\s*(?:上一篇|下一篇|我要纠错|我要分享|打印本页|打印此页|打印|关闭窗口|关闭|收藏|"
    r"返回顶部|字体|字号)|(?:^|\s)(?:上一篇|下一篇)\s*[:：]|分享到\s*[:：]?|扫一扫在手机|"
    r"字号\s*[:：]\s*[\[【]|\[\s*大\s*中\s*小\s*\]|【\s*大\s*中\s*小\s*】"
)
#: the CMS's and the site's credits
_CREDIT = re.compile(
    r"Produced\s+By|大汉版通|技术支持\s*[:：]|网站标识码|ICP\s*备|公网安备|版权所有|Copyright",
    re.I,
)
_ROW_OR_CREDIT = re.compile(f"{_ROW_MARKER.pattern}|{_CREDIT.pattern}", re.I)
ROW_MAX_TEXT = 300
_BLOCKS = (
    "p",
    "div",
    "td",
    "th",
    "tr",
    "table",
    "li",
    "ul",
    "ol",
    "dl",
    "dd",
    "dt",
    "section",
    "article",
    "center",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "span",
    "font",
    "blockquote",
)
_BARE_DATE = re.compile(
    r"[（(\[]?\s*(?:19|20)\d{2}\s*(?:[-/.]|年)\s*\d{1,2}\s*(?:[-/.]|月)\s*\d{1,2}\s*日?"
    r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\s*[）)\]]?"
)
_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t]*\r?\n\s*(?=[{_CJK}])")


def _text(element) -> str:
    return re.sub(r"\s+", " ", element.text_content().replace("\xa0", " ")).strip()


def _compact(text: str) -> str:
    return "".join(text.split())


def _remove(element) -> None:
    """Drop an element and its content but keep the text that follows it."""
    if element.getparent() is not None:
        element.drop_tree()


def _style_rules(css: str):
    """(selectors, body) of each `selectors { body }` rule, in one linear pass: a regex like
    `([^{}]+)\\{` rescans from every position of a brace-less run (50 KB of CSS took 10 s)."""
    for chunk in css.split("}")[:-1]:
        head, brace, body = chunk.rpartition("{")
        selectors = head.rsplit("{", 1)[-1]
        if brace and selectors:
            yield selectors, body


def _hidden_selectors(tree) -> tuple[set[str], set[str]]:
    """Classes and ids that the page's own <style> blocks hide."""
    classes, ids = set(), set()
    for style in tree.iter("style"):
        for selectors, body in _style_rules(style.text or ""):
            if not _HIDDEN_STYLE.search(body.replace(" ", "").lower()):
                continue
            for selector in selectors.split(","):
                match = _SIMPLE_SELECTOR.match(selector.strip())
                if match:
                    (classes if match.group(1) == "." else ids).add(match.group(2))
    return classes, ids


def _is_hidden(element, classes: set[str], ids: set[str]) -> bool:
    if element.get("hidden") is not None or element.get("type") == "hidden":
        return True
    style = (element.get("style") or "").replace(" ", "").replace("\n", "").lower()
    if style and (
        _HIDDEN_STYLE.search(style) or (_ZERO_BOX.search(style) and "overflow:hidden" in style)
    ):
        return True
    names = set((element.get("class") or "").split())
    if names & (_HIDDEN_CLASSES | classes):
        return True
    return bool(element.get("id")) and element.get("id") in ids


def _name_parts(element) -> set[str]:
    names = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return set(re.split(r"[-_\s]+", names)) - {""}


def _own_text_length(element) -> int:
    text = _compact(element.text_content())
    links = sum(len(_compact(a.text_content())) for a in element.iter("a"))
    return len(text) - links


def _is_furniture(element) -> bool:
    """Little text, not two sentences, no <h1> and no 发布时间/来源 line: a template's
    "article-head" holds the title and its line, a page's "head" holds neither."""
    if _own_text_length(element) > FURNITURE_MAX_TEXT or element.find(".//h1") is not None:
        return False
    if _FIELD_LINE.search(element.text_content()):
        return False
    sentences = 0
    for text in element.itertext():
        sentences += text.count("。")
        if sentences >= 2:
            return False
    return True


def _smallest_blocks(tree, pattern: re.Pattern) -> list:
    """The innermost blocks whose text matches (children come before their parents in the
    reversed document order, so a parent of a match is known before it is read)."""
    found, covered = [], set()
    if not pattern.search(tree.text_content()):
        return found
    for element in reversed(list(tree.iter(*_BLOCKS))):
        if element in covered or not pattern.search(_text(element)):
            continue
        found.append(element)
        covered.update(element.iterancestors())
    return found[::-1]


def _strip_rows(tree, pattern: re.Pattern) -> None:
    for element in _smallest_blocks(tree, pattern):
        if len(_text(element)) <= ROW_MAX_TEXT:
            _remove(element)
            continue
        for anchor in list(element.iter("a")):  # a long block: only the marked links go
            if pattern.search(_text(anchor)):
                _remove(anchor)


def clean(tree) -> list[str]:
    """Remove scripts, styles, comments and hidden elements, in place; return the hrefs of the
    Hanweb <datastore> records of a column page (its list lives in a script, so it goes with
    the scripts)."""
    records = []
    for script in tree.iter("script"):
        if "<datastore" in (script.text or "") or "<recordset" in (script.text or ""):
            records += re.findall(r"""href=["']([^"']+)["']""", script.text.split("<recordset")[-1])
    classes, ids = _hidden_selectors(tree)
    for node in list(tree.iter(etree.Comment, etree.ProcessingInstruction)):
        tail, parent = node.tail, node.getparent()
        if parent is not None:
            previous = node.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + (tail or "")
            else:
                parent.text = (parent.text or "") + (tail or "")
            parent.remove(node)
    for element in list(tree.iter(*_DROP_TAGS)):
        _remove(element)
    for element in list(tree.iter()):
        if not isinstance(element.tag, str) or element.getparent() is None:
            continue
        if element.tag in ("html", "body"):
            continue
        if _is_hidden(element, classes, ids):
            _remove(element)
    return records


def remove_furniture(tree) -> None:
    """Remove navigation, header, footer, share bars and sidebars (after the metadata table is
    read: templates name its block "…-head" or "…-top" too)."""
    for element in list(tree.iter()):
        if not isinstance(element.tag, str) or element.tag in ("html", "body"):
            continue
        landmark = element.tag in _LANDMARK_TAGS and not (
            element.tag == "header"
            and any(a.tag in ("article", "main") for a in element.iterancestors())
        )
        if (landmark or _name_parts(element) & _FURNITURE) and _is_furniture(element):
            _remove(element)


def strip_rows(tree) -> None:
    """Remove the 【上一篇】…【关闭窗口】 rows, 字号 switches, share bars and CMS credits (after
    the text lines are read: 字号 sits on the 发布时间 line)."""
    _strip_rows(tree, _ROW_OR_CREDIT)


# ---------------------------------------------------------------------------------------------
# The order of evidence

_META_FIELDS = {
    "articletitle": "title",
    "pubdate": "published_on",
    "publishdate": "published_on",
    "contentsource": "source_name",
    "columnname": "column_name",
    "sitename": "site_name",
    "siteidcode": "site_code",
    "keywords": "keywords",
    "author": "author",
}
#: labels of the 信息公开 metadata table, by field (compared without spaces or colon)
TABLE_LABELS = {
    "index_number": ("索引号", "信息索引号", "索取号"),
    "title": ("标题", "名称", "信息名称", "文件名称", "文件标题", "公开信息名称"),
    "organisation_name": (
        "发布机构",
        "发文机关",
        "发文单位",
        "发布单位",
        "信息发布机构",
        "公开主体",
    ),
    "document_number": ("文号", "发文字号", "文件编号", "发文文号"),
    "written_on": ("成文日期", "生成日期", "形成日期", "发文日期", "制发日期", "印发日期"),
    "published_on": ("发布日期", "公开日期", "发布时间", "公开时间"),
    "subject": ("主题分类", "信息分类", "分类", "主题"),
    "keywords": ("主题词", "关键词", "关键字"),
    "source_name": ("信息来源", "来源"),
}
#: labels the table also has, read as labels but not kept
OTHER_TABLE_LABELS = ("公开方式", "公开范围", "公开形式", "公开时限", "有效性", "体裁分类")
OTHER_TABLE_LABELS += ("组配分类", "服务对象", "时效", "废止日期", "生效日期", "备注", "所属机构")
_TABLE_LABEL_FIELD = {label: name for name, labels in TABLE_LABELS.items() for label in labels}
_ALL_TABLE_LABELS = set(_TABLE_LABEL_FIELD) | set(OTHER_TABLE_LABELS)
#: a second label in one cell ends the first one's value ("索引号：… 发布机构：…")
_NEXT_TABLE_LABEL = re.compile(
    "(?:"
    + "|".join(
        r"\s*".join(map(re.escape, label)) for label in sorted(_ALL_TABLE_LABELS, key=len)[::-1]
    )
    + r")\s*[:：﹕]"
)
_COLON = ":：﹕"
_CELL_TAGS = ("th", "td", "dt", "dd", "li", "p", "div")
#: a metadata table is labels and values: they make at least this share of its text
TABLE_SHARE = 0.7

LINE_LABELS = {
    "published_on": (
        "发布时间",
        "发布日期",
        "发稿时间",
        "发表时间",
        "更新时间",
        "公开日期",
        "日期",
        "时间",
    ),
    "source_name": ("信息来源", "文章来源", "稿件来源", "消息来源", "来源"),
    "author": ("撰稿人", "作者", "撰稿"),
    "organisation_name": ("发布机构", "发文机关", "发布单位"),
    "index_number": ("索引号",),
    "document_number": ("发文字号", "文号"),
    "written_on": ("成文日期",),
}
#: labels that only end a value (浏览次数：, 字号：, 编辑：)
STOP_LABELS = ("浏览次数", "点击数", "点击次数", "阅读次数", "访问次数", "浏览量", "阅读数", "字号")
STOP_LABELS += ("字体", "责任编辑", "编辑", "审核", "摄影", "通讯员", "分享")
_ANY_LINE_LABEL = "|".join(
    sorted(
        {*(label for labels in LINE_LABELS.values() for label in labels), *STOP_LABELS}, key=len
    )[::-1]
)
_LINE = {
    name: re.compile(
        rf"(?<![\u4e00-\u9fff])(?:{'|'.join(labels)})\s*[:：]\s*(?P<value>.*?)"
        rf"(?=\s{{2,}}|\u3000|(?:{_ANY_LINE_LABEL})\s*[:：]|[【\[|丨]|$)"
    )
    for name, labels in LINE_LABELS.items()
}
_FIELD_LINE = re.compile(
    rf"(?<![\u4e00-\u9fff])(?:{'|'.join(x for labels in LINE_LABELS.values() for x in labels)})\s*[:：]"
)
_ANY_LINE = re.compile(rf"(?<![\u4e00-\u9fff])(?:{_ANY_LINE_LABEL})\s*[:：]")
LINE_MAX_TEXT = 300
#: a paragraph this long ends the head of the content (where a 发布时间/来源 line may sit)
HEAD_PARAGRAPH = 50
_DATE_FIELDS = {"published_on", "written_on"}
#: a 来源 that ends so names an organ and stands in for a missing 发布机构
_ORGAN = re.compile(
    r"(?:局|委|办|办公室|政府|委员会|中心|街道|镇|乡|院|所|队|站|处|厅|部|会|署|司)$"
)
_TITLE_SEPARATORS = re.compile(r"\s*(?:_|－|—+|--|\||｜|-|——|::)\s*")
_SITE_WORDS = re.compile(r"(?:人民政府|政府|门户网站|网站|网|手机版|信息公开|平台|门户|首页)$")

#: file types an attachment link leads to
ATTACHMENT = re.compile(
    r"\.(?:pdf|docx?|xlsx?|wps|et|dps|ofd|zip|rar|7z|pptx?|jpe?g|png|gif|bmp|tiff?|txt|csv)(?:$|[?#&])",
    re.I,
)
#: content roots that CMSs mark, in order
_MARKED_ROOTS = (
    './/*[contains(concat(" ", normalize-space(@class), " "), " TRS_Editor ")]',
    './/*[contains(@class, "trs_editor_view")]',
    './/*[@itemprop="articleBody"]',
    './/*[@id="zoom"]',
    ".//article",
)
MARKED_ROOT_MIN_TEXT = 10
#: trafilatura's body is taken when it keeps this share of the content root's text
EXTRACTOR_COVERAGE = 0.9
#: a listing: at least this many links, more link text than own text, little own text
LISTING_MIN_LINKS = 5
LISTING_MAX_OWN_TEXT = 300
_BINARY = re.compile("[\x00-\x08\x0e-\x1f\ufffd\ue000-\uf8ff]")


def _set(page: ExtractedPage, name: str, value, source: str) -> None:
    """Give a field its value unless an earlier source has given one."""
    if name in page.evidence or value in (None, ""):
        return
    if name in _DATE_FIELDS and not isinstance(value, date):
        value = parse_date(value)
        if value is None:
            return
    elif isinstance(value, str):
        value = re.sub(r"\s+", " ", value.replace("\xa0", " ")).strip(" ：:;；,，|")
        if not value:
            return
    setattr(page, name, value)
    page.evidence[name] = source


def _read_meta(tree, page: ExtractedPage) -> None:
    for meta in tree.iter("meta"):
        name = (meta.get("name") or "").strip().lower()
        if name in _META_FIELDS:
            _set(page, _META_FIELDS[name], meta.get("content") or "", "meta")


def _labels(text: str) -> list[tuple[str, str]]:
    """The (label, value) pairs of a cell that starts with a known label: "发布机构：", a bare
    "发 布 机 构" (its value in the next cell), or several in one cell ("索引号：… 发布机构：…")."""
    compact = _compact(text).rstrip(_COLON)
    if compact in _ALL_TABLE_LABELS:
        return [(compact, "")]
    matches = list(_NEXT_TABLE_LABEL.finditer(text))
    if not matches or text[: matches[0].start()].strip():
        return []
    pairs = []
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        value = text[match.end() : following.start() if following else len(text)]
        pairs.append((_compact(match.group()).rstrip(_COLON), value.strip(" \u3000\xa0")))
    return pairs


def _cells(tree) -> list:
    """The innermost cells of the page (th, td, dt, dd, li, p, div holding no other), in
    document order: where a metadata table, list or grid of divs keeps its labels and values."""
    return [
        element
        for element in tree.iter(*_CELL_TAGS)
        if not any(child is not element for child in element.iter(*_CELL_TAGS))
    ]


def _read_table(tree) -> tuple[dict[str, str], object | None]:
    """The fields of the 信息公开 metadata table — a <table>, a <dl>, a list or a grid of
    <div>s — and its element: the largest element around the first labelled cells that is
    still made of labels and values (so never the page's wrapper)."""
    cells = _cells(tree)
    pairs = []  # (label cell, value cell or None, field, value)
    for index, cell in enumerate(cells):
        text = _text(cell)
        for label, value in _labels(text) if len(text) <= 200 else []:
            value_cell = None
            if not value and index + 1 < len(cells):
                following = cells[index + 1]
                if (
                    not _labels(_text(following))
                    and len(_text(following)) <= 200
                    and _own_text_length(following) > 0  # not the links under a sidebar heading
                ):
                    value, value_cell = _text(following), following
            pairs.append((cell, value_cell, _TABLE_LABEL_FIELD.get(label), value))
    named = [pair for pair in pairs if pair[2] and pair[3]]
    if len({pair[2] for pair in named} - {"source_name"}) < 2:
        return {}, None
    for seed in named:
        best = _table_around(seed[0], pairs)
        if best is not None:
            found: dict[str, str] = {}
            for cell, _, name, value in pairs:
                if name and value and _contains(best, cell):
                    found.setdefault(name, value)
            return found, best
    return {}, None  # labels scattered over the page: text lines, not a table


def _table_around(cell, pairs):
    """The largest ancestor of a labelled cell with two or more fields whose text is still
    mostly labels and values."""
    best = None
    for container in cell.iterancestors():
        if container.tag in ("body", "html"):
            break
        inside = [pair for pair in pairs if _contains(container, pair[0])]
        fields = {name for _, _, name, value in inside if name and value}
        if len(fields - {"source_name"}) < 2:
            continue
        total = len(_compact(container.text_content()))
        covered = sum(
            len(_compact(_text(cell))) + (len(_compact(_text(value))) if value is not None else 0)
            for cell, value, _, _ in inside
        )
        if covered < TABLE_SHARE * total:
            break  # beyond the table: the labels are no longer most of the text
        best = container
    return best


def _contains(container, element) -> bool:
    return any(ancestor is container for ancestor in element.iterancestors())


def _line_blocks(tree, root) -> list:
    """Short blocks that hold labelled text lines, in document order: outside the content
    root; inside it, before its first paragraph of text or with two or more labels (a genuine
    时间：… 地点：… paragraph of a notice has one). A block whose child holds all its labels
    gives way to the child."""
    inside = set(root.iter()) if root is not None else set()
    head = _head_of(root) if root is not None else set()
    blocks, labels_below = [], {}
    for element in reversed(list(tree.iter(*_BLOCKS))):
        text = _text(element)
        if len(text) > LINE_MAX_TEXT:
            continue
        labels = len(_ANY_LINE.findall(text))
        if not labels or labels_below.get(element, 0) >= labels:
            continue
        for ancestor in element.iterancestors():
            labels_below[ancestor] = max(labels_below.get(ancestor, 0), labels)
        if element is root or (element in inside and element not in head and labels < 2):
            continue
        if any(
            len(_text(child)) >= HEAD_PARAGRAPH and not _ANY_LINE.search(_text(child))
            for child in element.iter(*_BLOCKS)
            if child is not element
        ):
            continue  # it holds a paragraph of text: not a line
        blocks.append(element)
    return blocks[::-1]


def _head_of(root) -> set:
    """The elements of the content root before its first paragraph of text."""
    head = set()
    for element in root.iter():
        if element is root or not isinstance(element.tag, str):
            continue
        if len(_compact(element.text_content())) >= HEAD_PARAGRAPH and element.tag in ("p", "div"):
            break
        head.add(element)
    return head


def _head_dates(root) -> list:
    """Blocks in the head of the content that hold nothing but a date (and time)."""
    return [
        element
        for element in _head_of(root)
        if element.tag in _BLOCKS and _BARE_DATE.fullmatch(_text(element))
    ]


def _read_lines(blocks, page: ExtractedPage) -> None:
    for block in blocks:
        text = block.text_content().replace("\xa0", " ")
        text = re.sub(r"[ \t\r\n]+", lambda m: "  " if len(m.group()) > 1 else " ", text)
        for name, pattern in _LINE.items():
            match = pattern.search(text)
            if match:
                _set(page, name, match.group("value"), "line")


def _title_from_tag(title: str, page: ExtractedPage) -> str:
    """<title> without the site name (and column) the CMS appends: "…_通知公告_瓯海区人民政府";
    a hyphen inside the title ("2017-2018学年") stays."""
    title = title.strip()
    segments, position = [], 0
    for match in _TITLE_SEPARATORS.finditer(title):
        segments.append((position, match.start()))
        position = match.end()
    segments.append((position, len(title)))
    segments = [(start, end) for start, end in segments if end > start]
    names = {page.site_name, page.column_name} - {""}
    while len(segments) > 1:
        part = title[slice(*segments[-1])]
        if not (
            part in names
            or any(len(name) >= 4 and name in part for name in names)
            or _SITE_WORDS.search(part)
        ):
            break
        segments.pop()
    return title[: segments[-1][1]].strip() if segments else ""


def _marked_root(tree):
    """The content the CMS marks — 大汉版通's <meta name="ContentStart"> … "ContentEnd" (a
    copy of what lies between), TRS's TRS_Editor, the #zoom of many templates — and the
    element of the page that holds it; (None, None) when nothing is marked."""
    start = tree.find('.//meta[@name="ContentStart"]')
    end = tree.find('.//meta[@name="ContentEnd"]')
    if start is not None and end is not None and start.getparent() is end.getparent():
        holder = lxml_html.Element("div")
        holder.text = start.tail
        node = start.getnext()
        while node is not None and node is not end:
            holder.append(copy.deepcopy(node))
            node = node.getnext()
        if len(_compact(holder.text_content())) >= MARKED_ROOT_MIN_TEXT:
            return holder, start.getparent()
    for xpath in _MARKED_ROOTS:
        for element in tree.xpath(xpath):
            if _own_text_length(element) >= MARKED_ROOT_MIN_TEXT:
                return element, element
    return None, None


def _files(tree, root) -> list[LinkedFile]:
    """Attachments linked anywhere in the cleaned page (附件 blocks sit below the body),
    images only in the body."""
    files: list[LinkedFile] = []
    seen: set[str] = set()
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if (
            href
            and href not in seen
            and ATTACHMENT.search(href)
            and not href.startswith("javascript:")
        ):
            seen.add(href)
            files.append(LinkedFile(href=href, text=_text(anchor)))
    if root is not None:
        for image in root.iter("img"):
            src = (image.get("src") or "").strip()
            if not src or src.startswith("data:") or src in seen:
                continue
            if image.get("width") in ("0", "1") or image.get("height") in ("0", "1"):
                continue  # a counter pixel
            seen.add(src)
            files.append(LinkedFile(href=src, is_image=True, alt=(image.get("alt") or "").strip()))
    return files


def _join_cjk_lines(root) -> None:
    """A source line broken between two Chinese characters is no space in the text."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.text and "\n" in element.text:
            element.text = _CJK_BREAK.sub("", element.text)
        if element.tail and "\n" in element.tail:
            element.tail = _CJK_BREAK.sub("", element.tail)


def _inner_html(element) -> str:
    parts = [lxml_html.escape(element.text)] if element.text and element.text.strip() else []
    for child in element:
        parts.append(lxml_html.tostring(child, encoding="unicode", with_tail=True))
    return "".join(parts).strip()


def _body(root) -> tuple[str, str]:
    """The body as HTML and its evidence: trafilatura on the content root, or the root as
    found when trafilatura keeps too little of it (less of its text, or not all its links and
    images)."""
    import trafilatura

    for element in root.iter():
        if isinstance(element.tag, str):
            for attribute in [name for name in element.attrib if name.lower().startswith("on")]:
                del element.attrib[attribute]
    own = _compact(root.text_content())
    document = "<html><body><div>" + _inner_html(root) + "</div></body></html>"
    extracted = trafilatura.extract(
        document,
        output_format="html",
        include_tables=True,
        include_images=True,
        include_links=True,
        include_formatting=True,
        include_comments=False,
        favor_recall=True,
        deduplicate=False,
        fast=True,  # its fallbacks (jusText, readability) drop links and images; density.py is ours
    )
    if extracted:
        tree = lxml_html.fromstring(extracted)
        body = tree.find(".//body")
        body = tree if body is None else body
        if len(_compact(body.text_content())) >= EXTRACTOR_COVERAGE * len(own) and _references(
            body
        ) >= _references(root):
            return _inner_html(body), "extractor"
    return _inner_html(root), "density"


def _references(element) -> set[str]:
    """The links and images of a body: trafilatura's shortened output drops them, and
    an internal link or an image lost is a broken page after the import."""
    hrefs = {a.get("href", "").strip() for a in element.iter("a")}
    hrefs |= {img.get("src", "").strip() for img in element.iter("img")}
    return {href for href in hrefs if href and not href.startswith(("javascript:", "#"))}


def _parse(html: str):
    if not html or not html.strip():
        raise ExtractionError("页面是空的。")
    sample = html[:20000]
    if len(_BINARY.findall(sample)) > max(8, len(sample) // 200):
        raise ExtractionError(
            "页面内容不是可读的 HTML（可能是未解压的压缩数据、二进制文件或下载中断）。"
        )
    if not re.search(r"<\s*(?:html|head|body|title|div|p|table|meta)\b", sample, re.I):
        raise ExtractionError("页面不是 HTML（找不到任何 HTML 标签）。")
    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)
    try:
        return lxml_html.document_fromstring(html)
    except (ValueError, TypeError, etree.ParserError) as exc:
        raise ExtractionError("页面无法解析（不是有效的 HTML）。") from exc


def _looks_like_listing(body, root) -> bool:
    """Many links, more link text than own text, and no block of text to speak of."""
    measured = density.measure(body)
    own = measured.text - measured.link_text
    root_own = _own_text_length(root) if root is not None else 0
    return (
        measured.links >= LISTING_MIN_LINKS
        and measured.link_text > own
        and root_own < LISTING_MAX_OWN_TEXT
    )


def _listing_links(body) -> list[str]:
    links = []
    for anchor in body.iter("a"):
        href = (anchor.get("href") or "").strip()
        if href and not href.startswith(("javascript:", "#")) and len(_text(anchor)) >= 4:
            links.append(href)
    return links


def extract_page(html: str, url: str) -> ExtractedPage:
    """Read one page; raise ExtractionError when it has no title or no body. A column or list
    page comes back with is_listing=True and the pages it lists, not an error."""
    tree = _parse(html)
    page = ExtractedPage()
    _read_meta(tree, page)  # 1. the government-site meta tags
    title_element = tree.find(".//title")
    title_tag = _text(title_element) if title_element is not None else ""
    base = tree.find(".//base[@href]")
    page.base_href = (base.get("href") or "").strip() if base is not None else ""
    records = clean(tree)
    body = tree.find(".//body")
    body = tree if body is None else body

    table_fields, table = _read_table(body)  # 2. the 信息公开 metadata table
    for name, value in table_fields.items():
        _set(page, name, value, "table")
    if table is not None:
        _remove(table)
    remove_furniture(body)

    root, region = _marked_root(body)
    marked = root is not None
    if root is None:
        root = region = density.content_root(body)
    _read_lines(_line_blocks(body, region), page)  # 3. the text lines
    listing = bool(records) or (not marked and _looks_like_listing(body, root))
    head_dates = _head_dates(root) if root is not None and not listing else []
    if head_dates:
        _set(page, "published_on", _text(head_dates[0]), "line")
    _set(page, "published_on", date_from_url(url), "url")  # 4. the address
    if "organisation_name" not in page.evidence and _ORGAN.search(page.source_name):
        page.organisation_name = page.source_name
        page.evidence["organisation_name"] = page.evidence["source_name"]

    strip_rows(body)
    if root is not None and root is not region:
        strip_rows(root)  # a copy of the content between the CMS's markers
    for heading in body.iter("h1"):
        text = _text(heading)
        if 2 <= len(text) <= 200 and text != page.site_name and not _SITE_WORDS.search(text):
            _set(page, "title", text, "heading")  # not the site's name in a banner <h1>
            break
    _set(page, "title", _title_from_tag(title_tag, page), "title-tag")

    if listing:
        page.is_listing = True
        page.links = records or _listing_links(body)
        _set(page, "title", page.column_name, "meta")
        return page
    if not page.title:
        raise ExtractionError(
            "页面没有标题（没有 ArticleTitle、信息公开表格的名称、正文标题或 <title>）。"
        )
    if root is None or not _compact(root.text_content()):
        raise ExtractionError("页面没有正文（可能下载不完整，或正文由脚本生成）。")

    head = _head_of(root)
    for block in head_dates:
        _remove(block)  # a bare 2017-10-25 above the text
    for block in _line_blocks(root, root):
        if block is not root and (block in head or len(_ANY_LINE.findall(_text(block))) >= 2):
            _remove(block)  # the 发布时间/来源 line inside the content
    for element in list(root.iter("h1", "h2", "h3")):
        if _text(element) == page.title:
            _remove(element)  # the title is a field, not a paragraph of the body
    page.files = _files(body, root)
    _join_cjk_lines(root)
    page.body_html, page.evidence["body"] = _body(root)
    text = _compact(lxml_html.fromstring(f"<div>{page.body_html}</div>").text_content())
    if not text and not any(file.is_image for file in page.files):
        raise ExtractionError("页面没有正文（可能下载不完整，或正文由脚本生成）。")
    return page
