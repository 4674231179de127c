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

    assert check_upload(b"%PDF-1.4", 100) == ("application/pdf", ".pdf")
    docx = _zip({"[Content_Types].xml": b"x", "word/document.xml": b"x"})
    with pytest.raises(RuleError, match="只接受"):
        check_upload(docx[:16], len(docx))
