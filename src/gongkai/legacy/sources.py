"""Where the saved old site comes from: a folder of saved pages, a WARC file (warcio) or a zip
of a crawl, with the attachments and images saved beside the pages. Nothing is ever fetched
from the network: a file the crawl did not save is reported missing, never downloaded.

`open_source(path) -> Source`; `Source.pages()` yields SavedPage for every HTML page in a
stable order (sorted paths for a folder or zip, record order for a WARC); `Source.file(url)`
finds a linked file by its absolute old URL (or None); `SourceError` (Chinese message) for a
missing or unreadable source.

Layouts of a folder or zip: a host folder first, as wget and most site savers write it
(`www.oldsite.gov.cn/art/2017/…` → `http://www.oldsite.gov.cn/art/2017/…`), or the site's
paths from the root (`art/2017/…` → `/art/2017/…`, no host known). A zip may wrap either in
one folder named like the zip itself (`oldsite.zip` holding `oldsite/…`)."""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from gongkai.records.content import MAX_UPLOAD_BYTES

from .paths import old_path

#: extensions of saved pages; anything else is a file unless its first bytes say HTML
PAGE_EXTENSIONS = {".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php"}
#: extensions that are never pages, so they are not opened to sniff
FILE_EXTENSIONS = {
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".wps", ".et", ".ofd", ".txt",
    ".rtf", ".zip", ".rar", ".7z", ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".svg",
    ".ico", ".css", ".js", ".mp4", ".mp3", ".flv", ".swf", ".xml", ".json", ".csv",
}  # fmt: skip
_HOST = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?$", re.I)
#: content types a crawler gives when the server said nothing useful: sniffed
_UNTYPED = ("octet-stream", "text/plain", "unknown")
_SNIFF = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.I)

#: a zip member whose declared size is this many times its compressed size is a bomb
MAX_RATIO = 100
#: members smaller than this are never judged by ratio (a 1 KB file of spaces compresses well)
RATIO_FLOOR = 1024 * 1024
#: the largest member read: no page is larger and no larger file can become an attachment
#: (records.content.MAX_UPLOAD_BYTES); a larger one (a video) is left out, not the whole zip
MAX_MEMBER_BYTES = MAX_UPLOAD_BYTES
#: a whole crawl may hold years of attachments (core.uploads' 200 MB fits one document, not
#: a site), so the total bound is larger; members are read one at a time, never all at once
MAX_TOTAL_BYTES = 20 * 1024**3
MAX_MEMBERS = 1_000_000


class SourceError(ValueError):
    """The source cannot be read; the message says why, in Chinese."""


@dataclass
class SavedPage:
    url: str  # the old absolute URL (or a path when the crawl did not keep the host)
    data: bytes
    charset: str | None = None  # as an HTTP header declared it (WARC), if any


def looks_like_html(data: bytes) -> bool:
    return bool(_SNIFF.search(data[:2048]))


def _is_host(name: str) -> bool:
    return bool(_HOST.match(name))


class Source:
    """A saved old site: its pages and the files saved beside them."""

    #: how the source names itself in the report and the run (the path given)
    name: str = ""
    #: the old site's host when the crawl kept it ("" otherwise)
    hosts: tuple[str, ...] = ()

    def pages(self) -> Iterator[SavedPage]:
        raise NotImplementedError

    def file(self, url: str) -> bytes | None:
        raise NotImplementedError

    def page_count(self) -> int:
        """How many pages pages() yields (for the progress bar)."""
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Index:
    """Entries of a folder or zip by old path: the pages in order, files for `file(url)`."""

    def __init__(self):
        self.pages: list[tuple[str, object]] = []  # (url, locator), sorted by path
        self.by_host: dict[tuple[str, str], object] = {}
        self.by_path: dict[str, object] = {}
        self.maybe_pages: list[tuple[str, object]] = []

    def add(self, relative: str, locator, host_dirs: set[str]) -> None:
        parts = PurePosixPath(relative).parts
        host = ""
        if len(parts) > 1 and parts[0] in host_dirs:
            host, parts = parts[0].lower(), parts[1:]
        path = "/" + "/".join(parts)
        # wget saves `page.php?id=3` under that very name
        url = f"http://{host}{path}" if host else path
        key = old_path(url)
        self.by_host.setdefault((host, key), locator)
        self.by_path.setdefault(key, locator)
        suffix = PurePosixPath(parts[-1].split("?", 1)[0]).suffix.lower()
        if suffix in PAGE_EXTENSIONS:
            self.pages.append((url, locator))
        elif suffix not in FILE_EXTENSIONS:
            self.maybe_pages.append((url, locator))

    def lookup(self, url: str):
        parts = urlsplit(url)
        key = old_path(url)
        host = (parts.hostname or "").lower()
        if parts.port:
            host = f"{host}:{parts.port}"
        found = self.by_host.get((host, key)) if host else None
        return found if found is not None else self.by_path.get(key)


