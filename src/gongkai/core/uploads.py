"""The one way to tell what an uploaded file is: by its content (magic bytes and zip
structure), never by its name, and whether it is safe to open: whole (verify_content),
cheap enough to convert (check_office_cost), converted under a hard bound (run_bounded).
Apps decide which kinds they accept and how large."""

from __future__ import annotations

import contextlib
import errno
import io
import logging
import os
import zipfile
import zlib
from xml.parsers import expat

from django.core.files.storage import FileSystemStorage

logger = logging.getLogger("gongkai.uploads")

# Unzipped size above which a .docx/.xlsx/.ofd is treated as a zip bomb.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
#: images larger than this many pixels are refused (decompression bomb)
MAX_IMAGE_PIXELS = 50_000_000
#: seconds a document conversion the user waits for may take (run_bounded)
CONVERSION_SECONDS = 20
CHUNK = 64 * 1024

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ofd": "application/ofd",
}
KIND_LABELS = {
    "pdf": "PDF",
    "png": "PNG",
    "jpeg": "JPEG",
    "gif": "GIF",
    "docx": "Word（.docx）",
    "xlsx": "Excel（.xlsx）",
    "ofd": "OFD",
}


class SuspiciousFile(ValueError):
    """The file is dangerous in itself (e.g. a zip bomb); the message is in Chinese."""


def _zip_names(data: bytes) -> set[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if sum(i.file_size for i in infos) > MAX_UNZIPPED_BYTES:
                raise SuspiciousFile("压缩包解压后过大，可能是恶意文件，已拒绝。")
            return {i.filename for i in infos}
    except zipfile.BadZipFile:
        return set()


def detect_file_kind(data: bytes) -> str | None:
    """One of CONTENT_TYPES' keys, or None for anything else."""
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"PK\x03\x04"):
        names = _zip_names(data)
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx"
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx"
        if "OFD.xml" in names:
            return "ofd"
    return None


class DamagedFile(SuspiciousFile):
    """The file is broken (truncated, failed checksum, unreadable structure)."""


# --------------------------------------------------------------------------- deep checks


def verify_content(kind: str, data: bytes) -> None:
    """Check that a file of `kind` (from detect_file_kind) really is one, all the way through:
    a `%PDF-` header followed by HTML, a PNG signature on garbage or a .docx with a damaged
    part is refused here, before anything is stored. Raises DamagedFile (Chinese message)."""
    label = KIND_LABELS.get(kind, kind)
    try:
        if kind == "pdf":
            _verify_pdf(data)
        elif kind in ("png", "jpeg", "gif"):
            _verify_image(data)
        elif kind in ("docx", "xlsx", "ofd"):
            _verify_zip(data)
    except SuspiciousFile:
        raise
    except Exception:  # noqa: BLE001 - whatever the parser raises, the file is not whole
        raise DamagedFile(f"文件已损坏或不是完好的 {label} 文件，无法读取。") from None


def _verify_pdf(data: bytes) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    if not reader.is_encrypted and len(reader.pages) < 1:
        raise DamagedFile("PDF 文件没有页面。")


def _verify_image(data: bytes) -> None:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        if image.width * image.height > MAX_IMAGE_PIXELS:
            raise SuspiciousFile("图片尺寸过大，可能是恶意文件，已拒绝。")
        image.verify()


