"""A small saved old site written for the importer's tests: articles in two templates (one
saved twice), a broken page, files beside them (accepted, an old .doc, one missing)."""

from __future__ import annotations

from pathlib import Path

from tests.records.files import pdf_bytes, png_bytes

HOST = "www.old.gov.cn"

HANWEB = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta name="SiteName" content="旧站人民政府"><meta name="ColumnName" content="{column}">
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{date} 09:30">
<meta name="ContentSource" content="区住房和城乡建设局">
<title>{title}_旧站人民政府</title></head>
<body>
<div class="nav"><a href="/">首页</a> &gt; <a href="/col/col1229/index.html">{column}</a></div>
<div class="article">
<h1>{title}</h1>
<div class="info">发布时间：{date} 来源：区住房和城乡建设局 字号：[大 中 小]</div>
<div id="zoom">{body}</div>
</div>
<div class="share">分享到：微信 微博</div>
<div class="foot">【打印本页】【关闭窗口】 主办：旧站人民政府</div>
</body></html>"""

MOBILE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{title}</title></head>
<body><header>手机版 旧站人民政府</header>
<article><h1>{title}</h1><p class="time">{date}</p>
{body}
</article><footer>返回顶部</footer></body></html>"""

PARAGRAPHS = {
    "water": [
        "各街道办事处、区直各单位：",
        "为进一步提升城区供水保障能力，经区政府研究决定，自2017年11月1日起对人民路、"
        "湖心路沿线供水管网实施改造。改造期间部分区域将临时停水，请各单位提前做好储水准备。",
        "停水时间：2017年11月1日8:00至18:00。停水范围：人民路（菱湖南路至湖心中路段）"
        "两侧居民小区及单位。如有疑问，请拨打供水服务热线咨询。",
        "各单位要向辖区居民做好解释工作，确保改造工作顺利进行，减少对群众生活的影响。特此通知。",
    ],
    "safety": [
        "各街道办事处、区直各单位：",
        "春节将至，为切实做好节日期间安全生产工作，防范和遏制各类生产安全事故发生，"
        "现将有关事项通知如下：一、加强隐患排查治理，重点检查人员密集场所和危险化学品企业。",
        "二、严格落实值班值守制度，确保信息畅通。三、做好应急准备，遇有突发情况及时处置并报告。",
        "请各单位于2018年2月10日前将排查情况报区安委办。特此通知。",
    ],
}


def _body(key: str, extra: str = "", indent: str = "") -> str:
    return "\n".join(f"<p>{indent}{text}</p>" for text in PARAGRAPHS[key]) + extra


def write(root: Path, relative: str, data: bytes | str) -> Path:
    path = root / HOST / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def old_site(root: Path) -> Path:
    """The saved site under `root` (host folder first); returns root."""
    files = (
        '<p>附件：<a href="/uploads/2017/P0201710.pdf">停水区域图.pdf</a></p>'
        '<p><img src="/uploads/2017/W0201710.png" alt="改造路段示意图"></p>'
        '<p><a href="/uploads/2017/old.doc">停水安排表.doc</a></p>'
        '<p><a href="/uploads/2017/gone.pdf">未保存的附件.pdf</a></p>'
    )
    write(
        root,
        "art/2017/10/25/art_1229_1.html",
        HANWEB.format(
            column="通知公告",
            title="关于城区供水管网改造期间临时停水的通知",
            date="2017-10-25",
            body=_body("water", files),
        ),
    )
    write(
        root,
        "art/2018/1/25/art_1229_2.html",
        HANWEB.format(
            column="通知公告",
            title="关于做好2018年春节期间安全生产工作的通知",
            date="2018-01-25",
            body=_body(
                "safety",
                '<p>另见<a href="http://www.old.gov.cn/art/2017/10/25/art_1229_1.html">停水通知</a>，'
                '<a href="https://www.gov.cn/zhengce/">中国政府网</a>。</p>',
            ),
        ),
    )
    # the first article again, in the mobile template, with other whitespace
    write(
        root,
        "wap/art_1229_1.html",
        MOBILE.format(
            title="关于城区供水管网改造期间临时停水的通知",
            date="2017-10-25",
            body=_body("water", files, indent="\u3000\u3000"),
        ),
    )
    # a download that stopped: a truncated gzip stream saved as .html
    write(
        root, "art/2017/11/2/art_1229_9.html", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xed\xbd"
    )
    write(root, "uploads/2017/P0201710.pdf", pdf_bytes())
    write(root, "uploads/2017/W0201710.png", png_bytes())
    write(root, "uploads/2017/old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    return root
