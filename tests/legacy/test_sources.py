"""Saved old sites as the importer reads them: a folder (with or without its host folder), a
WARC written with warcio, a zip of a crawl; a zip bomb and unreadable sources refused."""

import io
import os
import zipfile

import pytest

from gongkai.legacy.sources import (
    FolderSource,
    SourceError,
    WarcSource,
    ZipSource,
    open_source,
)
from tests.records.files import pdf_bytes

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><p>{title}的正文。</p><a href="/uploads/a.pdf">附件</a></body></html>"""


def page(title: str) -> bytes:
    return PAGE.format(title=title).encode()


def write(root, relative, data: bytes):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_folder_with_host_folder(tmp_path):
    host = "www.oldsite.gov.cn"
    write(tmp_path, f"{host}/art/2017/10/25/art_1229_2.html", page("第二篇"))
    write(tmp_path, f"{host}/art/2017/10/25/art_1229_1.html", page("第一篇"))
    write(tmp_path, f"{host}/index.html", page("首页"))
    write(tmp_path, f"{host}/uploads/a.pdf", pdf_bytes())
    # a page saved without an extension is recognised by its content, a stray binary is not
    write(tmp_path, f"{host}/content?id=7", page("无扩展名"))
    write(tmp_path, f"{host}/blob", b"\x00\x01binary")

    source = open_source(tmp_path)
    assert isinstance(source, FolderSource)
    urls = [p.url for p in source.pages()]
    assert urls == sorted(urls, key=lambda u: u.split(host)[1])  # stable, by path
    assert f"http://{host}/art/2017/10/25/art_1229_1.html" in urls
    assert f"http://{host}/content?id=7" in urls
    assert f"http://{host}/index.html" in urls
    assert not any(u.endswith(("blob", ".pdf")) for u in urls)
    assert source.page_count() == len(urls) == 4
    assert source.hosts == (host,)
    first = next(p for p in source.pages() if p.url.endswith("art_1229_1.html"))
    assert "第一篇".encode() in first.data
    assert source.file(f"http://{host}/uploads/a.pdf") == pdf_bytes()
    assert source.file(f"https://{host.upper()}/uploads/a.pdf#page=2") == pdf_bytes()
    assert source.file(f"http://{host}/uploads/missing.pdf") is None


def test_folder_without_host_folder_uses_paths_from_its_root(tmp_path):
    write(tmp_path, "art/2017/art_1.htm", page("一"))
    write(tmp_path, "xxgk/index.shtml", page("二"))
    write(tmp_path, "uploads/附件 一.pdf", pdf_bytes())
    source = open_source(tmp_path)
    assert [p.url for p in source.pages()] == ["/art/2017/art_1.htm", "/xxgk/index.shtml"]
    assert source.file("/uploads/附件%20一.pdf") == pdf_bytes()
    assert source.file("http://any.host.cn/uploads/附件 一.pdf") == pdf_bytes()
    assert source.hosts == ()


def test_the_host_folder_itself(tmp_path):
    root = tmp_path / "www.oldsite.gov.cn"
    write(root, "art/a.html", page("甲"))
    source = open_source(root)
    assert [p.url for p in source.pages()] == ["http://www.oldsite.gov.cn/art/a.html"]


def test_warc_written_with_warcio(tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "crawl.warc.gz"
    gb_page = "<html><head><title>公告</title></head><body><p>经济发展</p></body></html>"
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)

        def response(url, body: bytes, content_type, status="200 OK"):
            headers = StatusAndHeaders(
                status, [("Content-Type", content_type)], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=headers
            )
            writer.write_record(record)

        response("http://www.old.gov.cn/art/1.html", page("第一篇"), "text/html; charset=utf-8")
        response(
            "http://www.old.gov.cn/art/2.html",
            gb_page.encode("gb18030"),
            "text/html; charset=gb2312",
        )
        response("http://www.old.gov.cn/uploads/a.pdf", pdf_bytes(), "application/pdf")
        response("http://www.old.gov.cn/sniffed", page("无类型"), "application/octet-stream")
        response("http://www.old.gov.cn/gone.html", b"not found", "text/html", "404 Not Found")
        writer.write_record(
            writer.create_warc_record(
                "http://www.old.gov.cn/art/1.html",
                "request",
                payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"),
            )
        )

    source = open_source(path)
    assert isinstance(source, WarcSource)
    pages = list(source.pages())
    assert [p.url for p in pages] == [
        "http://www.old.gov.cn/art/1.html",
        "http://www.old.gov.cn/art/2.html",
        "http://www.old.gov.cn/sniffed",
    ]
    assert pages[1].charset == "gb2312"
    assert pages[1].data.decode("gb18030") == gb_page
    assert source.file("http://www.old.gov.cn/uploads/a.pdf") == pdf_bytes()
    assert source.file("/uploads/a.pdf") == pdf_bytes()
    assert source.file("http://www.old.gov.cn/gone.html") is None
    assert source.hosts == ("www.old.gov.cn",)


def make_zip(path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_zip_of_a_crawl_either_layout(tmp_path):
    hosted = make_zip(
        tmp_path / "crawl.zip",
        {
            "crawl/www.old.gov.cn/art/b.html": page("乙"),
            "crawl/www.old.gov.cn/art/a.html": page("甲"),
            "crawl/www.old.gov.cn/uploads/a.pdf": pdf_bytes(),
        },
    )
    source = open_source(hosted)
    assert isinstance(source, ZipSource)
    assert [p.url for p in source.pages()] == [
        "http://www.old.gov.cn/art/a.html",
        "http://www.old.gov.cn/art/b.html",
    ]
    assert source.file("http://www.old.gov.cn/uploads/a.pdf") == pdf_bytes()
    source.close()

    rooted = make_zip(tmp_path / "site.zip", {"art/a.html": page("甲"), "img/x.pdf": pdf_bytes()})
    with open_source(rooted) as source:
        assert [p.url for p in source.pages()] == ["/art/a.html"]
        assert source.file("/img/x.pdf") == pdf_bytes()


def test_zip_bomb_refused(tmp_path):
    bomb = make_zip(
        tmp_path / "bomb.zip",
        {"www.old.gov.cn/a.html": page("甲"), "big.html": b"0" * (30 * 1024 * 1024)},
    )
    with pytest.raises(SourceError, match="可能是恶意压缩包"):
        open_source(bomb)
    # a large member that compresses as files do is no bomb
    members = {"art/a.html": page("甲"), "art/video.mp4": os.urandom(3 * 1024 * 1024)}
    with open_source(make_zip(tmp_path / "ok.zip", members)) as source:
        assert len(list(source.pages())) == 1
        assert len(source.file("/art/video.mp4")) == 3 * 1024 * 1024


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("missing", None, "来源不存在"),
        ("bad.zip", b"PK\x03\x04 not really a zip", "不是有效的 zip 文件"),
        ("bad.warc", b"WARC/1.0\r\nthis is no warc", "不是可读取的 WARC 文件"),
        ("notes.txt", b"hello", "无法识别来源"),
    ],
)
def test_unreadable_sources_say_why_in_chinese(tmp_path, name, data, message):
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    with pytest.raises(SourceError, match=message):
        open_source(path)


def test_zip_made_on_chinese_windows_keeps_its_gbk_names(tmp_path, monkeypatch):
    """Such zips store GBK names without the UTF-8 flag; zipfile reads them as cp437."""
    path = tmp_path / "crawl.zip"
    names = {"www.old.gov.cn/通知/a.html": page("甲"), "www.old.gov.cn/附件/说明.pdf": pdf_bytes()}

    def gbk_name(self):  # how such a zip was written: raw GBK bytes, no UTF-8 flag
        return self.filename.encode("gbk"), self.flag_bits & ~0x800

    with monkeypatch.context() as patch:
        patch.setattr(zipfile.ZipInfo, "_encodeFilenameFlags", gbk_name)
        make_zip(path, names)
    with zipfile.ZipFile(path) as raw:
        assert "www.old.gov.cn/通知/a.html" not in raw.namelist()  # garbled as cp437
    with open_source(path) as source:
        assert [p.url for p in source.pages()] == ["http://www.old.gov.cn/通知/a.html"]
        assert source.file("http://www.old.gov.cn/%E9%99%84%E4%BB%B6/说明.pdf") == pdf_bytes()