def _host_dirs(relatives: list[str]) -> set[str]:
    return {
        parts[0]
        for rel in relatives
        if len(parts := PurePosixPath(rel).parts) > 1 and _is_host(parts[0])
    }


class FolderSource(Source):
    def __init__(self, root: Path):
        self.root = root
        self.name = str(root)
        relatives = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for filename in filenames:
                full = Path(dirpath) / filename
                relatives.append(full.relative_to(root).as_posix())
        relatives.sort()
        hosts = _host_dirs(relatives)
        if not hosts and _is_host(root.name):  # the host folder itself was given
            relatives_with_host = [f"{root.name}/{r}" for r in relatives]
            hosts = {root.name}
            self._prefix = root.name + "/"
        else:
            relatives_with_host = relatives
            self._prefix = ""
        self.hosts = tuple(sorted(h.lower() for h in hosts))
        self.index = _Index()
        for rel in relatives_with_host:
            self.index.add(rel, rel[len(self._prefix) :], hosts)
        for url, rel in self.index.maybe_pages:
            if looks_like_html(self._read(rel, 2048)):
                self.index.pages.append((url, rel))
        self.index.pages.sort(key=lambda entry: entry[1])

    def _read(self, rel: str, limit: int | None = None) -> bytes:
        with open(self.root / rel, "rb") as handle:
            return handle.read(limit) if limit else handle.read()

    def page_count(self) -> int:
        return len(self.index.pages)

    def pages(self) -> Iterator[SavedPage]:
        for url, rel in self.index.pages:
            try:
                data = self._read(rel)
            except OSError:
                data = b""  # unreadable: the importer reports it as a failed page
            yield SavedPage(url=url, data=data)

    def file(self, url: str) -> bytes | None:
        rel = self.index.lookup(url)
        if rel is None:
            return None
        try:
            if (self.root / rel).stat().st_size > MAX_MEMBER_BYTES:
                return None
            return self._read(rel)
        except OSError:
            return None