def _verify_zip(data: bytes) -> None:
    """Read every member through its checksum, streaming (the zip-bomb guard ran first)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            with archive.open(info) as member:
                while member.read(CHUNK):
                    pass


# --------------------------------------------------------------------------- Office cost

#: What one conversion may cost: uncompressed XML, and elements counted by local name.
#: Measured on the 2-core machine (2026-12-01, shared with other jobs): mammoth converts
#: 2,000-4,500 paragraphs/s (100,000 paragraphs: 12-22 s; 19,000: 9 s), python-docx reads
#: about 2,000 catalogue table rows/s (20,000 rows x 11 cells: 10 s, 235 MB) and openpyxl
#: about 5,000 rows/s (100,000 rows: 21 s). These bounds keep one conversion to about 5 s;
#: callers that read many cells, each with its own paragraph (the catalogue), raise "p".
OFFICE_LIMITS = {
    "docx": {"bytes": 20 * 1024 * 1024, "p": 10_000, "tr": 10_000, "tc": 120_000},
    "xlsx": {"bytes": 40 * 1024 * 1024, "row": 20_000, "c": 250_000, "col": 200},
}
ELEMENT_LABELS = {
    "p": "段落",
    "tr": "表格行",
    "tc": "单元格",
    "row": "行",
    "c": "单元格",
}


def _column_number(ref: str) -> int:
    number = 0
    for char in ref:
        if not char.isalpha():
            break
        number = number * 26 + (ord(char.upper()) - 64)
    return number


def _office_parts(kind: str, names: list[str]) -> list[str]:
    if kind == "docx":
        return [n for n in names if n.startswith("word/") and n.endswith(".xml")]
    return [
        n
        for n in names
        if n.endswith(".xml") and (n.startswith("xl/worksheets/") or n == "xl/sharedStrings.xml")
    ]


def check_office_cost(data: bytes, kind: str | None = None, limits: dict | None = None) -> dict:
    """Refuse a .docx/.xlsx whose conversion would be too costly, before any converter runs.

    Streams the XML parts (never building a tree) and counts their real uncompressed bytes
    and their paragraphs, table rows and cells; stops at the first limit passed. A 12 KB
    .docx can hold 100,000 paragraphs: its size says nothing about its cost. DTDs and
    entity declarations, which Office never writes, are refused (entity expansion).
    Returns the counts; raises SuspiciousFile or DamagedFile with a Chinese message."""
    kind = kind or detect_file_kind(data)
    if kind not in OFFICE_LIMITS:
        return {}
    limits = {**OFFICE_LIMITS[kind], **(limits or {})}
    counts = dict.fromkeys(limits, 0)
    watched = {k for k in limits if k not in ("bytes", "col")}

    class TooCostly(Exception):
        pass

    def start(name, attrs):
        local = name.rsplit(":", 1)[-1]
        if local in watched:
            counts[local] += 1
            if counts[local] > limits[local]:
                raise TooCostly(local)
            # A cell far to the right makes the reader pad every row up to it.
            if local == "c" and "col" in limits:
                column = _column_number(attrs.get("r", ""))
                counts["col"] = max(counts["col"], column)
                if column > limits["col"]:
                    raise TooCostly("col")
        elif local == "gridSpan" and "tc" in limits:
            # One Word cell spanning N grid columns is read as N cells.
            value = next((v for k, v in attrs.items() if k.endswith("val")), "1")
            counts["tc"] += max(int(value) if value.isdigit() else 1, 1) - 1
            if counts["tc"] > limits["tc"]:
                raise TooCostly("tc")

    def refuse_dtd(*args):
        raise TooCostly("dtd")

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for part in _office_parts(kind, archive.namelist()):
                parser = expat.ParserCreate()
                parser.StartElementHandler = start
                parser.StartDoctypeDeclHandler = refuse_dtd
                parser.EntityDeclHandler = refuse_dtd
                with archive.open(part) as member:
                    while chunk := member.read(CHUNK):
                        counts["bytes"] += len(chunk)
                        if counts["bytes"] > limits["bytes"]:
                            raise TooCostly("bytes")
                        parser.Parse(chunk, False)
                    parser.Parse(b"", True)
    except TooCostly as exc:
        what = exc.args[0]
        if what == "dtd":
            raise SuspiciousFile("文件含有 DTD 或实体声明（Office 文件不会有），已拒绝。") from None
        if what == "bytes":
            raise SuspiciousFile(
                f"文件解压后的正文超过 {limits['bytes'] // 1024 // 1024} MB，无法处理。"
                "请拆分后再上传。"
            ) from None
        if what == "col":
            raise SuspiciousFile(
                f"文件中有单元格超出第 {limits['col']} 列，无法处理。请删除多余的列后再上传。"
            ) from None
        raise SuspiciousFile(
            f"文件的{ELEMENT_LABELS[what]}超过 {limits[what]:,} 个，无法处理。请拆分后再上传。"
        ) from None
    except (zipfile.BadZipFile, zlib.error, expat.ExpatError, EOFError, KeyError, ValueError):
        raise DamagedFile(f"文件已损坏或不是完好的 {KIND_LABELS[kind]} 文件，无法读取。") from None
    return counts


def size_text(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(n / 1024, 0.1):.1f} KB"


def accept_by_content(name: str, data: bytes, *, kinds, purpose: str, max_bytes: int) -> str:
    """The kind of an upload judged by its whole content, never by its name: refuses an empty
    file, one over `max_bytes`, one whose content is none of `kinds`, a damaged file and an
    Office file too costly to open. Raises SuspiciousFile with a Chinese message naming the
    file and what it was uploaded as (`purpose`, e.g. 年度报告)."""
    label = name or "文件"
    if not data:
        raise SuspiciousFile(f"“{label}”是空文件。")
    if len(data) > max_bytes:
        raise SuspiciousFile(
            f"“{label}”大小 {size_text(len(data))}，超过 {size_text(max_bytes)} 的限制，"
            "请压缩后再上传。"
        )
    kind = detect_file_kind(data)
    if kind not in kinds:
        labels = [KIND_LABELS[k] for k in kinds]
        allowed = " 或 ".join(["、".join(labels[:-1]), labels[-1]]) if labels[1:] else labels[0]
        raise SuspiciousFile(
            f"“{label}”的内容不是 {allowed}文件，不能作为{purpose}上传"
            "（按文件内容判断，与扩展名无关）。"
        )
    try:
        verify_content(kind, data)
        if kind in ("docx", "xlsx"):
            check_office_cost(data, kind)
    except SuspiciousFile as exc:
        raise SuspiciousFile(f"“{label}”：{exc}") from None
    return kind


# --------------------------------------------------------------------------- time bound


class ConversionTimeout(SuspiciousFile):
    """A conversion ran past its time bound and was stopped."""


def run_bounded(func, *args, seconds: float = CONVERSION_SECONDS, memory_mb: int = 768):
    """Run func(*args) in a forked child with a hard time and memory bound; return its result
    or re-raise its exception. Used for document conversions the user waits for (Word body,
    catalogue preview): the cost check above keeps them to seconds, this guarantees it —
    a parser that loops or balloons is killed, the request gets a Chinese message.

    Where fork is not available (Windows) the call runs in-process, bounded by the cost
    check alone."""
    import multiprocessing

    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - no fork on this platform
        return func(*args)
    reader, writer = context.Pipe(duplex=False)

    def child():
        reader.close()
        try:
            _limit_memory(memory_mb)
            payload = (True, func(*args))
        except BaseException as exc:  # noqa: BLE001 - sent to the parent
            payload = (False, exc)
        try:
            writer.send(payload)
        except Exception:  # noqa: BLE001 - an unpicklable result or exception
            writer.send((False, DamagedFile("文件转换失败。")))
        writer.close()

    process = context.Process(target=child, daemon=True)
    process.start()
    writer.close()
    try:
        if not reader.poll(seconds):
            raise ConversionTimeout(
                f"文件处理超过 {seconds:g} 秒仍未完成，已停止。请简化或拆分文件后再上传。"
            )
        try:
            ok, value = reader.recv()  # from our own forked child
        except EOFError:  # the child died (memory limit, signal) before answering
            raise SuspiciousFile(
                "文件处理占用内存过多，已停止。请简化或拆分文件后再上传。"
            ) from None
    finally:
        reader.close()
        if process.is_alive():
            process.kill()
        process.join()
    if ok:
        return value
    if isinstance(value, MemoryError):
        raise SuspiciousFile("文件处理占用内存过多，已停止。请简化或拆分文件后再上传。")
    raise value


def _limit_memory(megabytes: int) -> None:
    try:
        import resource

        with open("/proc/self/statm") as statm:
            current = int(statm.read().split()[0]) * resource.getpagesize()
        limit = current + megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, OSError, ValueError):  # pragma: no cover - not Linux
        pass


# --------------------------------------------------------------------------- storage


class StorageFull(OSError):
    """The disk (or quota) is full: nothing was kept; the message is in Chinese."""

    MESSAGE = "存储空间不足，文件未保存，请稍后再试"

    def __init__(self):
        super().__init__(errno.ENOSPC, self.MESSAGE)

    def __str__(self) -> str:
        return self.MESSAGE


class CleanFileSystemStorage(FileSystemStorage):
    """FileSystemStorage that leaves no half-written file behind when the disk fills up
    mid-write (ENOSPC/EDQUOT): the partial file is removed and StorageFull is raised, which
    rolls the surrounding transaction back and is answered with a Chinese page
    (core.faults.FaultsMiddleware) instead of a 500."""

    def _save(self, name, content):
        full_path = self.path(name)
        existed = os.path.lexists(full_path)
        try:
            return super()._save(name, content)
        except OSError as exc:
            if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
                raise
            if not existed:
                with contextlib.suppress(OSError):
                    os.remove(full_path)
            logger.error("Storage full, upload not kept: %s", exc.strerror)
            raise StorageFull() from exc
