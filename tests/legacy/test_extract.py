"""Extraction of saved pages of old government sites: the fixture site in the styles of
大汉版通, TRS WCM and 南威, the order of evidence (meta > table > line > address), hidden
links, encodings, list pages and broken pages."""

from __future__ import annotations

import gzip
import json
import re
from datetime import date
from pathlib import Path

import pytest
from lxml import html as lxml_html

import gongkai.legacy
from gongkai.legacy.extract import (
    ExtractionError,
    decode_html,
    extract_page,
    parse_date,
)

SITE = Path(gongkai.legacy.__file__).parent / "fixtures" / "oldsite" / "www.oldsite.gov.cn"
HANWEB = "art/2017/10/25/art_1229_1001.html"
HANWEB_XXGK = "art/2018/3/20/art_1230_2001.html"
TRS = "xxgk/tzgg/201709/t20170920_123456.html"
NANWEI = "xwzx/bmdt/2018/03/15/4567.shtml"
TITLE_ONLY = "xwzx/tpxw/20180108/555.htm"
DUPLICATE = "wap/art/2017/10/25/art_1229_1001.html"
CJK = "\u4e00-\u9fff"

#: what no body may contain: navigation, rows, credits, scripts, share bars, 字号, footers
FURNITURE = [
    "上一篇",
    "下一篇",
    "我要纠错",
    "打印本页",
    "打印此页",
    "关闭窗口",
    "Produced By",
    "大汉",
    "分享到",
    "字号",
    "字体",
    "网站首页",
    "当前位置",
    "您现在的位置",
    "主办单位",
    "ICP",
    "网站标识码",
    "技术支持",
    "版权所有",
    "扫一扫",
    "<script",
    "doZoom",
    "javascript:",
    "浏览次数",
    "点击数",
]


def read(relative: str):
    return extract_page(
        decode_html((SITE / relative).read_bytes()), f"http://www.oldsite.gov.cn/{relative}"
    )


def text_of(fragment: str) -> str:
    return lxml_html.fromstring(f"<div>{fragment}</div>").text_content()


def compact(text: str) -> str:
    return "".join(text.split())


def assert_clean(body_html: str) -> None:
    for word in FURNITURE:
        assert word not in body_html, word


def paragraphs(body_html: str) -> list[str]:
    tree = lxml_html.fromstring(f"<div>{body_html}</div>")
    return [compact(p.text_content()) for p in tree.iter("p") if compact(p.text_content())]


# --- the fixture site -----------------------------------------------------------------------


def test_hanweb_article_is_seed_001_with_its_meta_tags():
    page = read(HANWEB)
    assert page.title == "温州市瓯海区创新方法率先突破为全国基层政务公开标准化规范化试点提供样板"
    assert page.published_on == date(2017, 10, 25)
    assert page.source_name == "温州市瓯海区"
    assert (page.site_name, page.site_code, page.column_name) == (
        "瓯海区人民政府",
        "3303040001",
        "政务动态",
    )
    assert page.keywords == "政务公开,标准化,规范化,试点"
    assert {page.evidence[name] for name in ("title", "published_on", "source_name")} == {"meta"}
    # 温州市瓯海区 is a place, not an organ: no 发布机构 is made up from it
    assert page.organisation_name == ""
    assert not page.is_listing
    body = paragraphs(page.body_html)
    assert len(body) == 16  # the seed's paragraphs, headings included
    assert body[0].startswith("今年5月温州市瓯海区被确定为全国100个基层政务公开标准化规范化")
    assert body[-1].endswith("落实成效没有科学评判的现象。")
    assert_clean(page.body_html)
    assert page.title not in text_of(page.body_html)
    assert page.files == []