def _member_name(info: zipfile.ZipInfo) -> str:
    """Zips made on Chinese Windows store GBK names without the UTF-8 flag; zipfile then
    reads them as cp437."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


class ZipSource(Source):
    def __init__(self, path: Path):
        self.name = str(path)
        try:
            self.archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise SourceError(f"“{path.name}”不是有效的 zip 文件，无法读取。") from exc
        try:
            infos = [i for i in self.archive.infolist() if not i.is_dir()]
            self._check_bomb(path, infos)
        except SourceError:
            self.archive.close()
            raise
        names = {_member_name(i): i for i in infos}
        relatives = sorted(names)
        wrapper = path.stem + "/"
        if relatives and all(r.startswith(wrapper) for r in relatives):
            names = {r[len(wrapper) :]: names[r] for r in relatives}
            relatives = sorted(names)
        hosts = _host_dirs(relatives)
        self.hosts = tuple(sorted(h.lower() for h in hosts))
        self.index = _Index()
        for rel in relatives:
            self.index.add(rel, names[rel], hosts)
        for url, info in self.index.maybe_pages:
            if looks_like_html(self._read(info, 2048)):
                self.index.pages.append((url, info))
        self.index.pages.sort(key=lambda entry: _member_name(entry[1]))

    @staticmethod
    def _check_bomb(path: Path, infos: list[zipfile.ZipInfo]) -> None:
        if len(infos) > MAX_MEMBERS:
            raise SourceError(f"“{path.name}”含 {len(infos):,} 个文件，超过上限，已拒绝。")
        total = 0
        for info in infos:
            total += info.file_size
            bomb = info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            )
            if bomb or total > MAX_TOTAL_BYTES:
                raise SourceError(
                    f"“{path.name}”解压后过大（{_member_name(info)}），可能是恶意压缩包，已拒绝。"
                )

    def _read(self, info: zipfile.ZipInfo, limit: int | None = None) -> bytes:
        with self.archive.open(info) as member:
            return member.read(limit or MAX_MEMBER_BYTES + 1)

    def page_count(self) -> int:
        return len(self.index.pages)

    def pages(self) -> Iterator[SavedPage]:
        for url, info in self.index.pages:
            try:
                data = self._read(info)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError):
                data = b""  # a damaged member: the importer reports it as a failed page
            yield SavedPage(url=url, data=data)

    def file(self, url: str) -> bytes | None:
        info = self.index.lookup(url)
        if info is None or info.file_size > MAX_MEMBER_BYTES:
            return None
        try:
            return self._read(info)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return None

    def close(self) -> None:
        self.archive.close()


def _charset_of(content_type: str) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([\w.-]+)", content_type or "", re.I)
    return match.group(1) if match else None


class WarcSource(Source):
    """Response records of a WARC (gzipped or not). The first pass notes each response's
    offset, so `file(url)` reads one record, not the whole archive, and pages are read again
    one at a time."""

    def __init__(self, path: Path):
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed

        self.path = path
        self.name = str(path)
        self._page_offsets: list[tuple[str, int, str | None]] = []
        self._files: dict[str, int] = {}
        self._files_by_host: dict[tuple[str, str], int] = {}
        hosts = set()
        try:
            with open(path, "rb") as handle:
                records = ArchiveIterator(handle)
                for record in records:
                    if record.rec_type is None:
                        raise ValueError("记录缺少 WARC-Type")
                    if record.rec_type != "response":
                        continue
                    url = record.rec_headers.get_header("WARC-Target-URI") or ""
                    http = record.http_headers
                    if not url or http is None:
                        continue
                    status = http.get_statuscode() or ""
                    if not status.startswith("2"):
                        continue
                    content_type = (http.get_header("Content-Type") or "").lower()
                    if "html" in content_type:
                        is_page = True
                    elif not content_type or any(t in content_type for t in _UNTYPED):
                        is_page = looks_like_html(record.content_stream().read(2048))
                    else:
                        is_page = False
                    offset = records.get_record_offset()  # reads the rest of the record
                    key = old_path(url)
                    host = (urlsplit(url).netloc or "").lower()
                    hosts.add(host)
                    if is_page:
                        self._page_offsets.append((url, offset, _charset_of(content_type)))
                    self._files.setdefault(key, offset)
                    self._files_by_host.setdefault((host, key), offset)
        except (ArchiveLoadFailed, OSError, ValueError, EOFError) as exc:
            raise SourceError(f"“{path.name}”不是可读取的 WARC 文件：{exc}") from exc
        if not self._files:
            raise SourceError(f"“{path.name}”不是可读取的 WARC 文件：其中没有成功的响应记录。")
        self.hosts = tuple(sorted(h for h in hosts if h))

    def _read_at(self, offset: int, limit: int | None = None) -> bytes:
        from warcio.archiveiterator import ArchiveIterator

        with open(self.path, "rb") as handle:
            handle.seek(offset)
            record = next(iter(ArchiveIterator(handle)))
            return record.content_stream().read(limit or MAX_MEMBER_BYTES + 1)

    def page_count(self) -> int:
        return len(self._page_offsets)

    def pages(self) -> Iterator[SavedPage]:
        for url, offset, charset in self._page_offsets:
            try:
                data = self._read_at(offset)
            except (OSError, ValueError, EOFError, StopIteration):
                data = b""
            yield SavedPage(url=url, data=data, charset=charset)

    def file(self, url: str) -> bytes | None:
        key = old_path(url)
        host = (urlsplit(url).netloc or "").lower()
        offset = self._files_by_host.get((host, key)) if host else None
        if offset is None:
            offset = self._files.get(key)
        if offset is None:
            return None
        try:
            data = self._read_at(offset)
        except (OSError, ValueError, EOFError, StopIteration):
            return None
        return None if len(data) > MAX_MEMBER_BYTES else data


def open_source(path) -> Source:
    """The source at `path`: a folder, a .warc/.warc.gz file or a .zip file."""
    path = Path(path)
    if not path.exists():
        raise SourceError(f"来源不存在：{path}")
    if path.is_dir():
        try:
            return FolderSource(path)
        except OSError as exc:
            raise SourceError(f"无法读取文件夹 {path}：{exc.strerror or exc}") from exc
    name = path.name.lower()
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise SourceError(f"无法读取 {path}：{exc.strerror or exc}") from exc
    if name.endswith(".zip") or head.startswith(b"PK\x03\x04"):
        return ZipSource(path)
    if name.endswith((".warc", ".warc.gz")) or head.startswith((b"WARC/", b"\x1f\x8b")):
        return WarcSource(path)
    raise SourceError(
        f"无法识别来源“{path.name}”：应为保存网页的文件夹、WARC 文件（.warc/.warc.gz）或 zip 压缩包。"
    )
