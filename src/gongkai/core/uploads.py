"""The one way to tell what an uploaded file is: by its content (magic bytes and zip
structure), never by its name. Apps decide which kinds they accept and how large."""

from __future__ import annotations

import io
import zipfile

# Unzipped size above which a .docx/.xlsx/.ofd is treated as a zip bomb.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ofd": "application/ofd",
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