def test_trs_page_reads_the_metadata_table():
    page = read(TRS)
    assert page.title == "关于印发2017年政务公开工作要点的通知"
    assert page.evidence["title"] == "table"  # no ArticleTitle: the table's 名　　称
    assert page.index_number == "003151935/2017-00123"
    assert page.organisation_name == "区政府办公室"
    assert page.document_number == "迎政办〔2017〕45号"
    assert page.written_on == date(2017, 9, 18)
    assert page.published_on == date(2017, 9, 20)
    assert page.subject == "综合政务\\政务公开"
    assert page.source_name == "瓯海区人民政府办公室"
    assert page.evidence["source_name"] == "line"
    assert page.column_name == "通知公告" and page.evidence["column_name"] == "meta"
    for name in ("index_number", "organisation_name", "document_number", "written_on"):
        assert page.evidence[name] == "table"
    assert_clean(page.body_html)
    body = text_of(page.body_html)
    assert "索引号" not in compact(body)  # the table is metadata, not body
    assert "各镇人民政府、街道办事处" in body
    assert "重大决策预公开" in body  # the body's own table stays
    tree = lxml_html.fromstring(f"<div>{page.body_html}</div>")
    assert tree.find(".//table") is not None
    image = tree.find(".//img")
    assert image.get("src") == "./W020170920123458.png"
    assert image.get("alt") == "2017年政务公开工作流程图"


def test_trs_attachments_are_listed_as_written_and_exist_beside_the_page():
    page = read(TRS)
    assert [(file.href, file.is_image) for file in page.files] == [
        ("./P020170920123456.pdf", False),
        ("./P020170920123457.docx", False),
        ("./W020170920123458.png", True),
    ]
    assert page.files[0].text == "1.2017年政务公开工作要点.pdf"
    assert page.files[2].alt == "2017年政务公开工作流程图"
    folder = (SITE / TRS).parent
    signatures = {".pdf": b"%PDF", ".docx": b"PK\x03\x04", ".png": b"\x89PNG"}
    for file in page.files:
        data = (folder / file.href).read_bytes()
        assert data.startswith(signatures[Path(file.href).suffix])


def test_hanweb_information_page_with_one_cell_labels_and_spaced_labels():
    page = read(HANWEB_XXGK)
    assert page.index_number == "001008003/2018-00045"
    assert page.organisation_name == "区住建局"  # 发 布 机 构：区住建局
    assert page.document_number == "瓯建〔2018〕12号"  # 文　　号：
    assert page.written_on == date(2018, 3, 19)
    assert page.subject == "城乡建设、环境保护"
    # meta tags come first: ContentSource, not the line's 信息来源; PubDate, not the table
    assert page.source_name == "瓯海区住房和城乡建设局" and page.evidence["source_name"] == "meta"
    assert page.published_on == date(2018, 3, 20) and page.evidence["published_on"] == "meta"
    assert_clean(page.body_html)
    tree = lxml_html.fromstring(f"<div>{page.body_html}</div>")
    links = [a.get("href") for a in tree.iter("a")]
    assert "/xxgk/tzgg/201709/t20170920_123456.html" in links  # for the importer to rewrite
    assert "/attach/0/1803201005456.xlsx" in links
    assert [img.get("src") for img in tree.iter("img")] == ["/picture/0/1803201005123.jpg"]
    assert [(file.href, file.is_image, file.alt) for file in page.files] == [
        ("/attach/0/1803201005456.xlsx", False, ""),
        ("/picture/0/1803201005123.jpg", True, "老旧小区改造前后对比"),
    ]
    for file in page.files:
        assert (SITE / file.href.lstrip("/")).stat().st_size > 0


def test_gb2312_page_is_read_as_gb18030_and_keeps_its_rare_characters():
    data = (SITE / NANWEI).read_bytes()
    assert b'charset="gb2312"' in data
    garbled = data.decode("gb2312", errors="replace")
    assert "镕" not in garbled and "堃" not in garbled  # the trap the declaration sets
    page = extract_page(decode_html(data), f"http://www.oldsite.gov.cn/{NANWEI}")
    body = text_of(page.body_html)
    assert "局长陈镕出席会议" in body and "副局长王喆主持会议" in body and "堃宇实验学校" in body
    assert "\ufffd" not in page.body_html
    assert page.author == "李堃"
    assert page.title == "区教育局召开2018年春季学期校园安全工作会议"
    assert page.evidence["title"] == "heading"
    assert page.published_on == date(2018, 3, 15) and page.evidence["published_on"] == "line"
    assert page.source_name == "区教育局"
    assert page.organisation_name == "区教育局"  # a 来源 that names an organ stands in
    assert page.site_name == "" and page.site_code == ""  # no meta tags on this CMS


