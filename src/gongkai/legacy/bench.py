"""`gongkai bench legacy`: importing a generated old site of 5,000 pages into a fresh
database, against just reading the same files (read + decode) in the same run.

The pages are written in the fixture site's three CMS styles (大汉 Hanweb article with the
government-site meta tags, TRS WCM 信息公开 page with the metadata table, 南威 page declared
GB2312 with hidden links), with a column list page per column, a copy of every 25th page
under a mobile address (duplicates) and a PDF beside every 20th page. Registered by
plugin_bench (legacy/apps.py PLUGINS); the bench command writes var/bench/legacy.json.

`--records N` sets the number of pages (the command's default, meant for the site bench,
means 5,000 here)."""

from __future__ import annotations

import html
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from gongkai.core.bench import BenchOptions, fresh_database

DEFAULT_PAGES = 5000
HOST = "www.bench-old.gov.cn"
COLUMNS = ["通知公告", "政务动态", "部门动态", "政策文件"]

HANWEB = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{title}_{column}_基准区人民政府</title>
<meta name="SiteName" content="基准区人民政府"><meta name="SiteIDCode" content="3408020099">
<meta name="ColumnName" content="{column}"><meta name="ArticleTitle" content="{title}">
<meta name="PubDate" content="{date} 16:21"><meta name="ContentSource" content="{org}">
<meta name="Keywords" content="{column}">
<script>var _hmt = _hmt || [];</script></head>
<body><div class="top"><a href="/">首页</a> | <a href="/wza/">无障碍</a></div>
<div class="nav"><a href="/">首页</a> &gt; <a href="/col/{column_id}/index.html">{column}</a></div>
<div class="main"><h1>{title}</h1>
<div class="info">发布时间:{date}来源:{org}字号:[ <a href="#">大</a> <a href="#">中</a> <a href="#">小</a> ]</div>
<div id="zoom">{body}{files}</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
<div class="pn">【<a href="#">上一篇</a>】【<a href="#">下一篇</a>】【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div>
</div><div class="foot">主办：基准区人民政府办公室 Produced By 大汉网络 大汉版通发布系统</div></body></html>"""

TRS = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<title>{title}_{column}_基准区人民政府</title>
<meta name="SiteName" content="基准区人民政府"><meta name="ColumnName" content="{column}">
</head><body><div class="location">您当前的位置：<a href="/">首页</a>&nbsp;&gt;&nbsp;<a href="/col/{column_id}/index.html">{column}</a></div>
<table class="xxgk_table"><tbody>
<tr><th>索 引 号：</th><td>003151935/{year}-{serial:05d}</td><th>主题分类：</th><td>综合政务\\政务公开</td></tr>
<tr><th>发布机构：</th><td>{org}</td><th>成文日期：</th><td>{date}</td></tr>
<tr><th>名　　称：</th><td colspan="3">{title}</td></tr>
<tr><th>文　　号：</th><td>基政办〔{year}〕{serial}号</td><th>发布日期：</th><td>{date}</td></tr>
</tbody></table>
<div class="article"><div class="article_title">{title}</div>
<div class="article_info"><span>信息来源：{org}</span><span>【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</span></div>
<div class="article_content" id="zoom"><div class="TRS_Editor"><style>.TRS_Editor P{{line-height:1.8}}</style>{body}</div></div>
<div class="article_fj">{files}</div>
<div class="article_btn"><a href="javascript:window.print()">【打印本页】</a><a href="javascript:window.close()">【关闭窗口】</a></div>
</div><div class="foot">技术支持：拓尔思信息技术股份有限公司</div></body></html>"""

NANWEI = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html><head><meta charset="gb2312"><title>{title}--基准区人民政府门户网站</title>
<style>.yc_link {{ display: none; }}</style></head>
<body><div id="menu"><a href="/">首页</a><a href="/xwzx/">新闻中心</a></div>
<div class="weizhi">当前位置：<a href="/">首页</a> &gt;&gt; <a href="/col/{column_id}/index.html">{column}</a></div>
<div class="con"><h1 class="con_title">{title}</h1>
<div class="con_info">信息来源：{org}　　发布日期：{date}　　浏览次数：<span>1287</span></div>
<div class="con_txt" id="zoom">{body}
<div style="display:none"><a href="http://bet-casino.example/">澳门博彩娱乐城官网</a></div>
<p class="yc_link"><a href="http://loan.example/">无抵押快速贷款</a></p>{files}</div>
<div class="con_btn">【<a href="javascript:window.print()">打印</a>】【<a href="javascript:window.close()">关闭</a>】</div>
</div></body></html>"""

MOBILE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>
<body><header>基准区人民政府 手机版</header><article><h1>{title}</h1><p>{date}</p>
{body}{files}</article><footer>返回顶部 | 电脑版</footer></body></html>"""

