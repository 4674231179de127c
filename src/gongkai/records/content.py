"""Content that goes on the portal: sanitised HTML, Word documents turned into HTML, and
uploaded files checked by content, size-limited and stripped of metadata.

DESIGN.md: "Files are cleaned before publication (metadata stripped, type checked by content,
size-limited)". Author names, company names and GPS positions in file metadata are personal
information the 《政府信息公开条例》第十五条 protects; every check here runs before anything
is written, so a refused upload leaves nothing behind."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass

from gongkai.core.html import CleanHtml, sanitize_html
from gongkai.core.uploads import (
    SuspiciousFile,
    check_office_cost,
    detect_file_kind,
    run_bounded,
    verify_content,
)

from .models import IMAGE_KINDS, AttachmentKind

MAX_UPLOAD_BYTES = 20 * 1024 * 1024

EXTENSIONS = {
    AttachmentKind.PDF: {".pdf"},
    AttachmentKind.DOCX: {".docx"},
    AttachmentKind.XLSX: {".xlsx"},
    AttachmentKind.OFD: {".ofd"},
    AttachmentKind.PNG: {".png"},
    AttachmentKind.JPEG: {".jpg", ".jpeg"},
    AttachmentKind.GIF: {".gif"},
}
EXECUTABLE_MAGIC = [
    (b"MZ", "Windows 可执行文件"),
    (b"\x7fELF", "Linux 可执行文件"),
    (b"\xcf\xfa\xed\xfe", "macOS 可执行文件"),
    (b"\xca\xfe\xba\xbe", "macOS/Java 可执行文件"),
    (b"#!", "脚本文件"),
]


class UploadRejected(ValueError):
    """A file or text that cannot be accepted; the message says why, in Chinese."""


@dataclass
class CheckedFile:
    name: str
    kind: str
    data: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


# --------------------------------------------------------------------------- HTML


def images_missing_alt(html: str) -> int:
    """Images in the body without a text alternative (GB/T 37668, WCAG 1.1.1)."""
    return len(re.findall(r'<img(?![^>]*\salt="[^"]*[^"\s][^"]*")[^>]*>', html or ""))


# --------------------------------------------------------------------------- Word


def docx_to_html(data: bytes) -> tuple[CleanHtml, list[str]]:
    """A .docx (checked first) as clean HTML with mammoth; returns the HTML and mammoth's
    warnings (unknown styles and the like) to show to the editor.

    The editor waits for the result, so the conversion runs in the request, bounded three
    ways (core.uploads): the element count and uncompressed size are checked before mammoth
    sees the file, and mammoth itself runs in a forked child that is killed past
    CONVERSION_SECONDS or its memory bound."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRejected(_too_big(len(data)))
    try:
        kind = detect_file_kind(data)
        if kind != AttachmentKind.DOCX:
            raise UploadRejected(
                "上传的不是有效的 Word 文档（.docx）。旧版 .doc 请先另存为 .docx。"
            )
        check_office_cost(data, kind)
        html, warnings = run_bounded(_mammoth, data)
    except SuspiciousFile as exc:
        raise UploadRejected(f"无法转换该 Word 文档：{exc}") from None
    except UploadRejected:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure is a bad document
        raise UploadRejected(f"无法读取该 Word 文档：{exc.__class__.__name__}") from None
    return sanitize_html(html), warnings


def _mammoth(data: bytes) -> tuple[str, list[str]]:
    import mammoth

    result = mammoth.convert_to_html(io.BytesIO(data))
    return result.value, [str(m.message) for m in result.messages if m.type == "warning"][:10]


# --------------------------------------------------------------------------- files


def _too_big(size: int) -> str:
    return (
        f"文件大小 {size / 1024 / 1024:.1f} MB，超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB 的限制。"
    )