def test_hidden_links_never_reach_the_body():
    page = read(NANWEI)
    for hidden in ("博彩", "代开发票", "时时彩", "贷款", "刷单", "六合彩", "example"):
        assert hidden not in page.body_html, hidden
    assert page.files == []
    assert_clean(page.body_html)
    assert "交流发言" in text_of(page.body_html)  # the text around them stays


def test_page_with_only_a_title_tag_and_text_lines():
    data = (SITE / TITLE_ONLY).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"charset" not in data
    page = extract_page(decode_html(data), f"http://www.oldsite.gov.cn/{TITLE_ONLY}")
    assert page.title == "区农业局开展冬季农业生产技术培训"  # <title> less "_瓯海区人民政府"
    assert page.evidence["title"] == "title-tag"
    assert page.published_on == date(2018, 1, 8)  # 日期：2018年1月8日
    assert page.source_name == "区农业局" and page.author == "林珺"
    assert_clean(page.body_html)
    assert len(paragraphs(page.body_html)) == 3


def test_duplicate_under_a_second_url_has_the_same_text():
    original, duplicate = read(HANWEB), read(DUPLICATE)
    assert duplicate.title == original.title
    assert duplicate.published_on == original.published_on
    assert duplicate.source_name == original.source_name
    assert compact(text_of(duplicate.body_html)) == compact(text_of(original.body_html))
    assert_clean(duplicate.body_html)
    # the mobile template broke its source lines inside sentences: no space is left there
    for paragraph in lxml_html.fromstring(f"<div>{duplicate.body_html}</div>").iter("p"):
        assert not re.search(rf"[{CJK}]\s+[{CJK}]", paragraph.text_content().strip())


@pytest.mark.parametrize(
    ("relative", "links"),
    [
        ("col/col1229/index.html", 5),  # Hanweb: the records live in a <script> datastore
        ("xxgk/tzgg/index.html", 6),  # TRS
        ("index.html", 8),
    ],
)
def test_list_pages_are_listings_not_errors(relative, links):
    page = read(relative)
    assert page.is_listing
    assert page.body_html == ""
    assert len(page.links) >= links
    assert page.title
    assert all(not link.startswith("javascript:") for link in page.links)


def test_hanweb_column_lists_its_records_in_order():
    page = read("col/col1229/index.html")
    assert page.title == "政务动态"
    assert page.links[3] == "/art/2017/10/25/art_1229_1001.html"
    assert len(page.links) == len(set(page.links)) == 5


def test_articles_are_not_listings():
    for relative in (HANWEB, HANWEB_XXGK, TRS, NANWEI, TITLE_ONLY, DUPLICATE):
        assert not read(relative).is_listing, relative


@pytest.mark.parametrize(
    ("relative", "words"),
    [
        ("art/2017/11/2/art_1229_1009.html", "不是可读的 HTML"),  # a truncated gzip stream
        ("art/2017/11/3/art_1229_1010.html", "没有正文"),  # the download stopped in <head>
    ],
)
def test_broken_pages_raise_with_a_chinese_message(relative, words):
    with pytest.raises(ExtractionError) as error:
        read(relative)
    assert words in str(error.value)
    assert re.search(rf"[{CJK}]", str(error.value))


def test_metadata_is_json_safe():
    page = read(TRS)
    data = json.loads(json.dumps(page.metadata))
    assert data["index_number"] == "003151935/2017-00123"
    assert data["written_on"] == "2017-09-18"
    assert data["evidence"]["document_number"] == "table"


# --- the order of evidence ------------------------------------------------------------------

BODY = "<p>" + "为进一步做好政务公开工作，现将有关事项通知如下，请各单位认真贯彻执行。" * 3 + "</p>"


def page_of(meta="", table="", line="", heading="", title="丁通知_某某区人民政府", body=BODY):
    return f"""<html><head><meta charset="utf-8"><title>{title}</title>{meta}</head><body>
    <div class="nav"><a href="/">首页</a><a href="/a/">机构</a></div>
    {table}{heading}<div class="info">{line}</div><div id="content">{body}</div>
    <div class="footer">主办单位：某某区人民政府办公室</div></body></html>"""


