"""Real test files made on the fly: Word, Excel, PDF, images with metadata."""

import io

from docx import Document


def docx_bytes(title="关于2026年城区供水管网改造停水的通知", paragraphs=(), author="张三") -> bytes:
    document = Document()
    document.core_properties.author = author
    document.core_properties.comments = "内部草稿"
    document.add_heading(title, level=2)
    for text in paragraphs or ["因城区供水管网改造，2026年10月8日8:00至18:00人民路沿线停水。"]:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(author="李四") -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = "燃气经营许可证核发结果"
    workbook.properties.creator = author
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pdf_bytes(author="王五") -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Author": author, "/Title": "内部标题"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def jpeg_with_exif() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x013B] = "Zhao Liu"  # Artist
    exif[0x010F] = "CameraMaker"  # Make
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 80, 160)).save(buffer, "PNG")
    return buffer.getvalue()