def check_upload(name: str, data: bytes) -> CheckedFile:
    """Check one upload and return it with its metadata stripped, or raise UploadRejected."""
    name = (name or "").strip().replace("\\", "/").rsplit("/", 1)[-1][:200] or "附件"
    if len(data) == 0:
        raise UploadRejected(f"“{name}”是空文件。")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRejected(f"“{name}”：{_too_big(len(data))}")
    for magic, label in EXECUTABLE_MAGIC:
        if data.startswith(magic):
            raise UploadRejected(f"“{name}”实际是{label}，不能作为附件上传。")
    try:
        kind = detect_file_kind(data)
        if kind is not None:
            verify_content(kind, data)
    except SuspiciousFile as exc:
        raise UploadRejected(f"“{name}”：{exc}") from None
    if kind is None:
        raise UploadRejected(
            f"“{name}”的内容不是允许的格式（PDF、Word .docx、Excel .xlsx、OFD、PNG、JPEG、GIF）。"
        )
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in EXTENSIONS[kind]:
        raise UploadRejected(
            f"“{name}”的扩展名与内容不符：内容是 {AttachmentKind(kind).label}，"
            f"应使用扩展名 {'/'.join(sorted(EXTENSIONS[kind]))}。"
        )
    cleaned = strip_metadata(kind, data, name)
    return CheckedFile(name, kind, cleaned, hashlib.sha256(cleaned).hexdigest())


def strip_metadata(kind: str, data: bytes, name: str = "") -> bytes:
    if kind in IMAGE_KINDS:
        return _strip_image(kind, data, name)
    if kind == AttachmentKind.PDF:
        return _strip_pdf(data, name)
    if kind in (AttachmentKind.DOCX, AttachmentKind.XLSX, AttachmentKind.OFD):
        return _strip_zip(kind, data)
    return data


def _strip_image(kind: str, data: bytes, name: str) -> bytes:
    """Re-encode with Pillow: EXIF (camera, GPS position, author) is not carried over."""
    try:
        from PIL import Image, ImageOps
    except ImportError:  # pragma: no cover - Pillow comes with WeasyPrint
        raise UploadRejected(
            "服务器未安装图像处理组件，无法清除图片元数据，暂不能上传图片。"
        ) from None
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if kind == AttachmentKind.JPEG:
                image.convert("RGB").save(out, "JPEG", quality=90)
            elif kind == AttachmentKind.PNG:
                image.save(out, "PNG")
            else:
                image.save(out, "GIF")
    except UploadRejected:
        raise
    except Exception:  # noqa: BLE001 - a broken image is refused
        raise UploadRejected(f"“{name}”不是完好的图片文件。") from None
    return out.getvalue()


def _strip_pdf(data: bytes, name: str) -> bytes:
    """Remove the document information dictionary and XMP metadata with pypdf."""
    try:
        from pypdf import PdfReader, PdfWriter
        from pypdf.generic import NameObject
    except ImportError:  # pragma: no cover - pypdf must be a runtime dependency
        raise UploadRejected("服务器未安装 PDF 处理组件（pypdf），无法清除 PDF 元数据。") from None
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UploadRejected(f"“{name}”是加密的 PDF，请上传未加密的版本。")
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None
        root = writer._root_object
        if NameObject("/Metadata") in root:
            del root[NameObject("/Metadata")]
        out = io.BytesIO()
        writer.write(out)
    except UploadRejected:
        raise
    except Exception:  # noqa: BLE001 - a PDF pypdf cannot read is refused
        raise UploadRejected(f"“{name}”不是完好的 PDF 文件。") from None
    return out.getvalue()


EMPTY_CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"></cp:coreProperties>'
)
EMPTY_CUSTOM = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"></Properties>'
)
_APP_PERSONAL = re.compile(r"<(Company|Manager|HyperlinkBase)>[^<]*</\1>")
_OFD_PERSONAL = re.compile(r"<ofd:(Author|Creator|CreatorVersion)>[^<]*</ofd:\1>")


def _strip_zip(kind: str, data: bytes) -> bytes:
    """Office documents: empty core and custom properties, no company/manager; OFD: no
    author/creator in OFD.xml. The rest of the package is copied unchanged."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if kind == AttachmentKind.OFD:
                if info.filename == "OFD.xml":
                    content = _OFD_PERSONAL.sub("", content.decode("utf-8")).encode("utf-8")
            elif info.filename == "docProps/core.xml":
                content = EMPTY_CORE.encode("utf-8")
            elif info.filename == "docProps/custom.xml":
                content = EMPTY_CUSTOM.encode("utf-8")
            elif info.filename == "docProps/app.xml":
                content = _APP_PERSONAL.sub("", content.decode("utf-8")).encode("utf-8")
            target.writestr(info.filename, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