META = """<meta name="ArticleTitle" content="甲通知"><meta name="PubDate" content="2020-01-01 08:00">
<meta name="ContentSource" content="甲局">"""
TABLE = """<table class="xxgk"><tr><th>名称：</th><td>乙通知</td><th>发布日期：</th><td>2020年2月2日</td></tr>
<tr><th>信息来源：</th><td>乙局</td><th>索引号：</th><td>000/2020-00001</td></tr></table>"""
LINE = "发布时间：2020/03/03　来源：丙局　作者：张三"
HEADING = "<h1>丙通知</h1>"
URL = "http://www.example.gov.cn/art/2020/4/4/art_1_1.html"


@pytest.mark.parametrize(
    ("parts", "title", "published_on", "source", "evidence"),
    [
        (
            dict(meta=META, table=TABLE, line=LINE, heading=HEADING),
            "甲通知",
            date(2020, 1, 1),
            "甲局",
            ("meta", "meta", "meta"),
        ),
        (
            dict(table=TABLE, line=LINE, heading=HEADING),
            "乙通知",
            date(2020, 2, 2),
            "乙局",
            ("table", "table", "table"),
        ),
        (
            dict(line=LINE, heading=HEADING),
            "丙通知",
            date(2020, 3, 3),
            "丙局",
            ("heading", "line", "line"),
        ),
        (dict(), "丁通知", date(2020, 4, 4), "", ("title-tag", "url", None)),
    ],
)
def test_order_of_evidence(parts, title, published_on, source, evidence):
    page = extract_page(page_of(**parts), URL)
    assert (page.title, page.published_on, page.source_name) == (title, published_on, source)
    assert (
        page.evidence.get("title"),
        page.evidence.get("published_on"),
        page.evidence.get("source_name"),
    ) == evidence
    assert "机构" not in page.body_html and "主办单位" not in page.body_html


def test_a_table_in_the_body_is_not_the_metadata_table():
    body = BODY + (
        "<table><tr><td>名称</td><td>文号</td><td>发布日期</td></tr>"
        "<tr><td>关于甲的通知</td><td>某政〔2020〕1号</td><td>2020-05-05</td></tr></table>"
    )
    page = extract_page(page_of(body=body), URL)
    assert page.document_number == "" and page.index_number == ""
    assert page.published_on == date(2020, 4, 4)  # the address, not the body's table
    assert "某政〔2020〕1号" in page.body_html


def test_a_notice_paragraph_with_a_time_is_not_a_date_line():
    body = BODY + "<p>时间：2021年6月1日上午9时</p><p>地点：区政府三楼会议室</p>"
    page = extract_page(page_of(body=body), URL)
    assert page.published_on == date(2020, 4, 4)
    assert "2021年6月1日上午9时" in text_of(page.body_html)


def test_labels_glued_together_on_one_line():
    line = (
        "发布时间:2017-10-25来源:温州市瓯海区字号:[ <a href='javascript:doZoom(20)'>大</a> 中 小 ]"
    )
    page = extract_page(page_of(line=line), URL)
    assert page.published_on == date(2017, 10, 25) and page.source_name == "温州市瓯海区"
    assert_clean(page.body_html)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017-10-25", date(2017, 10, 25)),
        ("2017年10月25日", date(2017, 10, 25)),
        ("2017年9月5日 10:20", date(2017, 9, 5)),
        ("2017/10/25", date(2017, 10, 25)),
        ("2017.10.25", date(2017, 10, 25)),
        ("发布时间：2017-13-40", None),
        ("第2017号", None),
    ],
)
def test_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "关于印发2017年政务公开工作要点的通知_通知公告_某某区人民政府",
            "关于印发2017年政务公开工作要点的通知",
        ),
        ("区教育局召开会议--某某区人民政府门户网站", "区教育局召开会议"),
        ("2017-2018学年第一学期校历", "2017-2018学年第一学期校历"),
        ("2017-2018学年第一学期校历 - 某某区教育网", "2017-2018学年第一学期校历"),
    ],
)
def test_title_tag_loses_the_site_suffix(title, expected):
    meta = (
        '<meta name="ColumnName" content="通知公告"><meta name="SiteName" content="某某区人民政府">'
    )
    assert extract_page(page_of(meta=meta, title=title), URL).title == expected