LISTING = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{column}_基准区人民政府</title>
<meta name="ColumnName" content="{column}"></head>
<body><div class="nav"><a href="/">首页</a> &gt; {column}</div><ul class="list">{items}</ul>
<div class="page">共 {count} 条 首页 上一页 下一页 尾页</div></body></html>"""


def _paragraphs(body: str) -> str:
    parts = [p for p in body.replace("。", "。\n").split("\n") if p.strip()]
    groups = ["".join(parts[i : i + 3]) for i in range(0, len(parts), 3)]
    return "".join(f"<p>\u3000\u3000{html.escape(g)}</p>" for g in groups)


def _pdf() -> bytes:
    from io import BytesIO

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def generate_site(root: Path, pages: int, seed: int = 15) -> dict:
    """Write `pages` pages (documents, their mobile copies and list pages together) under
    root/HOST; returns what was written."""
    from gongkai.search.bench import iter_corpus

    site = root / HOST
    pdf = _pdf()
    listings = len(COLUMNS)
    copies = (pages - listings) // 26  # one copy per 25 documents
    documents = pages - listings - copies
    written = {"documents": 0, "copies": 0, "listings": 0, "files": 0, "bytes": 0}
    by_column: dict[int, list[tuple[str, str, str]]] = {i: [] for i in range(len(COLUMNS))}

    def save(relative: str, text: str, encoding: str = "utf-8") -> None:
        path = site / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode(encoding)
        path.write_bytes(data)
        written["bytes"] += len(data)

    for n, doc in enumerate(iter_corpus(documents, seed=seed), start=1):
        column_index = n % len(COLUMNS)
        date = doc.published_at.date()
        folder = f"art/{date.year}/{date.month}/{date.day}"
        relative = f"{folder}/art_{1229 + column_index}_{n}.html"
        files = ""
        if n % 20 == 0:
            name = f"P0{date:%Y%m%d}{n:06d}.pdf"
            files = f'<p>附件：<a href="/{folder}/{name}">{html.escape(doc.title[:40])}.pdf</a></p>'
            (site / folder).mkdir(parents=True, exist_ok=True)
            (site / folder / name).write_bytes(pdf)
            written["files"] += 1
        values = {
            "title": html.escape(doc.title),
            "column": COLUMNS[column_index],
            "column_id": f"col{1229 + column_index}",
            "date": date.isoformat(),
            "year": date.year,
            "serial": n,
            "org": html.escape(doc.organisation_name),
            "body": _paragraphs(doc.body),
            "files": files,
        }
        style = n % 3
        template = (HANWEB, TRS, NANWEI)[style]
        save(relative, template.format(**values), "gb18030" if style == 2 else "utf-8")
        written["documents"] += 1
        by_column[column_index].append((relative, doc.title, date.isoformat()))
        if n % 25 == 0 and written["copies"] < copies:
            save(f"wap/{relative}", MOBILE.format(**values))
            written["copies"] += 1
    for column_index, entries in by_column.items():
        items = "".join(  # the first of its pages, 20 items, as the CMSs paginate
            f'<li><span>{day}</span><a href="/{rel}">{html.escape(title)}</a></li>'
            for rel, title, day in entries[:20]
        )
        save(
            f"col/col{1229 + column_index}/index.html",
            LISTING.format(column=COLUMNS[column_index], items=items, count=len(entries)),
        )
        written["listings"] += 1
    written["pages"] = written["documents"] + written["copies"] + written["listings"]
    return written


def read_baseline(root: Path) -> tuple[int, float]:
    """Seconds to read and decode every page of the source: the floor an import stands on."""
    from .extract import decode_html
    from .sources import open_source

    start = time.perf_counter()
    count = 0
    with open_source(root) as source:
        for saved in source.pages():
            decode_html(saved.data, saved.charset)
            count += 1
    return count, time.perf_counter() - start


def measure(root: Path, site, report_dir: Path, progress: bool = False) -> dict:
    """Import the generated site into `site` (files stored under the current MEDIA_ROOT),
    then import it again (everything already done), both against the reading baseline."""
    from .importer import import_source

    read_pages, read_seconds = read_baseline(root)
    start = time.perf_counter()
    run = import_source(root, site, report_path=report_dir / "import.csv", progress=progress)
    import_seconds = time.perf_counter() - start
    start = time.perf_counter()
    again = import_source(root, site, report_path=report_dir / "again.csv")
    rerun_seconds = time.perf_counter() - start
    read_rate = read_pages / read_seconds if read_seconds else 0.0
    import_rate = run.pages_seen / import_seconds if import_seconds else 0.0
    return {
        "pages": run.pages_seen,
        "imported": run.imported,
        "duplicates": run.duplicates,
        "failed": run.failed,
        "listings": run.options.get("listings", 0),
        "rerun_already_done": again.already_done,
        "rerun_imported": again.imported,
        "read_seconds": round(read_seconds, 3),
        "read_pages_per_second": round(read_rate, 1),
        "import_seconds": round(import_seconds, 3),
        "import_pages_per_second": round(import_rate, 1),
        "rerun_seconds": round(rerun_seconds, 3),
        "rerun_pages_per_second": round(run.pages_seen / rerun_seconds, 1) if rerun_seconds else 0,
        "import_vs_read": round(import_rate / read_rate, 4) if read_rate else 0.0,
    }


def pages_wanted(options: BenchOptions) -> int:
    if options.extra.get("pages"):
        return int(options.extra["pages"])
    if options.records != BenchOptions.records:  # the command's --records, given explicitly
        return options.records
    return DEFAULT_PAGES


def bench_legacy(options: BenchOptions, write: Callable[[str], None]) -> dict:
    """Generate the old site, then import it into a fresh temporary database."""
    from django.test import override_settings

    pages = pages_wanted(options)
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-legacy-") as tmp:
        tmp_path = Path(tmp)
        write(f"生成 {pages} 个旧站页面（大汉、TRS、南威三种样式，含重复页、栏目页、附件）…")
        start = time.perf_counter()
        written = generate_site(tmp_path / "saved", pages)
        generated = time.perf_counter() - start

        def run() -> dict:
            from gongkai.core.models import Site

            site = Site.objects.create(slug="bench-legacy", name="基准区人民政府")
            with override_settings(MEDIA_ROOT=tmp_path / "media"):
                return measure(tmp_path / "saved", site, tmp_path, progress=options.progress)

        write("在临时新数据库中导入 …")
        figures = fresh_database(run)
    return {
        **figures,
        "generated": written,
        "generate_seconds": round(generated, 3),
    }
