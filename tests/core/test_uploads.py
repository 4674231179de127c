import io
import zipfile

import pytest

from gongkai.core.uploads import SuspiciousFile, detect_file_kind


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n...", "pdf"),
        (b"\x89PNG\r\n\x1a\n....", "png"),
        (b"\xff\xd8\xff\xe0....", "jpeg"),
        (b"MZ\x90\x00 renamed to .pdf", None),
        (b"<html><script>", None),
        (_zip({"[Content_Types].xml": b"x", "word/document.xml": b"x"}), "docx"),
        (_zip({"[Content_Types].xml": b"x", "xl/workbook.xml": b"x"}), "xlsx"),
        (_zip({"OFD.xml": b"x"}), "ofd"),
        (_zip({"readme.txt": b"x"}), None),
    ],
)
def test_kind_is_judged_by_content(data, kind):
    assert detect_file_kind(data) == kind


def test_zip_bomb_is_refused(monkeypatch):
    from gongkai.core import uploads

    monkeypatch.setattr(uploads, "MAX_UNZIPPED_BYTES", 1000)
    bomb = _zip({"[Content_Types].xml": b"x", "word/document.xml": b"0" * 5000})
    with pytest.raises(SuspiciousFile, match="解压后过大"):
        detect_file_kind(bomb)


def test_requests_accept_only_pdf_and_images():
    from gongkai.foi.rules import RuleError, check_upload
    from tests.records.files import pdf_bytes

    assert check_upload(pdf_bytes()) == ("application/pdf", ".pdf")
    docx = _zip({"[Content_Types].xml": b"x", "word/document.xml": b"x"})
    with pytest.raises(RuleError, match="只接受"):
        check_upload(docx)


# --------------------------------------------------------------------------- issue 10 point 6

import time  # noqa: E402

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402

from gongkai.core.uploads import (  # noqa: E402
    ConversionTimeout,
    DamagedFile,
    check_office_cost,
    run_bounded,
    verify_content,
)
from tests.hostile_files import (  # noqa: E402
    corrupt_docx,
    docx_with_paragraphs,
    docx_with_table,
    xlsx_with_rows,
)
from tests.records.files import docx_bytes, pdf_bytes, png_bytes  # noqa: E402


def test_a_small_docx_with_100000_paragraphs_is_refused_before_mammoth_runs():
    """Today: a 46 KB file of 100,000 paragraphs keeps mammoth busy for 12-22 s."""
    from gongkai.records.content import UploadRejected, docx_to_html

    data = docx_with_paragraphs(100_000)
    assert len(data) < 64 * 1024
    started = time.monotonic()
    with pytest.raises(UploadRejected, match="段落超过 10,000 个"):
        docx_to_html(data)
    assert time.monotonic() - started < 3


def test_an_ordinary_docx_still_converts():
    from gongkai.records.content import docx_to_html

    clean, _warnings = docx_to_html(docx_bytes(paragraphs=["第一段。"] * 200))
    assert clean.html.count("<p>") >= 200


def test_the_catalogue_reader_uses_the_shared_detector_and_bounds(monkeypatch):
    """Today: 20,000 table rows take the catalogue reader 10 s and 235 MB (a 149 KB file
    of the same kind: 55 s and 949 MB); and its own sniffing skipped the zip-bomb guard."""
    from gongkai.catalogue.io.errors import CatalogueFileError
    from gongkai.catalogue.io.readers import read_grids
    from gongkai.core import uploads

    started = time.monotonic()
    with pytest.raises(CatalogueFileError, match="表格行超过 10,000 个"):
        read_grids(docx_with_table(20_000))
    with pytest.raises(CatalogueFileError, match="行超过 20,000 个"):
        read_grids(xlsx_with_rows(25_000, cols=2))
    assert time.monotonic() - started < 5
    monkeypatch.setattr(uploads, "MAX_UNZIPPED_BYTES", 1000)
    with pytest.raises(CatalogueFileError, match="解压后过大"):
        read_grids(docx_with_table(50))


def test_a_cell_far_to_the_right_and_a_dtd_are_refused():
    # One workbook of one cell, moved to column XFD: the reader would pad every row to it.
    source = zipfile.ZipFile(io.BytesIO(xlsx_with_rows(1, cols=1)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b'r="A1"', b'r="XFD1"')
            target.writestr(info.filename, body)
    with pytest.raises(SuspiciousFile, match="超出第 200 列"):
        check_office_cost(out.getvalue())
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><w:document '
        b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">&b;</w:document>'
    )
    bomb = _zip({"[Content_Types].xml": b"x", "word/document.xml": laughs})
    with pytest.raises(SuspiciousFile, match="DTD"):
        check_office_cost(bomb)


def test_a_corrupt_docx_attachment_gets_a_chinese_message_not_a_500():
    """Today the metadata stripper reads the damaged part and the upload is a 500."""
    from gongkai.records.content import UploadRejected, check_upload

    with pytest.raises(DamagedFile, match="已损坏"):
        verify_content("docx", corrupt_docx())
    with pytest.raises(UploadRejected, match="已损坏"):
        check_upload("通知.docx", corrupt_docx())
    from gongkai.records.content import docx_to_html

    with pytest.raises(UploadRejected):
        docx_to_html(corrupt_docx())


def test_pdf_header_followed_by_html_is_refused_for_requests_too():
    """Today a request upload is judged by its first 16 bytes."""
    from gongkai.foi.forms import CheckedFileField
    from gongkai.foi.rules import RuleError, check_upload
    from gongkai.records.content import UploadRejected
    from gongkai.records.content import check_upload as check_attachment

    fake = b"%PDF-1.4\n<html><script>alert(1)</script></html>"
    with pytest.raises(UploadRejected):
        check_attachment("a.pdf", fake)
    with pytest.raises(RuleError, match="已损坏"):
        check_upload(fake)
    with pytest.raises(RuleError, match="已损坏"):
        check_upload(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    assert check_upload(pdf_bytes())[0] == "application/pdf"
    assert check_upload(png_bytes())[0] == "image/png"
    from django import forms

    field = CheckedFileField()
    with pytest.raises(forms.ValidationError, match="已损坏"):
        field.clean(SimpleUploadedFile("id.pdf", fake, content_type="application/pdf"))


def _sleep(seconds):
    time.sleep(seconds)
    return "done"


def _balloon():
    return b"x" * (2 * 1024 * 1024 * 1024)


def _fail():
    raise ValueError("坏文件")


def test_run_bounded_returns_raises_and_stops_runaways():
    assert run_bounded(_sleep, 0, seconds=5) == "done"
    with pytest.raises(ValueError, match="坏文件"):
        run_bounded(_fail, seconds=5)
    started = time.monotonic()
    with pytest.raises(ConversionTimeout, match="超过 1 秒"):
        run_bounded(_sleep, 30, seconds=1)
    assert time.monotonic() - started < 5
    with pytest.raises(SuspiciousFile, match="内存"):
        run_bounded(_balloon, seconds=20, memory_mb=256)