# --- what is removed ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "hidden",
    [
        '<div style="display:none"><a href="http://spam.example/">隐藏链接</a></div>',
        '<div style="DISPLAY: NONE;"><a href="http://spam.example/">隐藏链接</a></div>',
        '<span style="visibility:hidden"><a href="http://spam.example/">隐藏链接</a></span>',
        '<span style="font-size:0"><a href="http://spam.example/">隐藏链接</a></span>',
        '<span style="font-size: 0px; color:#fff"><a href="http://spam.example/">隐藏链接</a></span>',
        '<span style="font-size:1px"><a href="http://spam.example/">隐藏链接</a></span>',
        '<div style="position:absolute;left:-9999px"><a href="http://spam.example/">隐藏链接</a></div>',
        '<div style="text-indent:-5000px"><a href="http://spam.example/">隐藏链接</a></div>',
        '<div style="height:0;overflow:hidden"><a href="http://spam.example/">隐藏链接</a></div>',
        '<p hidden><a href="http://spam.example/">隐藏链接</a></p>',
        '<p class="seo"><a href="http://spam.example/">隐藏链接</a></p><style>.seo{display:none}</style>',
        '<p id="x1"><a href="http://spam.example/">隐藏链接</a></p><style>#x1 {visibility:hidden}</style>',
    ],
)
def test_hidden_elements_are_removed(hidden):
    page = extract_page(page_of(body=BODY + hidden + "<p>会后，与会人员进行了交流讨论。</p>"), URL)
    assert "隐藏链接" not in page.body_html and "spam.example" not in page.body_html
    assert "交流讨论" in page.body_html
    assert page.files == []


def test_visible_small_text_and_ordinary_styles_stay():
    body = (
        BODY + '<p style="font-size:0.9em;text-indent:2em;left:0">注：本通知自发布之日起施行。</p>'
    )
    assert "自发布之日起施行" in extract_page(page_of(body=body), URL).body_html


def test_a_wrapper_named_like_furniture_that_holds_the_article_stays():
    body = f'<div class="top-content">{BODY * 3}</div>'
    page = extract_page(page_of(body=body), URL)
    assert compact(text_of(page.body_html)).count("为进一步做好政务公开工作") == 9


def test_a_row_marker_inside_a_long_paragraph_removes_only_the_link():
    long = "本次会议要求各单位高度重视。" * 30
    body = f'<p>{long}<a href="javascript:window.print()">【打印本页】</a></p>'
    page = extract_page(page_of(body=body), URL)
    assert "打印本页" not in page.body_html
    assert compact(long) in compact(text_of(page.body_html))


def test_attachment_links_and_images_are_files_as_written():
    body = BODY + (
        '<p><a href="../files/a.PDF">办事指南</a> <a href="/dl.jsp?filename=b.xlsx">清单</a>'
        ' <a href="c.wps">c</a> <a href="d.ofd">d</a> <a href="e.zip">e</a> <a href="x.html">页面</a>'
        ' <img src="f.gif" alt="示意图"> <img src="/count.jsp?id=1" width="1" height="1">'
        ' <img src="data:image/png;base64,AAAA"></p>'
    )
    page = extract_page(page_of(body=body), URL)
    assert [(file.href, file.is_image) for file in page.files] == [
        ("../files/a.PDF", False),
        ("/dl.jsp?filename=b.xlsx", False),
        ("c.wps", False),
        ("d.ofd", False),
        ("e.zip", False),
        ("f.gif", True),
    ]
    assert page.files[-1].alt == "示意图" and page.files[0].text == "办事指南"


def test_the_site_logo_is_not_a_file_of_the_page():
    page = read(TITLE_ONLY)  # /skin/logo.gif sits in the page's top table
    assert all("logo" not in file.href for file in page.files)


# --- bad pages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "words"),
    [
        ("", "空的"),
        ("   \n", "空的"),
        ("纯文本，没有任何标签。", "不是 HTML"),
        (
            gzip.compress("<html><body><p>正文</p></body></html>".encode(), mtime=0).decode(
                "latin-1"
            ),
            "不是可读",
        ),
        (
            "<html><head></head><body><p>" + "这是一段没有标题的正文。" * 10 + "</p></body></html>",
            "没有标题",
        ),
        ("<html><head><title>有标题的页面</title></head><body></body></html>", "没有正文"),
        (
            "<html><head><title>有标题的页面</title></head><body><script>document.write('正文由脚本生成')</script></body></html>",
            "没有正文",
        ),
    ],
    ids=["empty", "blank", "plain-text", "gzip", "no-title", "no-body", "script-body"],
)
def test_pages_that_cannot_be_read_raise_extraction_error(html, words):
    with pytest.raises(ExtractionError) as error:
        extract_page(html, URL)
    assert words in str(error.value)


