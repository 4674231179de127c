"""Uploads are checked by content, size-limited and stripped of metadata; HTML is sanitised;
a refused upload leaves nothing behind."""

import io
import zipfile

import pytest

from gongkai.records import content, workflow
from gongkai.records.content import UploadRejected
from gongkai.records.models import Attachment, Record

from .conftest import data
from .files import docx_bytes, jpeg_with_exif, pdf_bytes, png_bytes, xlsx_bytes

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


@pytest.mark.parametrize("payload", [EXE, ELF])
def test_executable_renamed_pdf_is_refused(payload):
    with pytest.raises(UploadRejected, match="可执行文件"):
        content.check_upload("通知.pdf", payload)


def test_unknown_content_and_wrong_extension_are_refused():
    with pytest.raises(UploadRejected, match="不是允许的格式"):
        content.check_upload("a.pdf", b"hello, not a pdf")
    with pytest.raises(UploadRejected, match="扩展名与内容不符"):
        content.check_upload("表格.pdf", xlsx_bytes())
    with pytest.raises(UploadRejected, match="空文件"):
        content.check_upload("a.pdf", b"")


def test_oversized_file_is_refused():
    big = pdf_bytes() + b"\n%" + b"x" * (content.MAX_UPLOAD_BYTES)
    with pytest.raises(UploadRejected, match="超过 20 MB"):
        content.check_upload("大文件.pdf", big)


def test_pdf_metadata_is_removed():
    from pypdf import PdfReader

    original = pdf_bytes()
    assert PdfReader(io.BytesIO(original)).metadata["/Author"] == "王五"
    checked = content.check_upload("结果.pdf", original)
    assert checked.kind == "pdf"
    meta = PdfReader(io.BytesIO(checked.data)).metadata
    assert not meta or "/Author" not in meta
    assert (
        b"\xe7\x8e\x8b\xe4\xba\x94" not in checked.data
        and "王五".encode("utf-16-be") not in checked.data
    )


def test_docx_and_xlsx_core_properties_are_cleared():
    from docx import Document
    from openpyxl import load_workbook

    checked = content.check_upload("通知.docx", docx_bytes(author="张三"))
    assert checked.kind == "docx"
    props = Document(io.BytesIO(checked.data)).core_properties
    assert props.author == "" and props.comments == ""
    assert "停水" in "".join(p.text for p in Document(io.BytesIO(checked.data)).paragraphs)
    checked = content.check_upload("结果.xlsx", xlsx_bytes(author="李四"))
    with zipfile.ZipFile(io.BytesIO(checked.data)) as archive:
        assert "李四" not in archive.read("docProps/core.xml").decode()
    workbook = load_workbook(io.BytesIO(checked.data))
    assert workbook.active["A1"].value == "燃气经营许可证核发结果"


def test_image_exif_is_removed():
    from PIL import Image

    original = jpeg_with_exif()
    assert Image.open(io.BytesIO(original)).getexif().get(0x013B) == "Zhao Liu"
    checked = content.check_upload("现场.jpg", original)
    assert not Image.open(io.BytesIO(checked.data)).getexif()


def test_ofd_is_recognised_by_its_structure_and_author_removed():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "OFD.xml",
            '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocInfo>'
            "<ofd:Title>通知</ofd:Title><ofd:Author>孙七</ofd:Author></ofd:DocInfo>"
            "</ofd:DocBody></ofd:OFD>",
        )
        archive.writestr("Doc_0/Document.xml", "<ofd:Document/>")
    checked = content.check_upload("通知.ofd", buffer.getvalue())
    assert checked.kind == "ofd"
    with zipfile.ZipFile(io.BytesIO(checked.data)) as archive:
        text = archive.read("OFD.xml").decode()
    assert "孙七" not in text and "<ofd:Title>通知</ofd:Title>" in text


def test_script_injection_is_cleaned():
    dirty = (
        '<p onclick="steal()">停水通知</p><script>alert(1)</script>'
        '<img src="x" onerror="alert(2)" alt="图"><a href="javascript:alert(3)">链接</a>'
        "<style>body{display:none}</style><iframe src='https://evil.example'></iframe>"
    )
    clean = content.sanitize_html(dirty)
    assert clean.removed
    for bad in ("<script", "onerror", "onclick", "javascript:", "<style", "<iframe", "alert(1)"):
        assert bad not in clean.html
    assert "<p>停水通知</p>" in clean.html and 'alt="图"' in clean.html


def test_docx_becomes_clean_html():
    clean, _ = content.docx_to_html(docx_bytes(paragraphs=["第一段。", "第二段。"]))
    assert "<h2>关于2026年城区供水管网改造停水的通知</h2>" in clean.html
    assert "<p>第一段。</p>" in clean.html
    with pytest.raises(UploadRejected, match="不是有效的 Word 文档"):
        content.docx_to_html(pdf_bytes())


def test_draft_with_script_is_saved_clean_with_a_message(editor, housing, leaf):
    record, notes = workflow.create_draft(
        editor,
        organisation=housing,
        catalogue_item=leaf,
        data=data(body='<p>正文</p><img src="x" onerror="alert(1)" alt="示意图">'),
    )
    assert "onerror" not in record.body and "<p>正文</p>" in record.body
    assert any("不安全内容已被清除" in n for n in notes)


def test_refused_attachment_saves_nothing(editor, housing, leaf, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    before_records, before_files = Record.objects.count(), Attachment.objects.count()
    with pytest.raises(UploadRejected, match="可执行文件"):
        workflow.create_draft(
            editor,
            organisation=housing,
            catalogue_item=leaf,
            data=data(),
            files=[("结果.pdf", pdf_bytes(), ""), ("病毒.pdf", EXE, "")],
        )
    assert Record.objects.count() == before_records
    assert Attachment.objects.count() == before_files
    assert not any(tmp_path.rglob("*.pdf"))


def test_image_attachment_needs_alt_text(editor, housing, leaf, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(UploadRejected, match="替代文本"):
        workflow.create_draft(
            editor, organisation=housing, catalogue_item=leaf, data=data(),
            files=[("停水范围.png", png_bytes(), "")],
        )  # fmt: skip
    record, _ = workflow.create_draft(
        editor, organisation=housing, catalogue_item=leaf, data=data(),
        files=[("停水范围.png", png_bytes(), "人民路沿线停水范围示意图")],
    )  # fmt: skip
    attachment = record.attachments.get()
    assert attachment.kind == "png" and attachment.alt_text == "人民路沿线停水范围示意图"
    assert attachment.file.read().startswith(b"\x89PNG")


def test_docx_upload_becomes_the_body(editor, housing, leaf):
    record, notes = workflow.create_draft(
        editor, organisation=housing, catalogue_item=leaf, data=data(body=""),
        docx=docx_bytes(paragraphs=["人民路沿线停水。"]),
    )  # fmt: skip
    assert "<p>人民路沿线停水。</p>" in record.body
    assert any("Word" in n for n in notes)