# --- encodings ------------------------------------------------------------------------------

GBK_PAGE = (
    "<html><head>{meta}<title>镕堃喆</title></head><body><p>朱镕基、李堃、王喆</p></body></html>"
)


@pytest.mark.parametrize("label", ["gb2312", "GB2312", "gbk", "GB_2312-80", "x-gbk", "cp936"])
def test_gb_family_declarations_read_as_gb18030(label):
    data = GBK_PAGE.format(
        meta=f'<meta http-equiv="Content-Type" content="text/html; charset={label}">'
    )
    text = decode_html(data.encode("gbk"))
    assert "朱镕基、李堃、王喆" in text
    assert "朱镕基、李堃、王喆" in decode_html(data.encode("gbk"), label)


def test_http_header_beats_the_meta_tag():
    data = GBK_PAGE.format(meta='<meta charset="utf-8">').encode("gb18030")
    assert "朱镕基" in decode_html(data, "text/html; charset=GB2312")


def test_undeclared_pages_are_tried_as_utf8_then_gb18030():
    page = GBK_PAGE.format(meta="")
    assert "朱镕基" in decode_html(page.encode("utf-8"))
    assert "朱镕基" in decode_html(page.encode("gb18030"))


def test_byte_order_mark_wins_and_is_dropped():
    page = GBK_PAGE.format(meta='<meta charset="gb2312">')
    text = decode_html(b"\xef\xbb\xbf" + page.encode("utf-8"))
    assert text.startswith("<html>") and "朱镕基" in text
    assert "朱镕基" in decode_html(b"\xff\xfe" + page.encode("utf-16-le"))


def test_a_stale_gb2312_declaration_over_a_utf8_page():
    page = GBK_PAGE.format(meta='<meta charset="gb2312">')
    assert "朱镕基" in decode_html(page.encode("utf-8"))


def test_unknown_declared_charset_falls_back():
    page = GBK_PAGE.format(meta='<meta charset="no-such-charset">')
    assert "朱镕基" in decode_html(page.encode("gb18030"))


# --- the content root without CMS markers ---------------------------------------------------


def test_an_asp_net_page_wrapped_in_one_form_keeps_its_body():
    html = page_of().replace("<body>", '<body><form id="form1" method="post" action="./a.aspx">')
    html = html.replace(
        "</body>", '<input type="hidden" name="__VIEWSTATE" value="x"></form></body>'
    )
    page = extract_page(html, URL)
    assert "为进一步做好政务公开工作" in page.body_html
    assert "__VIEWSTATE" not in page.body_html


def test_content_split_over_sibling_divs_is_kept_whole():
    sections = "".join(
        f'<div class="WordSection{n}"><p>第{n}部分。{"本部分规定了政务公开的具体要求，各单位应当遵照执行。" * 2}</p></div>'
        for n in range(1, 5)
    )
    html = page_of(body=sections).replace('<div id="content">', '<div class="wrap">')
    page = extract_page(html, URL)
    text = text_of(page.body_html)
    assert all(f"第{n}部分" in text for n in range(1, 5))
    assert "机构" not in text and "主办单位" not in text


def test_old_layout_with_text_in_table_cells_and_line_breaks():
    lines = "<br>".join(
        "　　" + "镇村两级干部参加培训，学习了农村集体资产管理的有关规定。" * 2 for _ in range(4)
    )
    html = f"""<html><head><title>镇里开展农村集体资产管理培训-某某镇人民政府</title></head><body>
    <table width="760"><tr><td class="menu"><a href="/">首页</a> <a href="/a">新闻</a> <a href="/b">公告</a>
    <a href="/c">办事</a> <a href="/d">互动</a></td></tr>
    <tr><td>发布日期：2009-6-8　来源：镇农办</td></tr>
    <tr><td>{lines}</td></tr><tr><td>【<a href="javascript:window.close()">关闭窗口</a>】</td></tr></table>
    </body></html>"""
    page = extract_page(html, "http://www.example.gov.cn/news/show.asp?id=12")
    assert page.title == "镇里开展农村集体资产管理培训"
    assert page.published_on == date(2009, 6, 8) and page.source_name == "镇农办"
    assert page.organisation_name == "镇农办"
    assert text_of(page.body_html).count("农村集体资产管理的有关规定") == 8
    assert_clean(page.body_html)
    assert "首页" not in page.body_html


def test_a_short_marked_article_with_many_related_links_is_not_a_listing():
    related = "".join(
        f'<li><a href="/art/{n}.html">相关新闻标题第{n}条</a></li>' for n in range(20)
    )
    html = page_of(
        body='<div id="zoom"><p>区政府召开常务会议，研究部署近期工作。</p></div><ul>'
        + related
        + "</ul>"
    )
    page = extract_page(html, URL)
    assert not page.is_listing
    assert "研究部署近期工作" in page.body_html


# --- metadata tables of other shapes --------------------------------------------------------

METADATA_SHAPES = {
    "dl": """<dl class="info"><dt>索引号：</dt><dd>11330304/2021-00007</dd><dt>发布机构：</dt>
        <dd>区财政局</dd><dt>文号：</dt><dd>瓯财〔2021〕3号</dd><dt>成文日期：</dt><dd>2021-01-05</dd></dl>""",
    "ul": """<ul class="xxgk-meta"><li><span>索引号：</span>11330304/2021-00007</li>
        <li><b>发布机构：</b>区财政局</li><li>文号：瓯财〔2021〕3号</li><li>成文日期：2021年1月5日</li></ul>""",
    "div grid": """<div class="gk-head"><div class="row"><div class="k">索 引 号</div>
        <div class="v">11330304/2021-00007</div></div><div class="row"><div class="k">发布机构：</div>
        <div class="v">区财政局</div></div><div class="row"><div class="k">文　　号：</div>
        <div class="v">瓯财〔2021〕3号</div><div class="k">成文日期：</div><div class="v">2021-01-05</div></div></div>""",
    "two labels in one cell": """<table><tr><td>索引号：11330304/2021-00007　发布机构：区财政局</td></tr>
        <tr><td>文号：瓯财〔2021〕3号　成文日期：2021-01-05</td></tr></table>""",
}


@pytest.mark.parametrize("shape", sorted(METADATA_SHAPES))
def test_metadata_table_shapes(shape):
    page = extract_page(page_of(table=METADATA_SHAPES[shape]), URL)
    assert page.index_number == "11330304/2021-00007"
    assert page.organisation_name == "区财政局"
    assert page.document_number == "瓯财〔2021〕3号"
    assert page.written_on == date(2021, 1, 5)
    assert "11330304" not in page.body_html and "发布机构" not in page.body_html


def test_labels_scattered_over_the_page_are_not_a_table():
    body = (
        BODY
        + "<p>文号：以正式文件为准。</p><div><p>索引号：见附件说明，本页不再列出，请各单位自行查阅。</p></div>"
    )
    page = extract_page(page_of(body=body), URL)
    assert page.index_number == "" and page.document_number == ""
    assert "以正式文件为准" in text_of(page.body_html)


def test_xhtml_declaration_and_content_type_without_charset():
    html = '<?xml version="1.0" encoding="utf-8"?>\n' + page_of(meta=META)
    assert extract_page(html, URL).title == "甲通知"
    assert "朱镕基" in decode_html("<p>朱镕基</p>".encode(), "text/html")


def test_a_template_head_with_the_title_and_its_line_is_not_furniture():
    head = '<div class="article-head"><h1>区政府召开第十次常务会议</h1><div class="info">发布时间：2022-05-06 来源：区政府办公室</div></div>'
    page = extract_page(page_of(heading=head, title="区政府召开第十次常务会议"), URL)
    assert page.title == "区政府召开第十次常务会议" and page.evidence["title"] == "heading"
    assert page.published_on == date(2022, 5, 6) and page.source_name == "区政府办公室"


def test_base_href_is_reported():
    html = page_of().replace("<head>", '<head><base href="http://www.example.gov.cn/xxgk/">')
    assert extract_page(html, URL).base_href == "http://www.example.gov.cn/xxgk/"
    assert read(HANWEB).base_href == ""
